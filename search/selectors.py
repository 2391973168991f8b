"""Searches as a given user may run them: access limits go inside the query."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from catalog.models import Page, Record, visible_values

from .backends.base import search_backend
from .documents import iter_documents
from .highlight import boxes
from .query import FACETS, SearchQuery, SearchResults


def access_limits(user) -> dict:
    """Return the sensitivity and status values ``user`` may see in results: the
    catalogue's own rule (``catalog.models.visible_values``); destroyed records are
    never indexed."""
    if not (user and user.is_active and user.has_perm("catalog.view_record")):
        raise PermissionDenied("searching the archive needs permission to view records")
    allowed = visible_values(user)
    return {"allowed_sensitivity": allowed["sensitivity"], "allowed_status": allowed["status"]}


def search_records(*, user, with_boxes: bool = False, **params) -> SearchResults:
    """Search as ``user``; ``params`` are SearchQuery fields (text, filters, sort, paging)."""
    query = SearchQuery(**params, **access_limits(user))
    results = search_backend().search(query)
    _drop_invisible(results, user)
    if with_boxes:
        _attach_boxes(results)
    return results


def _attach_boxes(results: SearchResults) -> None:
    page_hits = {page.page_id: page for hit in results.hits for page in hit.pages}
    if not page_hits:
        return
    clauses = results.query.clauses
    for page_id, words in Page.objects.filter(pk__in=page_hits).values_list("pk", "words"):
        page_hits[page_id].boxes = boxes(words or [], clauses)


def _drop_invisible(results: SearchResults, user) -> None:
    """Keep only the hits the database says ``user`` may see now; uncount the others.

    The index may lag the catalogue (a record restricted since it was indexed), so
    each hit is re-checked with ``Record.objects.visible_to``. A dropped record is
    taken off the total and off each facet bucket its current documents fall in,
    read from the database. Stale records outside this window cannot be seen here;
    the receivers index a sensitivity change on commit to keep those few and brief.
    """
    ids = [hit.record_id for hit in results.hits]
    if not ids:
        return
    visible = set(Record.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    dropped = [pk for pk in ids if pk not in visible]
    if not dropped:
        return
    results.hits = [hit for hit in results.hits if hit.record_id in visible]
    results.total = max(0, results.total - len(dropped))
    counts = {name: dict(buckets) for name, buckets in results.facets.items()}
    # Records deleted meanwhile give no documents: their buckets stay (the worker fixes them).
    for doc in iter_documents(dropped):
        if doc["kind"] != "record":
            continue
        for name in FACETS:
            values = doc.get(name)
            for value in values if isinstance(values, list) else [values]:
                key = str(value)
                if counts.get(name, {}).get(key):
                    counts[name][key] -= 1
    results.facets = {name: sorted(((v, c) for v, c in buckets.items() if c > 0),
                                   key=lambda bucket: (-bucket[1], bucket[0]))
                      for name, buckets in counts.items()}
