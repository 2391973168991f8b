"""The hold admin: listing, place form, detail with the records covered, change, release, report.

Every write goes through ``retention.services``; a refusal is shown with its
rule and changes nothing. Buttons come from ``HOLD_LIFECYCLE.available()``.
Holds are never deleted or edited in place: a change is its own form, with a reason.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views import View
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies.base import ModelPermissionPolicy

from catalog.admin_views import ServiceCreateView
from kernel.errors import DomainError, form_add_error
from kernel.names import person_name
from retention import selectors, services
from retention.models import HoldState
from retention.registers.holds import scope_text
from retention.workflows import HOLD_LIFECYCLE

from .hold_forms import HoldChangeForm, HoldReleaseForm

RECORDS_PER_PAGE = 50


class HoldPermissionPolicy(ModelPermissionPolicy):
    """Who may do what with holds: list with ``view_hold``, place with ``place_hold``; never
    edit in place (a change has its own form) and never delete."""

    ACTIONS = {"view": "retention.view_hold", "add": "retention.place_hold"}

    def user_has_permission(self, user, action):
        needed = self.ACTIONS.get(action)
        return needed is not None and user.is_active and user.has_perm(needed)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


def may_print(user) -> bool:
    return user.has_perm("retention.view_registers")


class HoldIndexView(generic.IndexView):
    add_item_label = gettext_lazy("Place hold")

    @cached_property
    def columns(self):
        columns = list(super().columns)
        user = self.request.user
        at = next((i for i, c in enumerate(columns) if c.name == "placed_at"), len(columns))
        columns.insert(at, Column("placed_by", label=_("placed by"),
                                  accessor=lambda hold: person_name(hold.placed_by)))
        columns.append(Column("covered", label=_("records covered"),
                              accessor=lambda hold: selectors.hold_records(hold, user=user)
                              .count()))
        return columns

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("placed_by")

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if may_print(self.request.user):
            query = {k: v for k, v in self.request.GET.items() if k in ("state", "kind") and v}
            suffix = ("?" + "&".join(f"{k}={v}" for k, v in query.items())) if query else ""
            for fmt, label in (("pdf", _("Download PDF")), ("xlsx", _("Download XLSX"))):
                buttons.append(HeaderButton(label, icon_name="download",
                                            url=reverse("hold:report", args=[fmt]) + suffix))
        return buttons


class HoldCreateView(ServiceCreateView):
    page_title = gettext_lazy("Place hold")
    def save_instance(self):
        return services.hold_place(actor=self.request.user, **self.form.service_arguments())

    def get_success_url(self):
        return reverse("hold:inspect", args=[self.object.pk])


class HoldInspectView(generic.InspectView):
    template_name = "retention/hold_inspect.html"

    def get_placed_by_display_value(self):
        return person_name(self.object.placed_by)

    def get_released_by_display_value(self):
        return person_name(self.object.released_by)

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        hold, user = self.object, self.request.user
        if hold.state == HoldState.ACTIVE and user.has_perm("retention.place_hold"):
            buttons.append(HeaderButton(pgettext("hold", "Change"), icon_name="edit",
                                        url=reverse("hold:change", args=[hold.pk])))
        for transition in HOLD_LIFECYCLE.available(hold, user):
            buttons.append(HeaderButton(str(transition.label), icon_name="lock-open",
                                        url=reverse("hold:release", args=[hold.pk])))
        return buttons

    @cached_property
    def header_more_buttons(self):
        return []  # no edit, no delete

    def get_context_data(self, **kwargs):
        user = self.request.user
        records = (selectors.hold_records(self.object, user=user).with_plan()
                   .order_by("archive_code", "pk"))
        page = Paginator(records, RECORDS_PER_PAGE).get_page(self.request.GET.get("p"))
        return {**super().get_context_data(**kwargs), "records": page,
                "scope": scope_text(self.object,
                                    full_id=user.has_perm("archive.view_full_id_number"))}


class _HoldStepView(View):
    """A form about one hold (change or release) that calls one service."""

    template_name = "retention/hold_step.html"
    permission = ""
    title = ""

    def dispatch(self, request, pk):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        self.hold = get_object_or_404(selectors.holds_visible_to(request.user), pk=pk)
        return super().dispatch(request, pk)

    def get(self, request, pk):
        return self.render(self.form())

    def post(self, request, pk):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                self.save(form.cleaned_data)
            except DomainError as exc:
                form_add_error(form, exc, with_rule=True)
            else:
                messages.success(request, self.done_message())
                return redirect("hold:inspect", self.hold.pk)
        return self.render(form)

    def render(self, form):
        return TemplateResponse(self.request, self.template_name, {
            "hold": self.hold, "form": form, "title": self.get_title(),
            "back_url": reverse("hold:inspect", args=[self.hold.pk])})


class HoldChangeView(_HoldStepView):
    permission = "retention.place_hold"

    def form(self, data=None):
        return HoldChangeForm(data, user=self.request.user,
                              initial={"name": self.hold.name, "kind": self.hold.kind})

    def get_title(self):
        return _("Change hold")

    def save(self, data):
        services.hold_change(actor=self.request.user, hold=self.hold, reason=data["reason"],
                             name=data["name"], kind=data["kind"],
                             add_records=data["add_records"],
                             remove_records=data["remove_records"])

    def done_message(self):
        return _("Hold %(number)s changed.") % {"number": self.hold.number}


class HoldReleaseView(_HoldStepView):
    permission = "retention.release_hold"

    def form(self, data=None):
        return HoldReleaseForm(data)

    def get_title(self):
        return str(HOLD_LIFECYCLE.get("hold_release").label)

    def save(self, data):
        services.hold_release(actor=self.request.user, hold=self.hold, reason=data["reason"])

    def done_message(self):
        return _("Hold %(number)s released.") % {"number": self.hold.number}


def hold_report(request, fmt: str):
    """Download the hold report (filtered by state and kind as the listing was)."""
    state = request.GET.get("state") or None
    kind = request.GET.get("kind") or None
    try:
        rendered = services.hold_report_export(actor=request.user, fmt=fmt, state=state,
                                               kind=kind)
    except DomainError as exc:
        if exc.rule == "permission":
            raise PermissionDenied from None
        messages.error(request, exc.with_rule())
        return redirect("hold:index")
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    response["X-Content-SHA256"] = rendered.sha256
    return response

