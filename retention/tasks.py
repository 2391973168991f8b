"""Celery tasks of the retention workflows: thin wrappers around one service each."""

from celery import shared_task
from django.db import OperationalError

from .services import due_list_refresh


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=5)
def due_list_task() -> dict:
    """Count what fell due today for the dashboard; running it twice only counts again."""
    stored = due_list_refresh(actor=None)
    return {"as_of": stored["as_of"], "due": sum(row["count"] for row in stored["rows"])}
