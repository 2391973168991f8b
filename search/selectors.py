"""Searches as a given user may run them: access limits go inside the query."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from catalog.models import Page, RecordStatus, Sensitivity

from .backends.base import search_backend
from .highlight import boxes
from .query import SearchQuery, SearchResults

# Statuses of records not yet (or no longer) in the archive's holdings.
_WORK_IN_PROGRESS = [RecordStatus.RECEIVED, RecordStatus.PROCESSING, RecordStatus.NEEDS_REVIEW,
                     RecordStatus.FAILED]


def access_limits(user) -> dict:
    """Return the sensitivity and status values ``user`` may see in results.

    Restricted records need ``catalog.view_restricted_record``; records still in
    ingest or review are for those who catalogue (``catalog.change_record``);
    everyone else sees ready records only. Destroyed records are never indexed.
    """
    if not (user and user.is_active and user.has_perm("catalog.view_record")):
        raise PermissionDenied("searching the archive needs permission to view records")
    sensitivity = (list(Sensitivity.values) if user.has_perm("catalog.view_restricted_record")
                   else [Sensitivity.NORMAL])
    status = [RecordStatus.READY]
    if user.has_perm("catalog.change_record"):
        status += _WORK_IN_PROGRESS
    return {"allowed_sensitivity": sensitivity, "allowed_status": [str(s) for s in status]}


def search_records(*, user, with_boxes: bool = False, **params) -> SearchResults:
    """Search as ``user``; ``params`` are SearchQuery fields (text, filters, sort, paging)."""
    query = SearchQuery(**params, **access_limits(user))
    results = search_backend().search(query)
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
