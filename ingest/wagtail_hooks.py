"""Ingest in the Wagtail admin: the upload page and batch progress."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views


@hooks.register("register_admin_urls")
def ingest_urls():
    return [
        path("ingest/upload/", views.upload, name="ingest_upload"),
        path("ingest/batch/<int:batch_id>/", views.batch_detail, name="ingest_batch"),
    ]


class UploadMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("catalog.add_record")


@hooks.register("register_admin_menu_item")
def upload_menu_item():
    return UploadMenuItem(_("Upload records"), reverse("ingest_upload"), icon_name="upload",
                          order=90, name="ingest-upload")
