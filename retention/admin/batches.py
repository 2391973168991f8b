"""Appraisal batches in the admin: the listing, the batch page, a member's opinion page.

The batch page shows the group, the counts per decision and the items, 50 a
page (a batch may have thousands), each with every member's opinion; its
buttons are the workflow's ``available()`` transitions. A member's opinion page
takes one opinion for every item and per-item exceptions on the page shown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cached_property
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import HeaderButton

from catalog.models import RetentionPeriod
from kernel.errors import DomainError
from kernel.names import person_name

from .. import selectors, services
from ..models import AppraisalBatch, AppraisalMember, AppraisalOpinion, BatchState, Decision
from ..workflows import BATCH_LIFECYCLE
from .forms import BulkOpinionForm

PAGE_SIZE = 50


def batch_transition(*, actor, transition: str, appraisalbatch: AppraisalBatch):
    """Take a batch transition through its service (the admin's transition view calls this)."""
    service = {"appraisal_submit": services.appraisal_submit,
               "appraisal_close": services.appraisal_close}[transition]
    return service(actor=actor, batch=appraisalbatch)


def _members_label(batch: AppraisalBatch) -> str:
    return "、".join(person_name(m.user) + ("（组长）" if m.is_leader else "")
                    for m in batch.members.all())


class BatchIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (super().get_base_queryset().select_related("opened_by", "fonds")
                .prefetch_related("members__user").annotate(items_count=Count("items")))

    @cached_property
    def columns(self):
        shown = {
            "number": TitleColumn("number", label=_("batch number"), accessor="number",
                                  get_url=lambda batch: reverse("appraisalbatch:inspect",
                                                           args=[batch.pk])),
            "title": Column("title", label=_("title"), accessor="title"),
            "state": Column("state", label=_("state"), accessor="get_state_display"),
            "items": Column("items", label=_("number of items"), accessor="items_count"),
            "members": Column("members", label=_("appraisal group"),
                              accessor=_members_label),
            "opened_by": Column("opened_by", label=_("opened by"),
                                accessor=lambda batch: person_name(batch.opened_by)),
            "opened_at": Column("opened_at", label=_("opened at"),
                                accessor=lambda b: localtime(b.opened_at).strftime(
                                    "%Y-%m-%d %H:%M")),
            "closed_at": Column("closed_at", label=_("closed at"),
                                accessor=lambda b: localtime(b.closed_at).strftime(
                                    "%Y-%m-%d %H:%M") if b.closed_at else "—"),
        }
        return list(shown.values())


def _member_of(batch: AppraisalBatch, user) -> AppraisalMember | None:
    return next((m for m in batch.members.all() if m.user_id == user.pk), None)


def items_page(batch: AppraisalBatch, request):
    """Return the page of items asked for, each with its opinions by member id."""
    query = request.GET.get("q", "")
    page = Paginator(selectors.batch_items(batch, query=query), PAGE_SIZE).get_page(
        request.GET.get("p"))
    by_item = defaultdict(dict)
    for opinion in AppraisalOpinion.objects.filter(item__in=list(page)).select_related(
            "retention"):
        by_item[opinion.item_id][opinion.member_id] = opinion
    members = list(batch.members.all())
    for item in page:
        item.by_member = [by_item[item.pk].get(m.pk) for m in members]
        item.mine = None
    return page, by_item, query


class BatchInspectView(generic.InspectView):
    template_name = "retention/appraisal/batch_inspect.html"

    def get_object(self, queryset=None):
        return (AppraisalBatch.objects.select_related("opened_by", "closed_by", "fonds")
                .prefetch_related("members__user").get(pk=self.kwargs["pk"]))

    def get_fields(self):
        return ["number", "title", "fonds", "state", "due_by", "opened_by", "opened_at",
                "submitted_at", "closed_by", "closed_at", "items_sha256"]

    def get_opened_by_display_value(self):
        return person_name(self.object.opened_by)

    def get_closed_by_display_value(self):
        return person_name(self.object.closed_by) or "—"

    @cached_property
    def header_buttons(self):
        batch, user = self.object, self.request.user
        buttons = [HeaderButton(str(t.label), icon_name="arrow-right",
                                url=reverse("appraisalbatch:transition", args=[batch.pk, t.name]))
                   for t in BATCH_LIFECYCLE.available(batch, user)]
        if batch.state == BatchState.SUBMITTED and _member_of(batch, user):
            buttons.append(HeaderButton(_("Give my opinion"), icon_name="edit",
                                        url=reverse("appraisalbatch:opinion", args=[batch.pk])))
        if batch.state != BatchState.DRAFT:
            for fmt, label in (("pdf", _("Appraisal report (PDF)")),
                               ("xlsx", _("Appraisal report (XLSX)"))):
                buttons.append(HeaderButton(label, icon_name="download", url=reverse(
                    "appraisalbatch:report", args=[batch.pk, fmt])))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.object
        page, _by_item, query = items_page(batch, self.request)
        total = batch.items.count()
        given = dict(AppraisalOpinion.objects.filter(item__batch=batch).values("member_id")
                     .annotate(n=Count("pk")).values_list("member_id", "n"))
        members = [{"member": m, "given": given.get(m.pk, 0), "total": total}
                   for m in batch.members.all()]
        counts = Counter(batch.items.exclude(decision="").values_list("decision", flat=True))
        context.update({
            "members": members, "page": page, "query": query, "total": total,
            "search": urlencode({"q": query}) if query else "",
            "counts": [(label, counts.get(value, 0)) for value, label in Decision.choices],
            "decided": batch.state == BatchState.CLOSED})
        return context


def _opinion_target(request, pk) -> tuple[AppraisalBatch, AppraisalMember]:
    batch = get_object_or_404(AppraisalBatch.objects.prefetch_related("members__user"), pk=pk)
    member = _member_of(batch, request.user)
    if member is None or not request.user.has_perm("retention.give_appraisal_opinion"):
        raise PermissionDenied
    if batch.state != BatchState.SUBMITTED:
        raise Http404
    return batch, member


def _exceptions(post) -> dict[tuple, list[int]]:
    """Group the per-item choices of the page by (decision, retention, reason)."""
    groups = defaultdict(list)
    for key, decision in post.items():
        if not key.startswith("decision_") or not decision:
            continue
        record_id = key.removeprefix("decision_")
        if not record_id.isdigit():
            continue
        retention = post.get(f"retention_{record_id}", "") if decision == Decision.EXTEND else ""
        reason = post.get(f"reason_{record_id}", "").strip()
        groups[(decision, retention, reason)].append(int(record_id))
    return groups


def opinion(request, pk):
    """A member's opinion: one for every item, and exceptions item by item."""
    batch, member = _opinion_target(request, pk)
    bulk = BulkOpinionForm(request.POST if request.POST.get("form") == "bulk" else None)
    if request.method == "POST":
        try:
            with transaction.atomic():
                if request.POST.get("form") == "bulk":
                    if not bulk.is_valid():
                        raise DomainError(_("choose the opinion"), field="decision",
                                          rule="decision")
                    count = services.appraisal_opinion(
                        actor=request.user, batch=batch, decision=bulk.cleaned_data["decision"],
                        retention=bulk.cleaned_data["retention"],
                        reason=bulk.cleaned_data["reason"])
                else:
                    count = 0
                    for (decision, code, reason), ids in _exceptions(request.POST).items():
                        retention = RetentionPeriod.objects.filter(code=code).first()
                        count += services.appraisal_opinion(
                            actor=request.user, batch=batch, decision=decision,
                            retention=retention, reason=reason, records=ids)
        except DomainError as exc:
            messages.error(request, exc.with_rule())
        else:
            messages.success(request, _("opinion recorded on %(n)d item(s)") % {"n": count})
            return redirect(request.get_full_path())
    page, by_item, query = items_page(batch, request)
    for item in page:
        item.mine = by_item[item.pk].get(member.pk)
    return render(request, "retention/appraisal/opinion.html", {
        "batch": batch, "member": member, "bulk": bulk, "page": page, "query": query,
        "search": urlencode({"q": query}) if query else "",
        "decisions": Decision.choices, "retentions": RetentionPeriod.objects.all(),
        "given": AppraisalOpinion.objects.filter(item__batch=batch, member=member).count(),
        "total": batch.items.count()})


def report(request, pk, fmt):
    """Download the appraisal report (鉴定报告) as PDF or XLSX; the export is audited."""
    from ..reports import appraisal as reports
    if not (request.user.has_perm("retention.view_appraisalbatch")
            or request.user.has_perm("retention.view_registers")):
        raise PermissionDenied
    batch = get_object_or_404(AppraisalBatch, pk=pk)
    if fmt not in reports.FORMATS or batch.state == BatchState.DRAFT:
        raise Http404
    data, name = services.appraisal_report_export(actor=request.user, batch=batch, fmt=fmt)
    response = HttpResponse(data, content_type=reports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
