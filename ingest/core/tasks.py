"""Celery task of the core intake: deliver one signed callback, retried with backoff."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_callback(self, delivery_id: int) -> str:
    """Send a callback; on failure retry with doubling delays, then give up and say why."""
    try:
        return services.callback_deliver(delivery_id=delivery_id).state
    except services.CallbackFailed as exc:
        if self.request.retries >= settings.CORE_CALLBACK_MAX_RETRIES:
            return services.callback_give_up(delivery_id=delivery_id, reason=str(exc)).state
        raise self.retry(exc=exc, countdown=services.callback_backoff(self.request.retries))
