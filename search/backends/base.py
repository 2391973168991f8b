"""The search backend interface, and the backend chosen in settings.

``ARCHIVE_SEARCH = {"BACKEND": "dotted.path.Class", "OPTIONS": {...}}``. Every
backend passes the same contract suite (tests/search/test_contract.py).

A search is answered here, once for every engine: which order applies, which
window of records is fetched, how facet buckets are ordered and how many pages
are listed under a record. A backend only asks its engine, through
``_find_records`` and ``_find_pages``.
"""

from __future__ import annotations

import abc
import dataclasses
import functools
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from ..highlight import snippet
from ..query import FACETS, Clause, PageHit, RecordHit, SearchQuery, SearchResults

# Pages listed under one record in a result; more pages matched are counted, not listed.
MAX_PAGES_PER_RECORD = 10
# Candidate pages asked of the engine per record listed, so records with many
# matching pages still leave room for the others'.
PAGE_CANDIDATES_PER_RECORD = MAX_PAGES_PER_RECORD * 3
# Buckets asked of the engine per facet field.
FACET_SIZE = 1000


class SearchUnavailable(RuntimeError):
    """The search engine cannot be reached or refused the request."""


@dataclasses.dataclass
class RecordMatches:
    """One window of matching records as the engine found them."""

    total: int  # every matching record, not only the window
    hits: list[RecordHit]
    facets: dict[str, Iterable[tuple[object, int]]]  # field -> (value, records), any order
    snapshot: object = None  # engine state the page lookup reuses (the same view of the index)


@dataclasses.dataclass
class PageMatch:
    """A page whose own text matched, as the engine found it."""

    record_id: int
    page_id: int
    number: int
    score: float
    text: str


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
    def counts(self) -> dict[str, int]:
        """Return how many record and page documents the index holds."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Remove every document (tests and rebuilds only)."""

    def close(self) -> None:
        """Release connections or files."""

    def is_current(self) -> bool:
        """Return whether the index has every field the models declare today.

        False means ``search_rebuild`` must run before it answers or takes documents
        (``manage.py archive_setup`` does that at start).
        """
        return True

    # --- searching ------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        """Return the records matching ``query`` with their matching pages and snippets."""
        started = time.perf_counter()
        clauses = query.clauses
        sort = _search_order(query.sort, has_text=bool(clauses))
        found = self._find_records(query, clauses, sort=sort, offset=query.offset,
                                   limit=query.per_page, facet_size=FACET_SIZE)
        hits = _ordered_hits(found.hits, sort)
        if clauses and hits:
            by_record = {hit.record_id: hit for hit in hits}
            pages = self._find_pages(found, clauses, list(by_record),
                                     limit=len(hits) * PAGE_CANDIDATES_PER_RECORD)
            _attach_pages(by_record, pages, clauses)
        facets = {name: _ordered_buckets(found.facets.get(name, ())) for name in FACETS}
        self.last_took_ms = (time.perf_counter() - started) * 1000
        return SearchResults(total=found.total, hits=hits, facets=facets, query=query)

    @abc.abstractmethod
    def _find_records(self, query: SearchQuery, clauses: list[Clause], *, sort: str,
                      offset: int, limit: int, facet_size: int) -> RecordMatches:
        """Ask the engine for the record documents matching every clause and the filters.

        Return the ``limit`` records from ``offset`` in ``sort`` order ("relevance":
        best score first; "date"/"-date": by ``formed_on``, undated last, equal
        dates by record id), the total, and per field of FACETS the record count
        of its ``facet_size`` most frequent values.
        """

    @abc.abstractmethod
    def _find_pages(self, found: RecordMatches, clauses: list[Clause], record_ids: list[int],
                    *, limit: int) -> Iterable[PageMatch]:
        """Ask the engine for at most ``limit`` pages of ``record_ids``, best first.

        A page matches when its own text matches any clause: record fields (title,
        names, codes) are on every page and would list them all.
        """


def _search_order(sort: str, *, has_text: bool) -> str:
    """Return the order to apply: without words there is no relevance, so newest first."""
    return sort if has_text or sort != "relevance" else "-date"


def _ordered_hits(hits: list[RecordHit], sort: str) -> list[RecordHit]:
    """Put equal scores in record order; scores mean nothing when sorted by date."""
    if sort == "relevance":
        # Rounded: engines sum floats in segment order, which a rebuild changes.
        hits.sort(key=lambda hit: (-round(hit.score, 4), hit.record_id))
    else:
        for hit in hits:
            hit.score = 0.0
    return hits


def _ordered_buckets(buckets: Iterable[tuple[object, int]]) -> list[tuple[str, int]]:
    """Return facet buckets as (value, count), most records first, then by value."""
    return sorted(((str(value), int(count)) for value, count in buckets),
                  key=lambda bucket: (-bucket[1], bucket[0]))


def _attach_pages(by_record: dict[int, RecordHit], pages: Iterable[PageMatch],
                 clauses: list[Clause]) -> None:
    """List each record's best pages (at most MAX_PAGES_PER_RECORD), in page order."""
    for page in pages:
        hit = by_record.get(page.record_id)
        if hit is None or len(hit.pages) >= MAX_PAGES_PER_RECORD:
            continue
        hit.pages.append(PageHit(page_id=page.page_id, number=page.number, score=page.score,
                                 snippet=snippet(page.text, clauses)))
    for hit in by_record.values():
        hit.pages.sort(key=lambda p: p.number)


def build_backend(config: dict) -> SearchBackend:
    return import_string(config["BACKEND"])(**config.get("OPTIONS", {}))


@functools.cache
def search_backend() -> SearchBackend:
    """Return the configured backend (one per process)."""
    return build_backend(settings.ARCHIVE_SEARCH)


@receiver(setting_changed)
def _search_setting_changed(*, setting, **kwargs):
    """Build the backend afresh once ARCHIVE_SEARCH changes (tests override it)."""
    if setting == "ARCHIVE_SEARCH":
        search_backend.cache_clear()
