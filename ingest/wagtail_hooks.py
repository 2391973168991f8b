"""Ingest in the Wagtail admin: the upload page and batch progress."""

from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.viewsets.model import ModelViewSetGroup

from catalog.admin_views import ReadOnlyModelViewSet, ServiceModelViewSet, register_policies

from . import review, scan, views
from .core import services as core
from .models import BusinessType, CallbackDelivery, CoreClient, CoreDocument, FourPropertiesCheck


class FourPropertiesViewSet(ReadOnlyModelViewSet):
    """四性检测 results, read-only: one per record, with every item's outcome."""

    model = FourPropertiesCheck
    icon = "tick-inverse"
    menu_label = _("Four-properties checks")
    add_to_admin_menu = True
    menu_order = 92
    list_display = ["record", "passed", "checked_at"]
    list_filter = ["passed"]
    inspect_view_fields = ["record", "passed", "checked_at", "report"]


class BusinessTypeViewSet(ServiceModelViewSet):
    """The core's business types and where each is filed (category, stage, retention)."""

    model = BusinessType
    icon = "list-ul"
    menu_label = _("Business type mapping")
    list_display = ["code", "name", "category", "stage", "retention", BooleanColumn("active", label=_("accepted"))]
    list_filter = ["stage__category", "active"]
    search_fields = ["code", "name"]
    form_fields = ["code", "name", "stage", "retention", "active", "sort_order"]
    edit_form_fields = ["name", "stage", "retention", "active", "sort_order"]
    create_service = core.business_type_create
    update_service = core.business_type_update


class CoreClientViewSet(ReadOnlyModelViewSet):
    """Calling systems: created and revoked with manage.py core_client (tokens are shown once)."""

    model = CoreClient
    icon = "key"
    menu_label = _("Core clients")
    list_display = ["name", "scopes", "rate_limit", "callback_url", "created_at", "revoked_at"]
    inspect_view_fields = ["name", "scopes", "rate_limit", "callback_url", "token_prefix",
                           "created_at", "revoked_at"]


class CoreDocumentViewSet(ReadOnlyModelViewSet):
    model = CoreDocument
    icon = "doc-full"
    menu_label = _("Pushed documents")
    list_display = ["declaration_id", "business_type", "record", "client", "created_at"]
    list_filter = ["business_type", "client", "payment_nature", "declaration_kind"]
    search_fields = ["declaration_id", "idempotency_key"]
    inspect_view_fields = ["declaration_id", "business_type", "record", "client", "period",
                           "payment_nature", "declaration_kind", "unit", "idempotency_key",
                           "metadata", "response_status", "response", "created_at"]


class CallbackDeliveryViewSet(ReadOnlyModelViewSet):
    model = CallbackDelivery
    icon = "mail"
    menu_label = _("Callbacks")
    list_display = ["event_label", "document", "url", "state", "attempts", "last_status",
                    "created_at"]
    list_filter = ["state", "event"]
    inspect_view_fields = ["event", "document", "url", "state", "attempts", "last_status",
                           "last_error", "payload", "created_at", "delivered_at"]


class CoreIntakeGroup(ModelViewSetGroup):
    menu_label = _("Core intake")
    menu_icon = "resubmit"
    menu_order = 93
    items = (BusinessTypeViewSet("core_business_types"), CoreDocumentViewSet("core_documents"),
             CallbackDeliveryViewSet("core_callbacks"), CoreClientViewSet("core_clients"))


register_policies(FourPropertiesViewSet, BusinessTypeViewSet, CoreClientViewSet,
                  CoreDocumentViewSet, CallbackDeliveryViewSet)


@hooks.register("register_admin_viewset")
def register_core_intake():
    return CoreIntakeGroup()


@hooks.register("register_admin_viewset")
def register_four_properties():
    return FourPropertiesViewSet("four_properties")


@hooks.register("register_admin_urls")
def ingest_urls():
    return [
        path("ingest/upload/", views.upload, name="ingest_upload"),
        path("ingest/batch/<int:batch_id>/", views.batch_detail, name="ingest_batch"),
        path("ingest/review/", review.queue, name="ingest_review_queue"),
        path("ingest/review/<int:record_id>/", review.review, name="ingest_review"),
        path("ingest/scan/page/<int:pk>/image/", scan.page_image, name="ingest_scan_image"),
        path("ingest/scan/page/<int:pk>/thumbnail/", scan.page_thumbnail,
             name="ingest_scan_thumbnail"),
    ]


class UploadMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("catalog.add_record")


@hooks.register("register_admin_menu_item")
def upload_menu_item():
    return UploadMenuItem(_("Upload records"), reverse("ingest_upload"), icon_name="upload",
                          order=90, name="ingest-upload")


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("catalog.change_record")


@hooks.register("register_admin_menu_item")
def review_menu_item():
    return ReviewMenuItem(_("Records to review"), reverse("ingest_review_queue"),
                          icon_name="warning", order=91, name="ingest-review")


@hooks.register("record_admin_panels")
def record_scan_panel(request, record):
    """The record's admin pages show its scan, as the review form does."""
    return render_to_string("ingest/_scan.html", scan.scan_context(request, record),
                            request=request)
