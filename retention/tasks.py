"""Celery tasks of the retention app: thin wrappers around one service each."""

from celery import shared_task

from archive.storage import StoreUnavailable
from search.backends.base import SearchUnavailable

from .services.destruction_items import DestructionIncomplete, destruction_item_execute
from .services.execution import destruction_resume

RETRYABLE = (StoreUnavailable, SearchUnavailable, DestructionIncomplete, OSError)


@shared_task(acks_late=True, autoretry_for=RETRYABLE, retry_backoff=2, retry_backoff_max=300,
             retry_jitter=False, max_retries=30)
def destruction_item_task(item_id: int) -> str:
    """Destroy and verify one register item; safe to run twice (already done: a no-op).

    An object-store or search outage is retried with backoff; when the retries
    run out the item stays queued and ``destruction_resume_task`` takes it up.
    """
    return destruction_item_execute(item_id=item_id).item.state


@shared_task(acks_late=True)
def destruction_resume_task() -> int:
    """Queue again what executing registers still have queued (a killed worker's items)."""
    return destruction_resume()
