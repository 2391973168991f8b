"""Keep the search index true to the catalogue."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from catalog.models import Record

from .backends.base import search_backend
from .documents import iter_documents
from .models import IndexQueue
from .signals import index_rebuilt, search_performed

_commits = threading.local()
logger = logging.getLogger(__name__)


def _once_per_commit(schedule: Callable[[], None]) -> None:
    """Run ``schedule`` after the current transaction commits, once however often asked.

    Each request is numbered; the first callback to run after a commit covers
    every request made so far on this thread (each one either belongs to that
    transaction or to one that already ended), so the later ones skip. A
    request whose savepoint rolled back loses its callback, never the others'.
    """
    number = getattr(_commits, "asked", 0) + 1
    _commits.asked = number

    def run() -> None:
        if getattr(_commits, "covered", 0) >= number:
            return
        _commits.covered = _commits.asked
        schedule()

    transaction.on_commit(run, robust=True)


def index_enqueue(*, record_ids: Iterable[int],
                  schedule: Callable[[], None] | None = None) -> None:
    """Mark records for (re)indexing in the current transaction.

    ``schedule`` (the indexing task's ``delay``, given by the receivers) runs
    once after commit; if the task cannot be queued (broker down), the rows
    stay and the periodic sweep indexes them.
    """
    ids = sorted({int(pk) for pk in record_ids if pk})
    if not ids:
        return
    now = timezone.now()
    IndexQueue.objects.bulk_create(
        [IndexQueue(record_id=pk, token=uuid.uuid4(), queued_at=now) for pk in ids],
        update_conflicts=True, unique_fields=["record_id"], update_fields=["token", "queued_at"])
    if schedule is not None:
        # One indexing task per transaction, however many changes it queued.
        _once_per_commit(schedule)


def index_pending_process(*, limit: int = 500) -> int:
    """Index the queued records (remove the destroyed or deleted); return how many.

    Idempotent: re-running rewrites the same documents. A row is cleared only if
    no newer change re-queued it meanwhile. On a search outage the rows stay and
    the error is raised for the task to retry.
    """
    rows = list(IndexQueue.objects.order_by("queued_at")[:limit])
    if not rows:
        return 0
    try:
        _index(ids=[row.record_id for row in rows], rows=rows)
    except Exception as exc:
        IndexQueue.objects.filter(pk__in=[r.pk for r in rows]).update(
            attempts=F("attempts") + 1, last_error=str(exc)[:2000])
        raise
    return len(rows)


def _index(*, ids: list[int], rows: list[IndexQueue]) -> None:
    """Write the records ``ids`` to the engine, then clear the queue ``rows`` they answer.

    A row is cleared only if no newer change re-queued it meanwhile (its token
    is unchanged); an engine error is raised with every row left in place.
    """
    search_backend().replace(ids, iter_documents(ids))
    done = Q()
    for row in rows:
        done |= Q(pk=row.pk, token=row.token)
    if rows:
        IndexQueue.objects.filter(done).delete()


def index_records_now(record_ids: Iterable[int]) -> bool:
    """Index ``record_ids`` at once (their queue rows cleared); on any failure keep them queued.

    For changes that must show without waiting for the worker (who may see a record).
    Return whether the engine took them; an outage is logged, never raised.
    """
    ids = sorted({int(pk) for pk in record_ids if pk})
    try:
        _index(ids=ids, rows=list(IndexQueue.objects.filter(record_id__in=ids)))
    except Exception:  # the engine is down or busy: the queued rows stay for the worker
        logger.warning("search: indexing records %s now failed; left queued", ids, exc_info=True)
        return False
    return True


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
    index_rebuilt.send(sender=Record, actor=actor, details={"documents": written, **counts})
    return counts


def search_log(*, actor, text: str, filters: dict, total: int) -> None:
    """Announce who searched for what (the audit trail records it: ID numbers are personal)."""
    search_performed.send(sender=Record, actor=actor, text=text,
                          filters={k: v for k, v in filters.items() if v}, total=total)
