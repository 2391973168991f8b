"""Celery tasks that keep the search index current."""

from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=None, default_retry_delay=30, acks_late=True)
def index_pending_task(self):
    """Index what the catalogue queued; retried while the search engine is down."""
    try:
        while services.index_pending_process():
            pass
    except Exception as exc:
        raise self.retry(exc=exc, countdown=min(600, 30 * 2 ** min(self.request.retries, 5)))
