"""Wagtail admin views that write through the catalogue's services.

A viewset names a ``create_service`` and an ``update_service``; the views call
them with the acting user and turn a ``DomainError`` into a form error on the
field it names, so the officer sees what to correct and nothing is half-saved.
"""

from __future__ import annotations

import inspect
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import HeaderButton
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.views import generic
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from kernel.errors import DomainError, form_add_error

from .forms import RecordCorrectionForm
from .identifiers import mask_citizen_id, normalize
from .services import record_correct
from .signals import personal_data_read


class _ServiceFormMixin:
    service = None

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as exc:
            form_add_error(form, exc, with_rule=True)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ServiceCreateView(_ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        return type(self).service(actor=self.request.user, **self.form.cleaned_data)


class ServiceEditView(_ServiceFormMixin, generic.EditView):
    def save_instance(self):
        # The form has already copied its values onto self.object; the service must see the
        # stored row to know what changes.
        stored = self.model._default_manager.get(pk=self.object.pk)
        return type(self).service(actor=self.request.user,
                                  **{self.model._meta.model_name: stored},
                                  **self.form.cleaned_data)


class NoDeletePermissionPolicy(ModelPermissionPolicy):
    """Catalogue entries are never deleted from the admin: records leave only by destruction."""

    refused = frozenset({"delete"})

    def __init__(self, model, *, refused=None, **kwargs):
        super().__init__(model, **kwargs)
        if refused is not None:
            self.refused = frozenset(refused)

    def user_has_permission(self, user, action):
        return action not in self.refused and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


class ReadOnlyModelViewSet(ModelViewSet):
    """A listing with an inspect view and nothing to add, change or delete."""

    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = []


class ServiceModelViewSet(ModelViewSet):
    """A ModelViewSet whose add and edit forms save through services."""

    create_service = None
    update_service = None
    add_form_class = None
    edit_form_fields: list[str] | None = None
    editable = True
    copy_view_enabled = False
    inspect_view_enabled = True

    def _service(self, name: str):
        # Read the function as declared: a plain function on the class would bind to the viewset.
        found = inspect.getattr_static(self, name)
        return found.__func__ if isinstance(found, staticmethod) else found

    @property
    def add_view_class(self):
        return type("CreateView", (ServiceCreateView,),
                    {"service": staticmethod(self._service("create_service"))})

    @property
    def edit_view_class(self):
        if self.update_service is None:
            return generic.EditView
        return type("EditView", (ServiceEditView,),
                    {"service": staticmethod(self._service("update_service"))})

    def get_form_class(self, for_update=False):
        if not for_update and self.add_form_class is not None:
            return self.add_form_class
        if for_update and self.edit_form_fields is not None:
            from django.forms import modelform_factory
            return modelform_factory(self.model, formfield_callback=self.formfield_for_dbfield,
                                     fields=self.edit_form_fields)
        return super().get_form_class(for_update)


def register_policies(*viewsets: type[ModelViewSet]) -> None:
    """Register each viewset's model with a policy refusing deletes (and edits when not
    editable); a read-only viewset's model refuses adding too."""
    for viewset in viewsets:
        if issubclass(viewset, ReadOnlyModelViewSet):
            actions = {"add", "change", "delete"}
        else:
            actions = {"delete"} if getattr(viewset, "editable", True) else {"delete", "change"}
        register_permission_policy(viewset.model,
                                   NoDeletePermissionPolicy(viewset.model, refused=actions))


class VisibleRecordsMixin:
    """List and open only the records the signed-in user may see (Record.objects.visible_to)."""

    def get_base_queryset(self):
        return super().get_base_queryset().visible_to(self.request.user)

    def get_object(self, queryset=None):
        found = super().get_object(queryset)
        if not type(found).objects.visible_to(self.request.user).filter(pk=found.pk).exists():
            raise Http404
        return found


class TransitionButtonsMixin:
    """An inspect view with one header button per transition the user may take now.

    ``workflow`` is the model's ``kernel.transitions.Workflow``; transitions in
    ``taken_elsewhere`` have their own screens (destruction: the register).
    """

    workflow = None
    taken_elsewhere: tuple[str, ...] = ()
    transition_url_name = ""

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        for transition in type(self).workflow.available(self.object, self.request.user):
            if transition.name not in self.taken_elsewhere:
                buttons.append(HeaderButton(
                    str(transition.label), icon_name="arrow-right",
                    url=reverse(self.transition_url_name, args=[self.object.pk, transition.name])))
        return buttons


class TransitionView(View):
    """Confirm (GET) and take (POST) one declared transition through its service.

    ``service(actor=, <model name>=, transition=)`` does the work; a refusal is
    shown as a message naming the rule, and nothing changes.
    """

    workflow = None
    service = None
    taken_elsewhere: tuple[str, ...] = ()
    inspect_url_name = ""
    queryset_for = None  # callable(user) -> the rows the user may see
    template_name = "catalog/transition_confirm.html"

    def dispatch(self, request, pk, name):
        cls = type(self)
        found = get_object_or_404(cls.queryset_for(request.user), pk=pk)
        if name in cls.taken_elsewhere or name not in cls.workflow.transitions:
            raise Http404
        transition = cls.workflow.transitions[name]
        if not cls.workflow.allows(transition, request.user):
            raise PermissionDenied
        back = reverse(cls.inspect_url_name, args=[found.pk])
        if request.method != "POST":
            state = getattr(found, f"get_{cls.workflow.state_field}_display")()
            return TemplateResponse(request, self.template_name, {
                "object": found, "transition": transition, "back_url": back, "state": state,
                "noun": found._meta.verbose_name})
        try:
            cls.service(actor=request.user, transition=name,
                        **{found._meta.model_name: found})
        except DomainError as exc:
            messages.error(request, exc.with_rule())
        else:
            messages.success(request, str(transition.label))
        return redirect(back)


def may_see_full_id(user) -> bool:
    """Return whether ``user`` sees citizen ID numbers unmasked (as at the counter)."""
    return user.has_perm("archive.view_full_id_number")


def may_browse_people(user) -> bool:
    """Return whether the member and unit listings belong in ``user``'s menu.

    Counter staff look people up at the counter (one full number, audited); the
    admin listings are for those who keep the catalogue or read it in full.
    """
    return user.has_perm("catalog.change_record") or may_see_full_id(user)


def people_visible_to(model, user):
    """Members or units linked to at least one record ``user`` may see (the counter's rule)."""
    from .models import Member, Record
    records = Record.objects.visible_to(user)
    link = "members" if model is Member else "units"
    shown = Q(Exists(records.filter(**{link: OuterRef("pk")})))
    if user.has_perm(f"catalog.change_{model._meta.model_name}"):
        # Those who keep the catalogue also see the entries they made before any record.
        shown |= ~Q(Exists(Record.objects.filter(**{link: OuterRef("pk")})))
    return model._default_manager.filter(shown)


def masked_id_number(member, user) -> str:
    """The member's ID number as ``user`` may see it."""
    return member.id_number if may_see_full_id(user) else mask_citizen_id(member.id_number)


class VisiblePeopleMixin:
    """List and open only members or units of records the user may see (the counter's rule)."""

    def get_base_queryset(self):
        return super().get_base_queryset() & people_visible_to(self.model, self.request.user)

    def get_object(self, queryset=None):
        found = super().get_object(queryset)
        if not people_visible_to(type(found), self.request.user).filter(pk=found.pk).exists():
            raise Http404
        return found


class PeopleIndexMixin(VisiblePeopleMixin):
    """Audit every listing search (a name or an ID number typed is personal data).

    Without the full-number permission a search matches names, or an ID number
    given in full and exactly: fragments of numbers do not enumerate people.
    """

    search_action = ""

    @cached_property
    def columns(self):
        columns = super().columns
        if may_see_full_id(self.request.user):
            return columns
        return [Column("id_number", label=column.label,
                       accessor=lambda member: mask_citizen_id(member.id_number))
                if column.name == "id_number" else column for column in columns]

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        if self.model._meta.model_name == "member" and not may_see_full_id(self.request.user):
            shown = f"{instance.name} {mask_citizen_id(instance.id_number)}"
            for button in buttons:  # the dropdown's label names the instance by str()
                if "aria-label" in (getattr(button, "attrs", None) or {}):
                    button.attrs["aria-label"] = button.attrs["aria-label"].replace(
                        str(instance), shown)
        return buttons

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        user = self.request.user
        personal_data_read.send(sender=self.model, instance=None, action=self.search_action,
                                actor=user, details={"text": self.search_query[:200]})
        if may_see_full_id(user):
            return super().search_queryset(queryset)
        query = self.search_query.strip()
        number = normalize(query)
        if self.model._meta.model_name == "member":
            return queryset.filter(Q(name__icontains=query) | Q(id_number=number))
        return queryset.filter(Q(name__icontains=query) | Q(credit_code=number)
                               | Q(org_code=number) | Q(computer_code=number)
                               | Q(ss_code=number))


class PeopleInspectMixin(VisiblePeopleMixin):
    """Mask ID numbers and audit the read, as the counter does."""

    view_action = ""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        personal_data_read.send(sender=self.model, instance=self.object,
                                action=self.view_action, actor=request.user, details={})
        return response

    def get_page_subtitle(self):
        if self.model._meta.model_name == "member":
            return f"{self.object.name} {masked_id_number(self.object, self.request.user)}"
        return super().get_page_subtitle()

    def get_id_number_display_value(self):
        return masked_id_number(self.object, self.request.user)


def people_menu_item_class(viewset):
    """A menu item shown only to those ``may_browse_people`` admits."""
    base = ModelViewSet.menu_item_class.func(viewset)

    def is_shown(self, request):
        return may_browse_people(request.user) and base.is_shown(self, request)

    return type(base.__name__, (base,), {"is_shown": is_shown})


# --- the record's pages: panels from other apps, corrections ------------------------------

# Panels other apps show on the record's admin pages (ingest shows the scan): each hook is
# called with the request and the record and returns HTML, so the catalogue need not know
# who draws them.
PANELS_HOOK = "record_admin_panels"


def record_panels(request, record) -> list[str]:
    """The HTML of every panel registered for a record's admin pages."""
    return [panel(request, record) for panel in hooks.get_hooks(PANELS_HOOK)]


def _correctable(user):
    from .models import Record, RecordStatus

    return (Record.objects.visible_to(user).with_plan().exclude(status=RecordStatus.DESTROYED)
            .filter(archive_code__isnull=False).exclude(archive_code=""))


class RecordCorrectView(View):
    """Correct a filed record beside its scan; a refusal names the rule and changes nothing."""

    template_name = "catalog/record_correct.html"

    def dispatch(self, request, pk):
        if not request.user.has_perm("catalog.change_record"):
            raise PermissionDenied
        self.record = get_object_or_404(_correctable(request.user), pk=pk)
        return super().dispatch(request, pk)

    def get(self, request, pk):
        return self.render(RecordCorrectionForm(
            initial=RecordCorrectionForm.initial_for(self.record)))

    def post(self, request, pk):
        form = RecordCorrectionForm(request.POST,
                                    initial=RecordCorrectionForm.initial_for(self.record))
        if form.is_valid():
            try:
                record = record_correct(actor=request.user, record=self.record,
                                        **form.cleaned_data)
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


class RecordEditRedirectView(View):
    """The listing's edit link: a filed record is changed only on the 更正 page, with a reason.

    A record not yet filed is classified in the review queue, so its edit link opens the
    record's page; nothing is ever saved here.
    """

    def dispatch(self, request, pk):
        from .models import Record

        if not request.user.has_perm("catalog.change_record"):
            raise PermissionDenied
        if _correctable(request.user).filter(pk=pk).exists():
            return redirect("record:correct", pk)
        get_object_or_404(Record.objects.visible_to(request.user), pk=pk)
        return redirect("record:inspect", pk)


class RecordInspectPanelsMixin:
    """The record's inspect page with its former codes, the other apps' panels (the scan)
    and a button to the corrections."""

    template_name = "catalog/record_inspect.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "aliases": self.object.code_aliases.all(),
                "panels": record_panels(self.request, self.object)}

    @cached_property
    def header_buttons(self):
        from .models import RecordStatus

        buttons = list(super().header_buttons)
        if (self.request.user.has_perm("catalog.change_record") and self.object.is_filed
                and self.object.status != RecordStatus.DESTROYED):
            buttons.append(HeaderButton(str(_("Correct")), icon_name="edit",
                                        url=reverse("record:correct", args=[self.object.pk])))
        return buttons
