"""Which rows name stored objects, as the models declare it.

A model whose fields hold the SHA-256 of a stored object lists them as
``OBJECT_REFERENCES = ("original_sha256", ...)``; the sweep keeps every object
any such field names (tests/archive/test_objects_sweep.py checks that every
field ending in ``sha256`` is declared or known to name something else).
The models are found through the app registry, so apps above ``archive``
declare theirs without ``archive`` importing them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import models

CHUNK = 500  # SQLite takes at most 999 parameters a query


def object_reference_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) that names a stored object."""
    return [(model, name) for model in apps.get_models()
            for name in getattr(model, "OBJECT_REFERENCES", ())]


def referenced(sha256s: Iterable[str]) -> set[str]:
    """Return those of ``sha256s`` that some row names."""
    wanted = sorted(set(sha256s))
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        for model, name in object_reference_fields():
            found.update(model._base_manager.filter(**{f"{name}__in": chunk})
                         .values_list(name, flat=True))
    return found
