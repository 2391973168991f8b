"""The dashboard's due-list panel (到期待鉴定): what fell due, by category, as the viewer may see."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from retention.selectors import due_by_category, due_summary_for
from retention.services import due_list_stored

# The due list page (built with the appraisal batches) is named ``retention_due_list``.
DUE_LIST_URL_NAME = "retention_due_list"
DUE_LIST_PATH = "/admin/retention/due/"


def may_see_due_list(user) -> bool:
    return user.has_perm("retention.open_appraisal") or user.has_perm("retention.view_registers")


def due_list_url() -> str:
    try:
        return reverse(DUE_LIST_URL_NAME)
    except NoReverseMatch:
        return DUE_LIST_PATH


class DueListPanel(Component):
    name = "retention_due"
    order = 90
    template_name = "retention/due_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        stored = due_list_stored()
        summary = due_summary_for(self.request.user, stored["rows"])
        categories = due_by_category(summary)
        return {"heading": _("Due for appraisal"), "url": due_list_url(),
                "total": sum(row["count"] for row in categories), "categories": categories,
                "as_of": stored["as_of"]}
