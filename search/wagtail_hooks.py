"""档案检索 in the admin: a menu item (no sidebar search box: it was a second 搜索 beside it)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views


@hooks.register("register_admin_urls")
def search_urls():
    return [path("archive-search/", views.archive_search, name="archive_search")]


class ArchiveSearchItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("catalog.view_record")


@hooks.register("register_admin_menu_item")
def archive_search_menu_item():
    return ArchiveSearchItem(_("Archive search"), reverse("archive_search"), icon_name="search",
                             order=10, name="archive-search")
