"""Celery tasks of the retention workflows: thin wrappers around one service each."""

from celery import shared_task
from django.db import OperationalError

from archive.storage import StoreUnavailable
from search.backends.base import SearchUnavailable

from .services import due_list_refresh
from .services.destruction_items import DestructionIncomplete, destruction_item_execute
from .services.execution import destruction_resume

RETRYABLE = (StoreUnavailable, SearchUnavailable, DestructionIncomplete, OSError)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=5)
def due_list_task() -> dict:
    """Count what fell due today for the dashboard; running it twice only counts again."""
    stored = due_list_refresh(actor=None)
    return {"as_of": stored["as_of"], "due": sum(row["count"] for row in stored["rows"])}


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
