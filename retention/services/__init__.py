"""Writes of the retention workflows, one module per workflow, re-exported here.

Every function is keyword-only, runs in a transaction, takes state changes through
``retention.workflows`` and refuses with ``retention.errors.RetentionError``.
"""

from .destruction_items import DestructionIncomplete, destruction_item_execute, record_objects  # noqa: F401
from .execution import destruction_execute, destruction_resume, register_finish  # noqa: F401
