"""Celery tasks of ingest: thin, by primary key, idempotent, with retries on outages."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import OperationalError, InterfaceError
from django.utils import timezone

from archive.storage import StoreUnavailable
from catalog.models import Record, RecordStatus

from . import pipeline

RETRY = dict(acks_late=True, autoretry_for=(StoreUnavailable, OperationalError, InterfaceError,
                                            ConnectionError),
             retry_backoff=2, retry_backoff_max=120, retry_jitter=True, max_retries=20)


@shared_task(**RETRY)
def process_record(record_id: int) -> int:
    """Validate and split a record, then queue one task per page still without text."""
    page_ids = pipeline.prepare_record(record_id)
    for page_id in page_ids:
        process_page.delay(page_id)
    if not page_ids:
        finish_record.delay(record_id)
    return len(page_ids)


@shared_task(**RETRY)
def process_page(page_id: int) -> None:
    """Extract one page (OCR or text layer); the last page of a record queues its finish."""
    page = pipeline.extract_page_or_fail(page_id)
    if page is not None and pipeline.pages_done(page.record_id):
        finish_record.delay(page.record_id)


@shared_task(**RETRY)
def finish_record(record_id: int) -> str:
    return pipeline.finish_record(record_id).status


@shared_task
def sweep_stuck_records() -> int:
    """Re-queue records that have sat in received/processing longer than they should."""
    cutoff = timezone.now() - dt.timedelta(minutes=settings.INGEST_STUCK_MINUTES)
    stuck = list(Record.objects.filter(status__in=[RecordStatus.RECEIVED, RecordStatus.PROCESSING],
                                       updated_at__lt=cutoff).values_list("pk", flat=True))
    for record_id in stuck:
        Record.objects.filter(pk=record_id).update(updated_at=timezone.now())
        process_record.delay(record_id)
    return len(stuck)
