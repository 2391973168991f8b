"""Writes of the retention workflows, one module per workflow, re-exported here.

Every function is keyword-only, runs in a transaction, takes state changes through
``retention.workflows`` and refuses with ``retention.errors.RetentionError``.
"""
