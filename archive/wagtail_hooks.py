"""The audit trail and stored objects in the Wagtail admin, read-only."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup

from catalog.admin_views import ReadOnlyModelViewSet, register_policies

from .models import AuditEvent, CounterVisit, StoredObject, UseRegisterEntry


class _WithPeople:
    """Load the people a listing names with its rows (one query, not one per row)."""

    related = ()

    def get_base_queryset(self):
        return super().get_base_queryset().select_related(*self.related)


def _index_view(*related: str):
    return type("IndexView", (_WithPeople, generic.IndexView), {"related": related})


class AuditEventViewSet(ReadOnlyModelViewSet):
    model = AuditEvent
    icon = "history"
    index_view_class = _index_view("actor")
    list_display = ["sequence", "occurred_at", "actor_display", "action_label",
                    "object_type_label", "object_repr"]
    list_filter = ["action", "object_type", "occurred_at"]
    search_fields = ["actor_name", "actor__first_name", "actor__last_name", "object_repr",
                     "object_id"]
    inspect_view_fields = ["sequence", "occurred_at", "actor_display", "actor_name", "action", "object_type",
                           "object_id", "object_repr", "details", "prev_hash", "hash", "mac"]


class StoredObjectViewSet(ReadOnlyModelViewSet):
    model = StoredObject
    icon = "doc-empty"
    list_display = ["sha256", "size", "content_type_label", "created_at", "last_checked_at",
                    "last_check_ok"]
    list_filter = ["last_check_ok"]


class UseRegisterViewSet(ReadOnlyModelViewSet):
    """利用登记: every record consulted or copied, by whom, why and when."""

    model = UseRegisterEntry
    icon = "list-ul"
    index_view_class = _index_view("user")
    list_display = ["created_at", "kind", "archive_code", "pages", "purpose", "user_display",
                    "copy_number"]
    list_filter = ["kind", "created_at"]
    search_fields = ["archive_code", "purpose", "copy_number", "user__username",
                     "user__first_name", "user__last_name"]


class CounterVisitViewSet(ReadOnlyModelViewSet):
    model = CounterVisit
    icon = "user"
    index_view_class = _index_view("user")
    # Not the model's plural (窗口查档): the counter itself has that name in the menu.
    menu_label = _("Counter visit log")
    list_display = ["started_at", "ended_at", "user_display", "purpose", "detail"]
    list_filter = ["purpose", "started_at"]
    search_fields = ["detail", "user__username", "user__first_name", "user__last_name"]


class CustodyGroup(ModelViewSetGroup):
    menu_label = _("Custody")
    menu_icon = "lock"
    menu_order = 200
    items = (AuditEventViewSet, StoredObjectViewSet, UseRegisterViewSet, CounterVisitViewSet)


register_policies(*CustodyGroup.items)


@hooks.register("register_admin_viewset")
def register_custody_viewsets():
    return CustodyGroup()


# The admin serves the archive only: Wagtail's page tree, images and documents stay out of sight.
HIDDEN_MENU_ITEMS = {"explorer", "images", "documents", "help", "reports", "search"}


# Media collections and moderation workflows belong to the CMS (workflows are switched off in
# settings; collections have no setting). Groups are the roles of archive/roles.py, whose
# permissions every migrate resets: editing them here would be undone, and their page would
# offer the CMS's page permissions. Users are still given roles on the user form.
HIDDEN_SETTINGS_ITEMS = {"collections", "workflows", "workflow-tasks", "sites", "locales",
                         "redirects", "groups"}


@hooks.register("construct_main_menu")
def hide_cms_menu_items(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name not in HIDDEN_MENU_ITEMS]


@hooks.register("construct_settings_menu")
def hide_cms_settings_items(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name not in HIDDEN_SETTINGS_ITEMS]


class CounterMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("catalog.view_record")


@hooks.register("register_admin_menu_item")
def counter_menu_item():
    return CounterMenuItem(_("Counter retrieval"), "/counter/", icon_name="user", order=5,
                           name="counter")
