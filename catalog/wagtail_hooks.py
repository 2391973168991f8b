"""The catalogue in the Wagtail admin: one declarative viewset per model."""

from functools import cached_property

from django.templatetags.static import static
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup

from . import services
from .admin_views import (PeopleIndexMixin, PeopleInspectMixin, RecordCorrectView,
                          RecordEditRedirectView, RecordInspectPanelsMixin, ServiceModelViewSet,
                          TransitionButtonsMixin, TransitionView, VisibleRecordsMixin,
                          people_menu_item_class, register_policies)
from .forms import RecordCreateForm, StageCreateForm, StageRetentionCreateForm
from .lifecycle import RECORD_LIFECYCLE
from .models import Category, Fonds, Member, Record, Stage, StageRetention, Unit, Volume


def _years_from_retention(service):
    """Adapt a service taking ``years`` to a form offering a retention code."""
    def call(*, actor, retention, **fields):
        return service(actor=actor, years=retention.years, **fields)
    return call


class FondsViewSet(ServiceModelViewSet):
    model = Fonds
    icon = "folder-inverse"
    list_display = ["code", "name"]
    form_fields = ["code", "name"]
    create_service = services.fonds_create
    update_service = services.fonds_update


class CategoryViewSet(ServiceModelViewSet):
    model = Category
    icon = "list-ul"
    list_display = ["code", "name", "sort_order"]
    form_fields = ["code", "name", "sort_order"]
    create_service = services.category_create
    update_service = services.category_update
    search_fields = ["code", "name"]


class StageViewSet(ServiceModelViewSet):
    model = Stage
    icon = "list-ol"
    list_display = ["code", "name", "category", "retention_in_force"]
    list_filter = ["category"]
    search_fields = ["code", "name", "scope"]
    form_fields = ["category", "code", "name", "scope"]
    edit_form_fields = ["category", "name", "scope"]
    add_form_class = StageCreateForm
    create_service = staticmethod(_years_from_retention(services.stage_create))
    update_service = services.stage_update


class StageRetentionViewSet(ServiceModelViewSet):
    """Schedule versions: added, never edited, so filed records keep what they were given."""

    model = StageRetention
    icon = "time"
    menu_label = _("Retention schedule")
    list_display = ["stage", "period_label", "effective_from", "basis"]
    list_filter = ["stage__category", "effective_from"]
    search_fields = ["stage__code", "basis"]
    form_fields = ["stage", "effective_from", "basis", "note"]
    add_form_class = StageRetentionCreateForm
    editable = False
    create_service = staticmethod(_years_from_retention(services.stage_retention_change))


class VolumeViewSet(ServiceModelViewSet):
    model = Volume
    icon = "folder-open-inverse"
    list_display = ["__str__", "fonds", "year", "stage", "retention"]
    list_filter = ["year", "category", "stage", "retention", "fonds"]
    search_fields = ["title"]
    form_fields = ["fonds", "year", "stage", "number", "title", "retention"]
    edit_form_fields = ["title"]
    create_service = services.volume_create
    update_service = services.volume_update


class RecordViewSet(ServiceModelViewSet):
    model = Record
    icon = "doc-full"
    list_display = ["archive_code", "title", "formed_on", "retention", "appraisal_due_on", "status"]
    list_filter = ["year", "category", "stage", "retention", "fonds", "status", "sensitivity"]
    search_fields = ["archive_code", "title"]
    form_fields = RecordCreateForm.Meta.fields
    add_form_class = RecordCreateForm
    create_service = services.record_create
    inspect_view_fields = ["archive_code", "title", "fonds", "year", "category", "stage",
                           "retention", "volume", "formed_on", "appraisal_due_on", "status",
                           "sensitivity",
                           "page_start", "page_end", "created_at", "updated_at"]

    # Restricted records and work in progress stay out of sight of those without access.
    index_view_class = type("IndexView", (VisibleRecordsMixin, generic.IndexView), {})
    inspect_view_class = type("InspectView", (RecordInspectPanelsMixin, TransitionButtonsMixin,
                                              VisibleRecordsMixin,
                                              generic.InspectView), {
        "workflow": RECORD_LIFECYCLE, "taken_elsewhere": ("destroy",),
        "transition_url_name": "record:transition"})

    def get_urlpatterns(self):
        view = type("RecordTransitionView", (TransitionView,), {
            "workflow": RECORD_LIFECYCLE, "taken_elsewhere": ("destroy",),
            "service": staticmethod(services.record_transition),
            "inspect_url_name": "record:inspect",
            "queryset_for": staticmethod(lambda user: Record.objects.visible_to(user))})
        return [*super().get_urlpatterns(),
                path("transition/<int:pk>/<str:name>/", view.as_view(), name="transition"),
                path("correct/<int:pk>/", RecordCorrectView.as_view(), name="correct")]

    # Changes to a filed record are corrections, each with its service and reason: the edit
    # view saves nothing and sends to the 更正 page.
    edits_through = "record:correct"

    @property
    def edit_view(self):
        return RecordEditRedirectView.as_view()


class PeopleViewSet(ServiceModelViewSet):
    """Members and units under the counter's rules: only those linked to a record the user
    may see, ID numbers masked without ``archive.view_full_id_number``, every inspect and
    listing search audited, and no menu entry for counter staff (they use the counter)."""

    view_action = search_action = ""

    @property
    def index_view_class(self):
        return type("IndexView", (PeopleIndexMixin, generic.IndexView),
                    {"search_action": self.search_action})

    @property
    def inspect_view_class(self):
        return type("InspectView", (PeopleInspectMixin, generic.InspectView),
                    {"view_action": self.view_action})

    @cached_property
    def menu_item_class(self):
        return people_menu_item_class(self)


class MemberViewSet(PeopleViewSet):
    model = Member
    icon = "user"
    list_display = ["name", "id_number"]
    search_fields = ["name", "id_number"]
    form_fields = ["id_number", "name"]
    edit_form_fields = ["name"]
    view_action, search_action = "admin_view_member", "admin_search_member"
    create_service = services.member_create
    update_service = services.member_update


class UnitViewSet(PeopleViewSet):
    model = Unit
    icon = "group"
    list_display = ["name", "credit_code", "org_code", "ss_code"]
    search_fields = ["name", "credit_code", "org_code", "computer_code", "ss_code"]
    form_fields = ["name", "credit_code", "org_code", "computer_code", "ss_code"]
    view_action, search_action = "admin_view_unit", "admin_search_unit"
    create_service = services.unit_create
    update_service = services.unit_update


class CatalogGroup(ModelViewSetGroup):
    menu_label = _("Archive catalogue")
    menu_icon = "folder-open-1"
    menu_order = 100
    items = (RecordViewSet, VolumeViewSet, MemberViewSet, UnitViewSet, CategoryViewSet,
             StageViewSet, StageRetentionViewSet, FondsViewSet)


register_policies(*CatalogGroup.items)


@hooks.register("register_admin_viewset")
def register_catalog_viewsets():
    return CatalogGroup()


@hooks.register("insert_global_admin_js")
def start_date_choosers():
    # Wagtail's date widgets start from an inline script; ours from this file (no inline script).
    return format_html('<script src="{}" defer></script>', static("catalog/admin-widgets.js"))
