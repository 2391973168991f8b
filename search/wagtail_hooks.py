"""档案检索 in the admin: a menu item and the sidebar's search box."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.search import SearchArea

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


class ArchiveSearchArea(SearchArea):
    def is_shown(self, request):
        return request.user.has_perm("catalog.view_record")


# The sidebar's search box goes to the first search area shown: make it the archive's.
@hooks.register("register_admin_search_area")
def archive_search_area():
    return ArchiveSearchArea(_("Archive search"), reverse("archive_search"), name="archive",
                             icon_name="search", order=0)
