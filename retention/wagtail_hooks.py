"""The retention workflows in the Wagtail admin: the 鉴定与销毁 submenu and its pages.

Other retention screens (holds, destruction registers) add their items to the
submenu with ``@hooks.register(RETENTION_MENU_HOOK)``, or, for a viewset, with
``menu_hook = RETENTION_MENU_HOOK``.
"""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from catalog.admin_views import ReadOnlyModelViewSet, TransitionView, register_policies

from .admin import batches, due
from .models import AppraisalBatch
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
    template_name = "retention/appraisal/transition_confirm.html"


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
