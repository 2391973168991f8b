"""The due list (到期鉴定): what fell due, counted and listed, and a batch opened from it.

The records shown are those the viewer may see (``Record.objects.visible_to``),
due by the date chosen, not held and not already in a batch. An officer ticks
records on the page, or takes every record the filters match, and opens an
appraisal batch with its group (at least three members, each with a post).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from catalog.models import Record
from kernel.errors import DomainError

from .. import selectors, services
from ..models import AppraisalMember
from .forms import POST_CHOICES, DueFilterForm, OpenBatchForm

PAGE_SIZE = 50


def _due(user, values: dict):
    records = selectors.due_records(as_of=values["due_by"],
                                    queryset=Record.objects.visible_to(user))
    for name in ("category", "stage"):
        if values[name] is not None:
            records = records.filter(**{name: values[name]})
    if values["year_from"] is not None:
        records = records.filter(year=values["year_from"])
    return records


def _filter_query(form: DueFilterForm) -> dict:
    values = form.values()
    query = {"due_by": values["due_by"].isoformat()}
    for name in ("category", "stage"):
        if values[name] is not None:
            query[name] = values[name].code
    if values["year_from"] is not None:
        query["year"] = values["year_from"]
    return query


@permission_required("retention.open_appraisal", raise_exception=True)
def due_list(request):
    """List the records due for appraisal, with counts by category, stage and year."""
    form = DueFilterForm(request.GET or None)
    values = form.values()
    records = _due(request.user, values).select_related("category", "stage", "retention")
    counts = selectors.due_breakdown(records)
    page = Paginator(records.order_by("appraisal_due_on", "archive_code"), PAGE_SIZE).get_page(
        request.GET.get("p"))
    query = _filter_query(form)
    return render(request, "retention/appraisal/due_list.html", {
        "form": form, "counts": counts, "page": page, "due_by": values["due_by"],
        "total": sum(row["count"] for row in counts), "query": urlencode(query),
        "filters": query})


def _members_from(post, eligible) -> tuple[list[services.GroupMember], list[str]]:
    chosen = [int(pk) for pk in post.getlist("member") if pk.isdigit()]
    leader = post.get("leader", "")
    by_pk = {user.pk: user for user in eligible}
    members = []
    for pk in chosen:
        if pk in by_pk:
            choice = post.get(f"post_{pk}", AppraisalMember.Post.OTHER)
            members.append(services.GroupMember(user=by_pk[pk], post=choice,
                                                is_leader=str(pk) == leader))
    return members, [str(pk) for pk in chosen]


@permission_required("retention.open_appraisal", raise_exception=True)
def due_open(request):
    """Open a batch of the records chosen on the due list (or all the filters match)."""
    source = request.POST if request.method == "POST" else request.GET
    filters = DueFilterForm(source)
    values = filters.values()
    take_all = source.get("scope") == "all"
    chosen = [int(pk) for pk in source.getlist("records") if pk.isdigit()]
    count = _due(request.user, values).count() if take_all else len(chosen)
    eligible = list(selectors.appraisal_members_eligible())
    form = OpenBatchForm(request.POST or None, initial={
        "title": f"{values['due_by']:%Y}年度到期档案鉴定"})
    picked, leader = [], ""
    if request.method == "POST" and form.is_valid():
        members, picked = _members_from(request.POST, eligible)
        leader = request.POST.get("leader", "")
        if not take_all and not chosen:
            messages.error(request, _("choose records on the due list first"))
        else:
            try:
                batch = services.appraisal_open(
                    actor=request.user, title=form.cleaned_data["title"],
                    due_by=values["due_by"], members=members, category=values["category"],
                    stage=values["stage"], year_from=values["year_from"],
                    year_to=values["year_to"], records=None if take_all else chosen)
            except DomainError as exc:
                messages.error(request, exc.with_rule())
            else:
                messages.success(request, f"{batch.number} {batch.title}")
                return redirect(reverse("appraisalbatch:inspect", args=[batch.pk]))
    return render(request, "retention/appraisal/due_open.html", {
        "form": form, "filters": _filter_query(filters), "take_all": take_all,
        "chosen": chosen, "count": count, "eligible": eligible, "posts": POST_CHOICES,
        "picked": picked, "leader": leader,
        "back": reverse("retention_due_list") + "?" + urlencode(_filter_query(filters))})
