"""Writes of the retention workflows, one module per workflow, re-exported here.

Every function is keyword-only, runs in a transaction, takes state changes through
``retention.workflows`` and refuses with ``retention.errors.RetentionError``.
"""

from .appraisal import (  # noqa: F401
    MEMBERS_MIN,
    GroupMember,
    appraisal_items_add,
    appraisal_items_remove,
    appraisal_open,
    appraisal_opinion,
    appraisal_submit,
    items_digest,
    opinions_missing,
)
from .appraisal_close import appraisal_close, appraisal_report_export  # noqa: F401
from .destruction_items import (  # noqa: F401
    DestructionIncomplete,
    destruction_item_execute,
    record_objects,
)
from .due import due_list_refresh, due_list_stored  # noqa: F401
from .execution import destruction_execute, destruction_resume, register_finish  # noqa: F401
from .holds import hold_change, hold_place, hold_release  # noqa: F401
from .register_filing import register_archive, register_export  # noqa: F401
from .registers import (  # noqa: F401
    register_approve,
    register_build,
    register_close,
    register_file,
    register_item_add,
    register_item_exclude,
    register_refuse,
    register_signatories_set,
    register_submit,
)
from .reports import hold_report_export  # noqa: F401
