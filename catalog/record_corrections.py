"""The record admin's corrections: one form, each changed field through its service and reason.

Panels other apps show on the record's admin pages (ingest shows the scan) come from
the Wagtail hook ``record_admin_panels``: each is called with the request and the record
and returns HTML, so the catalogue need not know who draws them.
"""

from __future__ import annotations

from functools import cached_property

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail import hooks
from wagtail.admin.widgets.button import HeaderButton

from kernel.errors import DomainError, form_add_error

from . import services
from .models import Record, RecordStatus, RetentionPeriod, Sensitivity, Stage, Volume

PANELS_HOOK = "record_admin_panels"


def record_panels(request, record: Record) -> list[str]:
    """The HTML of every panel registered for a record's admin pages."""
    return [panel(request, record) for panel in hooks.get_hooks(PANELS_HOOK)]


class RecordCorrectionForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=500)
    formed_on = forms.DateField(label=_("formation date"),
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    stage = forms.ModelChoiceField(queryset=Stage.objects.select_related("category"),
                                   label=_("business stage"),
                                   help_text=_("Another stage re-files the record: it gets a new "
                                               "档号 and the old one still finds it."))
    retention = forms.ModelChoiceField(queryset=RetentionPeriod.objects.all(), label=_("retention"),
                                       help_text=_("Never below the file plan's period."))
    sensitivity = forms.ChoiceField(choices=Sensitivity.choices, label=_("sensitivity"))
    volume = forms.ModelChoiceField(queryset=Volume.objects.select_related("stage"), required=False,
                                    label=_("volume"), help_text=_("Empty: filed on its own."))
    page_start = forms.IntegerField(label=_("first page"), min_value=1, required=False)
    page_end = forms.IntegerField(label=_("last page"), min_value=1, required=False)
    reason = forms.CharField(label=_("reason for the correction"), max_length=300)


def _initial(record: Record) -> dict:
    return {"title": record.title, "formed_on": record.formed_on, "stage": record.stage,
            "retention": record.retention, "sensitivity": record.sensitivity,
            "volume": record.volume, "page_start": record.page_start,
            "page_end": record.page_end}


def record_correct(*, actor, record: Record, data: dict) -> Record:
    """Apply each correction that changes something, in an order that keeps the rules."""
    reason = data["reason"]
    record = services.record_title_correct(actor=actor, record=record, title=data["title"],
                                           reason=reason)
    if data["stage"].pk != record.stage_id:
        # The retention chosen with the new stage, unless it is the plan's default.
        keep = data["retention"] if data["retention"].pk != record.retention_id else None
        record = services.record_refile(actor=actor, record=record, stage=data["stage"],
                                        retention=keep, reason=reason)
    elif data["retention"].pk != record.retention_id:
        record = services.record_retention_correct(actor=actor, record=record,
                                                   retention=data["retention"], reason=reason)
    record = services.record_formed_on_correct(actor=actor, record=record,
                                               formed_on=data["formed_on"], reason=reason)
    record = services.record_volume_correct(actor=actor, record=record, volume=data["volume"],
                                            reason=reason)
    record = services.record_pages_correct(actor=actor, record=record,
                                           page_start=data["page_start"],
                                           page_end=data["page_end"], reason=reason)
    return services.record_sensitivity_correct(actor=actor, record=record,
                                               sensitivity=data["sensitivity"], reason=reason)


class RecordCorrectView(View):
    """Correct a filed record beside its scan; a refusal names the rule and changes nothing."""

    template_name = "catalog/record_correct.html"

    def dispatch(self, request, pk):
        if not request.user.has_perm("catalog.change_record"):
            raise PermissionDenied
        self.record = get_object_or_404(
            Record.objects.visible_to(request.user).with_plan().exclude(
                status=RecordStatus.DESTROYED).filter(archive_code__isnull=False), pk=pk)
        return super().dispatch(request, pk)

    def get(self, request, pk):
        return self.render(RecordCorrectionForm(initial=_initial(self.record)))

    def post(self, request, pk):
        form = RecordCorrectionForm(request.POST, initial=_initial(self.record))
        if form.is_valid():
            try:
                with transaction.atomic():
                    record = record_correct(actor=request.user, record=self.record,
                                            data=form.cleaned_data)
            except DomainError as exc:
                form_add_error(form, exc, with_rule=True)
            else:
                messages.success(request, _("Corrected: %(code)s.") % {"code": record.archive_code})
                return redirect("record:inspect", record.pk)
        return self.render(form)

    def render(self, form):
        return TemplateResponse(self.request, self.template_name, {
            "record": self.record, "form": form,
            "aliases": self.record.code_aliases.all(),
            "panels": record_panels(self.request, self.record)})


class RecordPanelsMixin:
    """A record's admin page with its former codes and the other apps' panels (the scan)."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "aliases": self.object.code_aliases.all(),
                "panels": record_panels(self.request, self.object)}


class RecordInspectPanelsMixin(RecordPanelsMixin):
    """The record's inspect page, with a button to the corrections."""

    template_name = "catalog/record_inspect.html"

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if (self.request.user.has_perm("catalog.change_record") and self.object.is_filed
                and self.object.status != RecordStatus.DESTROYED):
            buttons.append(HeaderButton(str(_("Correct")), icon_name="edit",
                                        url=reverse("record:correct", args=[self.object.pk])))
        return buttons


class RecordEditPanelsMixin(RecordPanelsMixin):
    template_name = "catalog/record_edit.html"
