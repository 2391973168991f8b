"""Cached backends follow their settings: a change builds a new one, a restore a fresh one."""

import pytest
from django.test import override_settings

from archive.storage import object_store
from catalog import codes
from search.backends.base import search_backend


def _local_store(path) -> dict:
    return {"BACKEND": "archive.storage.local.LocalObjectStore", "OPTIONS": {"root": str(path)}}


def _tantivy(path) -> dict:
    return {"BACKEND": "search.backends.tantivy.TantivyBackend", "OPTIONS": {"path": str(path)}}


@pytest.mark.parametrize("factory, setting, config, where", [
    (object_store, "ARCHIVE_STORAGE", _local_store, lambda store: store.root),
    (search_backend, "ARCHIVE_SEARCH", _tantivy, lambda backend: backend.root),
], ids=["object_store", "search_backend"])
def test_overriding_the_setting_gives_a_new_backend_and_restoring_a_fresh_one(
        settings, tmp_path, factory, setting, config, where):
    setattr(settings, setting, config(tmp_path / "outer"))
    outer = factory()
    assert factory() is outer  # one per process while the setting stays
    with override_settings(**{setting: config(tmp_path / "inner")}):
        inner = factory()
        assert inner is not outer and where(inner) == tmp_path / "inner"
    restored = factory()
    assert restored is not inner and restored is not outer
    assert where(restored) == tmp_path / "outer"


def test_another_setting_keeps_the_cached_backend(settings):
    store, backend = object_store(), search_backend()
    settings.INGEST_MAX_PAGES = 7
    assert object_store() is store and search_backend() is backend


def test_the_archive_code_templates_follow_their_settings(settings):
    compiled = codes.templates()
    settings.ARCHIVE_CODE_TEMPLATE_ITEM = "{fonds}-{category}·{year}-{retention}-{item:05}"
    assert codes.templates() is not compiled
    assert codes.templates()[codes.ITEM].template == settings.ARCHIVE_CODE_TEMPLATE_ITEM
