"""Locks held until the current transaction ends, keyed on a name and a value."""

from __future__ import annotations

import hashlib

from django.db import connections, transaction


def xact_lock(namespace: str, value: str, *, using: str = "default") -> None:
    """Wait for, then hold until commit or rollback, the lock on ``namespace:value``.

    On PostgreSQL a transaction-scoped advisory lock keyed on the hash of both;
    on SQLite the write transaction already serialises writers (``BEGIN
    IMMEDIATE``, see config/env.py), so nothing more is taken. Call it inside
    ``transaction.atomic``.
    """
    connection = connections[using]
    if not transaction.get_connection(using).in_atomic_block:
        raise RuntimeError("xact_lock outside a transaction would be released at once")
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(f"{namespace}:{value}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
