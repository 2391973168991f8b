"""The search backend interface, and the backend chosen in settings.

``ARCHIVE_SEARCH = {"BACKEND": "dotted.path.Class", "OPTIONS": {...}}``. Every
backend passes the same contract suite (tests/search/test_contract.py).
"""

from __future__ import annotations

import abc
import functools
from collections.abc import Iterable

from django.conf import settings
from django.utils.module_loading import import_string

from ..query import SearchQuery, SearchResults

# Pages listed under one record in a result; more pages matched are counted, not listed.
MAX_PAGES_PER_RECORD = 10


class SearchUnavailable(RuntimeError):
    """The search engine cannot be reached or refused the request."""


class SearchBackend(abc.ABC):
    """Store page and record documents and answer SearchQuery objects."""

    def __init__(self, **options):
        self.options = options

    @abc.abstractmethod
    def replace(self, record_ids: Iterable[int], documents: Iterable[dict]) -> None:
        """Make the documents of ``record_ids`` exactly ``documents`` (none: remove them)."""

    def delete(self, record_ids: Iterable[int]) -> None:
        self.replace(record_ids, [])

    @abc.abstractmethod
    def rebuild(self, documents: Iterable[dict]) -> int:
        """Build a new index from ``documents`` and switch to it; return documents written.

        Searches keep answering from the old index until the switch.
        """

    @abc.abstractmethod
    def search(self, query: SearchQuery) -> SearchResults:
        """Return the records matching ``query`` with their matching pages and snippets."""

    @abc.abstractmethod
    def counts(self) -> dict[str, int]:
        """Return how many record and page documents the index holds."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Remove every document (tests and rebuilds only)."""

    def close(self) -> None:
        """Release connections or files."""


def build_backend(config: dict) -> SearchBackend:
    return import_string(config["BACKEND"])(**config.get("OPTIONS", {}))


@functools.cache
def search_backend() -> SearchBackend:
    """Return the configured backend (one per process)."""
    return build_backend(settings.ARCHIVE_SEARCH)
