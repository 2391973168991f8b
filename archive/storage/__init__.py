"""Object storage behind one interface, chosen in settings as ``ARCHIVE_STORAGE``."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .base import (NameTaken, ObjectCorrupted, ObjectInfo, ObjectNotFound, ObjectStore,
                   ObjectStoreError, StoreUnavailable)

__all__ = ["NameTaken", "ObjectCorrupted", "ObjectInfo", "ObjectNotFound", "ObjectStore",
           "ObjectStoreError", "StoreUnavailable", "object_store", "build_store"]


def build_store(config: dict) -> ObjectStore:
    """Instantiate a store from ``{"BACKEND": dotted.path, "OPTIONS": {...}}``."""
    backend = import_string(config["BACKEND"])
    return backend(**config.get("OPTIONS", {}))


@cache
def object_store() -> ObjectStore:
    """Return the configured store (one per process)."""
    return build_store(settings.ARCHIVE_STORAGE)


@receiver(setting_changed)
def _storage_setting_changed(*, setting, **kwargs):
    """Build the store afresh once ARCHIVE_STORAGE changes (tests override it)."""
    if setting == "ARCHIVE_STORAGE":
        object_store.cache_clear()
