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
