"""Searches as a given user may run them: access limits go inside the query."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from catalog.models import Page, visible_values

from .backends.base import search_backend
from .highlight import boxes
from .query import SearchQuery, SearchResults


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
