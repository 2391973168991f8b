"""Destruction registers in the admin: listing, detail with the workflow's buttons, downloads.

The listing is a read-only viewset (nothing is added, changed or deleted there);
every step is a POST to ``register_action`` calling its service, and a refusal
shows the rule. Execution has its own page (another module): the detail page
links to it when its URL exists.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic

from catalog.admin_views import ReadOnlyModelViewSet
from kernel import clock
from kernel.errors import DomainError
from kernel.names import person_name

from .. import services
from ..models import AppraisalBatch, DestructionRegister, ItemState
from ..reports.register import document_context
from ..reports.register_content import SIGNATORIES, item_row
from ..workflows import REGISTER_LIFECYCLE

INSPECT = "destruction_registers:inspect"
# Taken on the execution page, which the execution module provides.
TAKEN_ELSEWHERE = ("register_execute", "register_executed")
ITEMS_PER_PAGE = 100


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("reason for refusal"), widget=forms.Textarea(attrs={"rows": 3}))


class FileForm(forms.Form):
    filed_on = forms.DateField(label=_("filed with the HRSS department on"),
                               widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("filing reference"), max_length=200)


class SignatoriesForm(forms.Form):
    unit_head = forms.CharField(label="单位负责人", max_length=60, required=False)
    archives_head = forms.CharField(label="档案机构负责人", max_length=60, required=False)
    accounting_head = forms.CharField(label="会计机构负责人", max_length=60, required=False)
    handler = forms.CharField(label="经办人", max_length=60, required=False)


FORMS = {"register_refuse": RefuseForm, "register_file": FileForm}


def _visible(user):
    if not (user.has_perm("retention.view_destructionregister")
            or user.has_perm("retention.view_registers")):
        raise PermissionDenied
    return DestructionRegister.objects.select_related("fonds", "batch", "prepared_by",
                                                      "approved_by", "filed_record")


def execute_url(register) -> str | None:
    """Return the execution page of ``register`` when the execution module is installed."""
    try:
        return reverse("retention_register_execute", args=[register.pk])
    except NoReverseMatch:
        return None


class RegisterIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related(
            "fonds", "prepared_by", "approved_by").annotate(
            listed_count=Count("items", filter=~Q(items__state=ItemState.EXCLUDED)),
            excluded_count=Count("items", filter=Q(items__state=ItemState.EXCLUDED)))


class RegisterInspectView(generic.InspectView):
    template_name = "retention/register_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        register, user = self.object, self.request.user
        items = (register.items.select_related("record__retention", "record__stage")
                 .annotate(page_total=Count("record__pages")).order_by("serial"))
        page = Paginator(items, ITEMS_PER_PAGE).get_page(self.request.GET.get("p"))
        today = clock.today()
        rows = [{**(item.row or item_row(item, on=today)), "state": item.state,
                 "state_label": item.get_state_display(), "error": item.error}
                for item in page.object_list]
        actions = []
        for transition in REGISTER_LIFECYCLE.available(register, user):
            if transition.name in TAKEN_ELSEWHERE:
                continue
            form_class = FORMS.get(transition.name)
            initial = {"filed_on": today} if transition.name == "register_file" else {}
            actions.append({"name": transition.name, "label": transition.label,
                            "form": form_class(initial=initial) if form_class else None,
                            "url": reverse("retention_register_action",
                                           args=[register.pk, transition.name])})
        may_prepare = user.has_perm("retention.prepare_destruction")
        context.update({
            "doc": document_context(register), "rows": rows, "page": page,
            "actions": actions, "execute_url": execute_url(register),
            "may_execute": user.has_perm("retention.execute_destruction")
            and register.state in ("filed", "executing"),
            "signatories_form": SignatoriesForm(initial=register.signatories)
            if register.is_accounting and register.state == "draft" and may_prepare else None,
            "signatories": [(label, register.signatories.get(key, ""))
                            for key, label in SIGNATORIES],
            "prepared_by": person_name(register.prepared_by),
            "approved_by": person_name(register.approved_by) if register.approved_by_id else "",
        })
        return context


class DestructionRegisterViewSet(ReadOnlyModelViewSet):
    """销毁清册: listed and read here; every step is a button on the register's page."""

    model = DestructionRegister
    icon = "bin"
    menu_label = _("destruction registers")
    menu_hook = "register_retention_menu_item"  # retention.wagtail_hooks.RETENTION_MENU_HOOK
    menu_order = 120
    add_to_admin_menu = True
    index_view_class = RegisterIndexView
    inspect_view_class = RegisterInspectView
    list_display = [
        "number", "fonds", "state",
        Column("listed_count", label=_("listed")),
        Column("excluded_count", label=_("excluded")),
        Column("prepared_by", label=_("prepared by"), accessor=lambda r: person_name(r.prepared_by)),
        DateColumn("prepared_at", label=_("prepared at")),
        Column("approved_by", label=_("approved by"),
               accessor=lambda r: person_name(r.approved_by) if r.approved_by_id else ""),
        DateColumn("approved_at", label=_("approved at")),
        DateColumn("filed_on", label=_("filed with the HRSS department on")),
    ]
    list_filter = ["state", "fonds", "is_accounting"]
    search_fields = ["number", "filing_reference"]
    inspect_view_fields = ["number", "fonds", "state"]


def _call(request, register: DestructionRegister, name: str) -> None:
    actor = request.user
    if name in ("register_submit", "register_approve", "register_close"):
        getattr(services, name)(actor=actor, register=register)
        return
    form = FORMS[name](request.POST)
    if not form.is_valid():
        raise DomainError("；".join(f"{form.fields[f].label}：{' '.join(e)}"
                                   for f, e in form.errors.items()),
                          field=next(iter(form.errors)), rule="required")
    if name == "register_refuse":
        services.register_refuse(actor=actor, register=register,
                                 reason=form.cleaned_data["reason"])
    else:
        services.register_file(actor=actor, register=register,
                               filed_on=form.cleaned_data["filed_on"],
                               reference=form.cleaned_data["reference"])


@require_POST
def register_action(request, pk: int, name: str):
    """Take one step of the register's workflow through its service."""
    register = get_object_or_404(_visible(request.user), pk=pk)
    if name in TAKEN_ELSEWHERE or name not in REGISTER_LIFECYCLE.transitions:
        raise Http404
    try:
        _call(request, register, name)
    except DomainError as exc:
        messages.error(request, exc.with_rule())
    else:
        messages.success(request, str(REGISTER_LIFECYCLE.transitions[name].label))
    return redirect(INSPECT, pk)


@require_POST
def register_signatories(request, pk: int):
    register = get_object_or_404(_visible(request.user), pk=pk)
    form = SignatoriesForm(request.POST)
    if form.is_valid():
        try:
            services.register_signatories_set(actor=request.user, register=register,
                                              **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.with_rule())
        else:
            messages.success(request, str(_("name destruction register signatories")))
    return redirect(INSPECT, pk)


def register_download(request, pk: int, fmt: str):
    """Send the register as PDF or XLSX (audited with the file's SHA-256)."""
    register = get_object_or_404(_visible(request.user), pk=pk)
    try:
        data, content_type, name = services.register_export(actor=request.user,
                                                            register=register, fmt=fmt)
    except DomainError:
        raise Http404 from None
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def register_build(request, batch_id: int):
    """Draw up the registers of a decided batch (the batch page's button posts here)."""
    batch = get_object_or_404(AppraisalBatch, pk=batch_id)
    try:
        registers = services.register_build(actor=request.user, batch=batch)
    except DomainError as exc:
        messages.error(request, exc.with_rule())
        return redirect("destruction_registers:index")
    messages.success(request, str(_("draw up destruction register")) + "："
                     + "、".join(r.number for r in registers))
    return redirect(INSPECT, registers[0].pk)
