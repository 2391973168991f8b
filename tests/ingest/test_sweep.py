"""The periodic sweep re-queues records stuck in a step."""

import datetime as dt

import pytest
from django.utils import timezone

from catalog.models import Record, RecordStatus
from ingest.services import Source, batch_create, file_ingest
from ingest.tasks import sweep_stuck_records
from tests.catalog import factories
from tests.ingest import samples

pytestmark = pytest.mark.django_db


def test_records_stuck_longer_than_the_limit_are_requeued(local_store, settings):
    settings.INGEST_STUCK_MINUTES = 30
    factories.fonds()
    batch = batch_create(actor=None, source="test")
    stuck, fresh = (file_ingest(actor=None, batch=batch, queue=False, source=Source(
        name, samples.encode([samples.page_image([name])], "PNG"))).record for name in ("a", "b"))
    Record.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))

    assert sweep_stuck_records() == 1
    stuck.refresh_from_db()
    assert stuck.updated_at > timezone.now() - dt.timedelta(minutes=1)
    assert stuck.status == RecordStatus.RECEIVED


def test_an_officer_retrying_a_failed_record_runs_the_pipeline_again(local_store, settings,
                                                                    officer,
                                                                    django_capture_on_commit_callbacks):
    from catalog import services

    settings.CELERY_TASK_ALWAYS_EAGER = True
    factories.fonds()
    batch = batch_create(actor=None, source="test")
    record = file_ingest(actor=None, batch=batch, queue=False, source=Source(
        "retry.png", samples.encode([samples.page_image(["参保登记表"])], "PNG"))).record
    services.record_transition(actor=None, record=record, transition="fail",
                               errors=["存储暂不可用"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.record_transition(actor=officer, record=record, transition="process")
    assert len(callbacks) >= 1
    record.refresh_from_db()
    assert record.status in (RecordStatus.READY, RecordStatus.NEEDS_REVIEW)
    assert record.pages.count() == 1
