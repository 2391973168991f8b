"""Search fixtures: a fresh index per test, on each backend present."""

import os
import uuid

import pytest

from search.backends.base import search_backend


def use_backend(settings, config: dict):
    settings.ARCHIVE_SEARCH = config
    return search_backend()


@pytest.fixture
def tantivy_search(settings, tmp_path):
    """The embedded engine on a fresh index, made the configured backend."""
    return use_backend(settings, {"BACKEND": "search.backends.tantivy.TantivyBackend",
                                  "OPTIONS": {"path": str(tmp_path / "search")}})


@pytest.fixture
def elasticsearch_search(settings):
    """Elasticsearch under a fresh alias; skipped unless ELASTICSEARCH_URL is set."""
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        pytest.skip("ELASTICSEARCH_URL is not set")
    alias = f"test-archive-{uuid.uuid4().hex[:10]}"
    backend = use_backend(settings, {"BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
                                     "OPTIONS": {"url": url, "index": alias}})
    yield backend
    client = backend.client.options(ignore_status=404)
    # By name: wildcard deletes are refused where action.destructive_requires_name is on.
    for index in client.indices.get(index=f"{alias}-*").body or {}:
        client.indices.delete(index=index)
    client.indices.delete_index_template(name=f"{alias}-template")
    backend.close()
