"""The audit trail's vocabulary: every action an event may carry, with its label.

An action is registered once, here (or, for a state change, as a declared
``kernel.transitions.Transition`` whose name and label are read from its
workflow); ``audit_log`` refuses any other, so the listing never shows a bare
code and a typo cannot start a new kind of event.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kernel.transitions import workflows

ACTIONS = {
    # catalogue writes (announced by catalog, audited by archive)
    "create": _("create"),
    "update": _("update"),
    "receive": _("receive"),
    "file": _("file"),
    "sensitivity": _("change sensitivity"),
    "link_member": _("link member"),
    "link_unit": _("link unit"),
    "suggest": _("keep what the pages say"),
    "retention_recomputed": _("retention recomputed"),
    # an officer's corrections, each with its reason (catalog/services/corrections.py)
    "correct_title": _("correct title"),
    "correct_formed_on": _("correct formation date"),
    "refile": _("re-file under another stage"),
    "correct_retention": _("correct retention"),
    "extend_retention": _("extend retention after appraisal"),
    "correct_volume": _("correct volume"),
    "correct_pages": _("correct pages"),
    "link_confirm": _("confirm suggested link"),
    "link_drop": _("drop link"),
    "fileplan_load": _("load file plan"),
    # custody
    "store": _("store"),
    "fixity_check": _("fixity check"),
    "object_corrupted": _("damaged object refused"),
    "object_repaired": _("damaged object repaired"),
    "object_swept": _("remove object no record names"),
    "objects_sweep": _("sweep unused objects"),
    # people and their rights
    "login": _("sign in"),
    "logout": _("sign out"),
    "login_failed": _("failed sign-in"),
    "login_locked": _("sign-in locked after failures"),
    "user_create": _("create user"),
    "user_update": _("change user"),
    "user_deactivate": _("deactivate user"),
    "user_reactivate": _("reactivate user"),
    "user_delete": _("delete user"),
    "user_groups": _("change user's roles"),
    "user_permissions": _("change user's permissions"),
    "group_create": _("create role"),
    "group_update": _("change role"),
    "group_delete": _("delete role"),
    "group_permissions": _("change role's permissions"),
    "roles_sync": _("apply the role matrix"),
    # personal data read in the admin (announced by catalog, audited by archive)
    "admin_view_member": _("view member in the admin"),
    "admin_view_unit": _("view unit in the admin"),
    "admin_search_member": _("search members in the admin"),
    "admin_search_unit": _("search units in the admin"),
    # search (announced by search, audited by archive)
    "search": _("search"),
    "search_rebuild": _("rebuild search index"),
    # counter
    "counter_visit_start": _("start counter visit"),
    "counter_visit_end": _("end counter visit"),
    "counter_lookup": _("counter lookup"),
    "counter_view_member": _("view member"),
    "counter_view_unit": _("view unit"),
    "counter_view_record": _("view record"),
    "counter_view_tombstone": _("view tombstone"),
    "counter_view_page": _("view page"),
    "counter_refused": _("counter refusal"),
    "certified_copy": _("certified copy"),
    # the core system's intake
    "core_api_call": _("core API call"),
    "core_client_create": _("create core client"),
    "core_client_revoke": _("revoke core client"),
    "core_mapping_create": _("create business type mapping"),
    "core_mapping_update": _("change business type mapping"),
    "core_document_accept": _("accept core document"),
    # ingest
    "batch_swept": _("remove empty ingest batch"),
    # retention: destruction registers (transitions: retention/workflows.py)
    "register_build": _("draw up destruction register"),
    "register_item_add": _("add record to destruction register"),
    "register_item_exclude": _("list record apart on destruction register"),
    "register_signatories_set": _("name destruction register signatories"),
    "register_archive": _("file destruction register as a record"),
    "register_export": _("export destruction register"),
    # core_callback_delivered, core_callback_gave_up: transitions (ingest/core/lifecycle.py)
    # retention: holds (hold_release is a transition, retention/workflows.py), the due list,
    # the registers printed or exported (with the SHA-256 of the file)
    "hold_place": _("place hold"),
    "hold_change": _("change hold"),
    "retention_due_list": _("count records due for appraisal"),
    "export_register": _("export register"),
    # retention: appraisal batches (retention/services/appraisal.py; submit and close are
    # transitions of retention/workflows.py)
    "appraisal_open": _("open appraisal batch"),
    "appraisal_items_add": _("add records to appraisal batch"),
    "appraisal_items_remove": _("remove records from appraisal batch"),
    "appraisal_opinion": _("give appraisal opinion"),
    "appraisal_report_export": _("export appraisal report"),
    # retention: supervised execution (retention/services/destruction_items.py)
    "destruction_item_verified": _("destruction verified"),
}


def _transition_labels() -> dict[str, object]:
    labels = {}
    for workflow in workflows():
        for transition in workflow.transitions.values():
            labels.setdefault(transition.name, transition.label or transition.name)
    return labels


def is_known(action: str) -> bool:
    """Return whether ``action`` is registered (here or as a declared transition)."""
    return action in ACTIONS or action in _transition_labels()


def action_label(action: str) -> str:
    """Return the label of ``action`` in the active language (the code if unknown)."""
    label = ACTIONS.get(action) or _transition_labels().get(action)
    return str(label) if label is not None else action


def action_choices() -> list[tuple[str, str]]:
    """Every registered action with its label, for filters."""
    return sorted({**_transition_labels(), **ACTIONS}.items(), key=lambda item: item[0])
