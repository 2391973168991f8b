"""Keep the search index true to the catalogue."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from archive.audit import audit_event_record
from catalog.models import Record

from .backends.base import search_backend
from .documents import iter_documents
from .models import IndexQueue

def _schedule_indexing() -> None:
    from .tasks import index_pending_task  # tasks import this module
    index_pending_task.delay()


def index_enqueue(*, record_ids: Iterable[int]) -> None:
    """Mark records for (re)indexing in the current transaction; index after commit.

    If the task cannot be queued (broker down), the rows stay and the periodic
    sweep indexes them.
    """
    ids = sorted({int(pk) for pk in record_ids if pk})
    if not ids:
        return
    now = timezone.now()
    IndexQueue.objects.bulk_create(
        [IndexQueue(record_id=pk, token=uuid.uuid4(), queued_at=now) for pk in ids],
        update_conflicts=True, unique_fields=["record_id"], update_fields=["token", "queued_at"])
    # One indexing task per transaction, however many changes it queued (should a savepoint
    # holding it roll back, the periodic sweep still indexes what stayed queued).
    connection = transaction.get_connection()
    if not any(entry[1] is _schedule_indexing for entry in connection.run_on_commit):
        transaction.on_commit(_schedule_indexing, robust=True)


def index_pending_process(*, limit: int = 500) -> int:
    """Index the queued records (remove the destroyed or deleted); return how many.

    Idempotent: re-running rewrites the same documents. A row is cleared only if
    no newer change re-queued it meanwhile. On a search outage the rows stay and
    the error is raised for the task to retry.
    """
    rows = list(IndexQueue.objects.order_by("queued_at")[:limit])
    if not rows:
        return 0
    ids = [row.record_id for row in rows]
    try:
        search_backend().replace(ids, iter_documents(ids))
    except Exception as exc:
        IndexQueue.objects.filter(pk__in=[r.pk for r in rows]).update(
            attempts=F("attempts") + 1, last_error=str(exc)[:2000])
        raise
    done = Q()
    for row in rows:
        done |= Q(pk=row.pk, token=row.token)
    IndexQueue.objects.filter(done).delete()
    return len(rows)


def search_rebuild(*, actor=None) -> dict[str, int]:
    """Rebuild the whole index from the database, then apply changes made meanwhile."""
    started = timezone.now()
    backend = search_backend()
    written = backend.rebuild(iter_documents())
    # Records changed while the rebuild read the database may have been written to
    # the old index: write them again into the new one.
    changed = list(Record.objects.filter(updated_at__gte=started).values_list("pk", flat=True))
    if changed:
        with transaction.atomic():
            index_enqueue(record_ids=changed)
    while index_pending_process():
        pass
    counts = backend.counts()
    audit_event_record(actor=actor, action="search_rebuild", object_type="search.index",
                       object_repr="search index", details={"documents": written, **counts})
    return counts


def search_log(*, actor, text: str, filters: dict, total: int) -> None:
    """Record who searched for what (ID numbers are personal information)."""
    audit_event_record(actor=actor, action="search", object_type="search.query",
                       object_repr=text[:200],
                       details={"text": text, "filters": {k: v for k, v in filters.items() if v},
                                "total": total})
