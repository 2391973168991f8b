"""Ingest in the Wagtail admin: the upload page and batch progress."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from catalog.admin_views import ReadOnlyModelViewSet, register_policies

from . import views
from .models import FourPropertiesCheck


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


register_policies(FourPropertiesViewSet)


@hooks.register("register_admin_viewset")
def register_four_properties():
    return FourPropertiesViewSet("four_properties")


@hooks.register("register_admin_urls")
def ingest_urls():
    return [
        path("ingest/upload/", views.upload, name="ingest_upload"),
        path("ingest/batch/<int:batch_id>/", views.batch_detail, name="ingest_batch"),
        path("ingest/review/<int:record_id>/", views.review, name="ingest_review"),
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
    return ReviewMenuItem(_("Records to review"), reverse("record:index") + "?status=needs_review",
                          icon_name="warning", order=91, name="ingest-review")
