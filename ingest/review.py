"""The review queue and form: an officer files, from the scan, what the classifier was unsure of.

The queue lists the records waiting for review that the officer may see, oldest first;
filing one opens the next. The form shows each suggestion beside its field with its
confidence and starts from it: submitting the form confirms what it holds.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from archive.counter.selectors import shown_id_number
from catalog import services as catalog
from catalog.errors import CatalogError
from catalog.models import LinkSource, Record, RecordStatus, RetentionPeriod, Sensitivity, Stage
from kernel.errors import form_add_error

from . import classify, scan
from .selectors import review_queue


def suggestions_of(record) -> dict:
    """The extraction's suggestions, or the classifier's on the text for records before it."""
    found = dict(getattr(record, "suggestions", None) or {})
    if "stage" not in found or "formed_on" not in found:
        text = "\n".join(record.pages.order_by("number").values_list("text", flat=True))
        if "stage" not in found:
            guess = classify.suggest_stage(text)
            if guess.stage_code:
                found["stage"] = {"value": guess.stage_code, "confidence": guess.confidence}
        date = classify.find_date(text) if "formed_on" not in found else None
        if date:
            found["formed_on"] = {"value": date.isoformat(), "confidence": None}
    return found


@permission_required("catalog.change_record", raise_exception=True)
def queue(request):
    """The records waiting for review, oldest first, each opening its review form."""
    page = Paginator(review_queue(user=request.user), 50).get_page(request.GET.get("p"))
    rows = [{"record": r, "suggested": suggestions_of(r).get("stage") or {}} for r in page]
    stages = {s.code: s for s in Stage.objects.filter(
        code__in=[row["suggested"].get("value") for row in rows])}
    for row in rows:
        row["stage"] = stages.get(row["suggested"].get("value"))
    return render(request, "ingest/review_queue.html", {"page": page, "rows": rows})


class ReviewForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=500)
    stage = forms.ModelChoiceField(queryset=Stage.objects.select_related("category"),
                                   label=_("business stage"))
    formed_on = forms.DateField(label=_("formation date"),
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    retention = forms.ModelChoiceField(queryset=RetentionPeriod.objects.all(), required=False,
                                       label=_("retention"),
                                       help_text=_("Leave empty to take the file plan's period."))
    sensitivity = forms.ChoiceField(choices=Sensitivity.choices, label=_("sensitivity"))
    members = forms.MultipleChoiceField(required=False, label=_("members"),
                                        widget=forms.CheckboxSelectMultiple,
                                        help_text=_("Untick a member the record does not name."))
    units = forms.MultipleChoiceField(required=False, label=_("units"),
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text=_("Untick a unit the record does not name."))
    reason = forms.CharField(label=_("reason"), max_length=300,
                             initial=_("checked against the scan at review"))

    def __init__(self, *args, record, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.member_links = {str(link.member_id): link for link in
                             record.recordmember_set.select_related("member")}
        self.unit_links = {str(link.unit_id): link for link in
                           record.recordunit_set.select_related("unit")}
        self.fields["members"].choices = [
            (pk, _link_label(link.member.name or _("(name not recorded)"),
                             shown_id_number(user, link.member.id_number), link.source))
            for pk, link in self.member_links.items()]
        self.fields["units"].choices = [
            (pk, _link_label(link.unit.name or "—", link.unit.credit_code or "", link.source))
            for pk, link in self.unit_links.items()]


def _link_label(name: str, code: str, source: str) -> str:
    tag = _("suggested") if source == LinkSource.SUGGESTED else _("confirmed")
    return f"{name} {code}（{tag}）"


def _initial(record, found: dict) -> dict:
    stage = found.get("stage", {}).get("value")
    formed_on = record.formed_on or parse_date(found.get("formed_on", {}).get("value") or "")
    return {"title": found.get("title", {}).get("value") or record.title,
            "stage": record.stage or Stage.objects.filter(code=stage).first(),
            "formed_on": formed_on, "retention": record.retention,
            "sensitivity": record.sensitivity,
            "members": [str(pk) for pk in record.members.values_list("pk", flat=True)],
            "units": [str(pk) for pk in record.units.values_list("pk", flat=True)]}


def _file(actor, record, form: ReviewForm):
    data, reason = form.cleaned_data, form.cleaned_data["reason"]
    record = catalog.record_title_correct(actor=actor, record=record, title=data["title"],
                                          reason=reason)
    if record.is_filed:  # filed by the pipeline, held for a doubt: correct what was filed
        record = catalog.record_formed_on_correct(actor=actor, record=record,
                                                  formed_on=data["formed_on"], reason=reason)
        record = catalog.record_refile(actor=actor, record=record, stage=data["stage"],
                                       retention=data["retention"], reason=reason)
    else:
        record = catalog.record_file(actor=actor, record=record, stage=data["stage"],
                                     formed_on=data["formed_on"], retention=data["retention"],
                                     confidence=1.0)
    for kept, links, key in ((data["members"], form.member_links, "member"),
                             (data["units"], form.unit_links, "unit")):
        for pk, link in links.items():
            target = {key: getattr(link, key)}
            if pk not in kept:
                catalog.record_link_drop(actor=actor, record=record, reason=reason, **target)
            elif link.source == LinkSource.SUGGESTED:
                catalog.record_link_confirm(actor=actor, record=record, reason=reason, **target)
    record = catalog.record_sensitivity_correct(actor=actor, record=record,
                                                sensitivity=data["sensitivity"], reason=reason)
    return catalog.record_transition(actor=actor, record=record, transition="ready", errors=[])


@permission_required("catalog.change_record", raise_exception=True)
def review(request, record_id: int):
    """File a record from its scan; then open the next record in the queue."""
    record = get_object_or_404(Record.objects.visible_to(request.user), pk=record_id)
    if record.status != RecordStatus.NEEDS_REVIEW:  # filed meanwhile, perhaps by a colleague
        messages.info(request, _("This record is not waiting for review."))
        return redirect("ingest_review_queue")
    found = suggestions_of(record)
    form = ReviewForm(request.POST or None, initial=_initial(record, found), record=record,
                      user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                filed = _file(request.user, record, form)
        except CatalogError as exc:
            form_add_error(form, exc, with_rule=True)
        else:
            messages.success(request, _("Filed as %(code)s.") % {"code": filed.archive_code})
            following = review_queue(user=request.user).exclude(pk=filed.pk).first()
            if following is None:
                messages.info(request, _("No more records are waiting for review."))
                return redirect("ingest_review_queue")
            return redirect("ingest_review", record_id=following.pk)
    stage_code = found.get("stage", {}).get("value")
    return render(request, "ingest/review.html", {
        "record": record, "form": form, "suggested": found,
        "suggested_stage": Stage.objects.filter(code=stage_code).first() if stage_code else None,
        "remaining": review_queue(user=request.user).count(),
        **scan.scan_context(request, record)})
