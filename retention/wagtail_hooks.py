"""The retention workflows in the Wagtail admin: one viewset per model in one menu group,
custom pages beside, and the dashboard's due list."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from catalog.admin_views import register_policies

from .admin import holds as hold_views
from .admin import registers
from .admin.dashboard import DueListPanel, may_see_due_list
from .admin.hold_forms import HoldPlaceForm
from .models import Hold


class HoldViewSet(ModelViewSet):
    """冻结: listed, placed, inspected with the records covered, changed and released."""

    model = Hold
    icon = "lock"
    menu_label = _("Holds")
    list_display = ["number", "name", "kind", "state", "placed_at"]
    list_filter = ["kind", "state"]
    search_fields = ["number", "name", "reason"]
    form_fields = HoldPlaceForm.Meta.fields
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["number", "name", "kind", "state", "reason", "placed_by",
                           "placed_at", "released_by", "released_at", "release_reason"]
    index_view_class = hold_views.HoldIndexView
    add_view_class = hold_views.HoldCreateView
    inspect_view_class = hold_views.HoldInspectView
    permission_policy = hold_views.HoldPermissionPolicy(Hold)

    def get_form_class(self, for_update=False):
        return HoldPlaceForm

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(),
                path("change/<int:pk>/", hold_views.HoldChangeView.as_view(), name="change"),
                path("release/<int:pk>/", hold_views.HoldReleaseView.as_view(), name="release"),
                path("report/<str:fmt>/", hold_views.hold_report, name="report")]


class RetentionGroup(ModelViewSetGroup):
    menu_label = _("Appraisal and destruction")
    menu_icon = "time"
    menu_order = 150
    items = (HoldViewSet, registers.DestructionRegisterViewSet("destruction_registers"))


register_permission_policy(Hold, HoldViewSet.permission_policy)
register_policies(registers.DestructionRegisterViewSet)


@hooks.register("register_admin_viewset")
def register_retention_viewsets():
    return RetentionGroup()


@hooks.register("construct_homepage_panels")
def due_list_panel(request, panels):
    if may_see_due_list(request.user):
        panels.append(DueListPanel(request))


@hooks.register("register_admin_urls")
def retention_register_urls():
    return [
        path("retention/registers/build/<int:batch_id>/", registers.register_build,
             name="retention_register_build"),
        path("retention/registers/<int:pk>/do/<str:name>/", registers.register_action,
             name="retention_register_action"),
        path("retention/registers/<int:pk>/signatories/", registers.register_signatories,
             name="retention_register_signatories"),
        path("retention/registers/<int:pk>/download/<str:fmt>/", registers.register_download,
             name="retention_register_download"),
    ]
