"""Writes of the retention workflows, one module per workflow, re-exported here.

Every function is keyword-only, runs in a transaction, takes state changes through
``retention.workflows`` and refuses with ``retention.errors.RetentionError``.
"""

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
