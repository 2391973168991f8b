"""The dashboard's figures: what the archive holds and what falls due."""

import datetime as dt

from django import template
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import pgettext

from catalog.admin_views import may_browse_people
from catalog.models import Member, Record, Stage, Unit, Volume
from kernel import clock

register = template.Library()


@register.inclusion_tag("archive/dashboard_summary.html", takes_context=True)
def archive_dashboard(context):
    user = context["request"].user
    today = clock.today()
    year_end = dt.date(today.year, 12, 31)
    # Count only what the user may open: a clerk must not learn how many restricted or
    # unfinished records (and the people in them) the archive holds.
    records = Record.objects.visible_to(user)
    members = Member.objects.filter(Exists(records.filter(members=OuterRef("pk"))))
    units = Unit.objects.filter(Exists(records.filter(units=OuterRef("pk"))))
    items = [
        ("catalog.view_record", "doc-full", records.not_destroyed().count(),
         pgettext("dashboard", "records"),
         reverse("record:index")),
        ("catalog.view_volume", "folder-open-inverse", Volume.objects.count(),
         pgettext("dashboard", "volumes"),
         reverse("volume:index")),
        ("catalog.view_member", "user", members.count(),
         pgettext("dashboard", "insured persons"), reverse("member:index")),
        ("catalog.view_unit", "group", units.count(),
         pgettext("dashboard", "employers"), reverse("unit:index")),
        ("catalog.view_stage", "list-ol", Stage.objects.count(),
         pgettext("dashboard", "business stages"), reverse("stage:index")),
        ("catalog.view_record", "time", records.due_for_appraisal(year_end).count(),
         pgettext("dashboard", "due for appraisal by the end of %(year)s") % {"year": today.year},
         reverse("record:index")),
    ]
    browse_people = may_browse_people(user)  # counter staff look people up at the counter
    return {"items": [{"icon": icon, "count": count, "label": label, "url": url}
                      for perm, icon, count, label, url in items if user.has_perm(perm)
                      and (browse_people or perm not in {"catalog.view_member",
                                                         "catalog.view_unit"})]}
