"""The retention workflows in the Wagtail admin: the 鉴定与销毁 submenu and its pages.

One viewset per model (appraisal batches, destruction registers, holds), each in the
submenu through ``menu_hook = RETENTION_MENU_HOOK``; the due list and the registers'
steps as pages beside them; the dashboard's due-list panel.
"""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from catalog.admin_views import ReadOnlyModelViewSet, TransitionView, register_policies

from .admin import batches, due, execution, registers
from .admin import holds as hold_views
from .admin.dashboard import DueListPanel, may_see_due_list
from .admin.hold_forms import HoldPlaceForm
from .models import AppraisalBatch, Hold
from .workflows import BATCH_LIFECYCLE

RETENTION_MENU_HOOK = "register_retention_menu_item"
RETENTION_SUBMENU_NAME = "retention"
retention_menu = Menu(register_hook_name=RETENTION_MENU_HOOK,
                      construct_hook_name="construct_retention_menu")


@hooks.register("register_admin_menu_item")
def retention_submenu():
    return SubmenuMenuItem(_("Appraisal and destruction"), retention_menu,
                           icon_name="time", name=RETENTION_SUBMENU_NAME, order=150)


class DueMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("retention.open_appraisal")


@hooks.register(RETENTION_MENU_HOOK)
def due_menu_item():
    return DueMenuItem(_("Due for appraisal"), reverse("retention_due_list"), icon_name="time",
                       name="retention-due", order=100)


@hooks.register("register_admin_urls")
def retention_due_urls():
    return [path("retention/due/", due.due_list, name="retention_due_list"),
            path("retention/due/open/", due.due_open, name="retention_due_open")]


class BatchTransitionView(TransitionView):
    workflow = BATCH_LIFECYCLE
    service = staticmethod(batches.batch_transition)
    inspect_url_name = "appraisalbatch:inspect"
    queryset_for = staticmethod(lambda user: AppraisalBatch.objects.all())


class AppraisalBatchViewSet(ReadOnlyModelViewSet):
    model = AppraisalBatch
    icon = "tasks"
    menu_label = _("Appraisal batches")
    url_prefix = "retention/appraisal"
    menu_hook = RETENTION_MENU_HOOK
    menu_order = 110
    add_to_admin_menu = True
    list_filter = ["state", "fonds"]
    search_fields = ["number", "title"]
    index_view_class = batches.BatchIndexView
    inspect_view_class = batches.BatchInspectView

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(),
                path("transition/<int:pk>/<str:name>/", BatchTransitionView.as_view(),
                     name="transition"),
                path("opinion/<int:pk>/", batches.opinion, name="opinion"),
                path("report/<int:pk>/<str:fmt>/", batches.report, name="report")]


register_policies(AppraisalBatchViewSet)


@hooks.register("register_admin_viewset")
def register_appraisal_viewset():
    return AppraisalBatchViewSet("appraisalbatch")


class HoldViewSet(ModelViewSet):
    """冻结: listed, placed, inspected with the records covered, changed and released."""

    model = Hold
    icon = "lock"
    menu_label = _("Holds")
    menu_hook = RETENTION_MENU_HOOK
    menu_order = 130
    add_to_admin_menu = True
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


register_permission_policy(Hold, HoldViewSet.permission_policy)
register_policies(registers.DestructionRegisterViewSet)


@hooks.register("register_admin_viewset")
def register_hold_and_register_viewsets():
    return [HoldViewSet("hold"), registers.DestructionRegisterViewSet("destruction_registers")]


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
        path("retention/registers/<int:pk>/execute/", execution.register_execute,
             name="retention_register_execute"),
    ]
