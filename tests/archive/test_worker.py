"""A real Celery worker on the real Redis broker runs the archive's tasks."""

import pytest
from django.db import connection

from archive.models import StoredObject
from archive.services import stored_object_put
from archive.tasks import fixity_check_task
from tests.conftest import start_worker, stop_worker


@pytest.fixture
def worker():
    process = start_worker(concurrency=1, queues="celery")
    yield process
    stop_worker(process)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fixity_task_runs_on_a_worker_through_redis(worker):
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database only on PostgreSQL")
    stored = stored_object_put(actor=None, data=b"checked by the worker")
    result = fixity_check_task.delay()
    outcome = result.get(timeout=60)
    assert outcome["checked"] >= 1 and outcome["missing"] == [] and outcome["mismatched"] == []
    stored.refresh_from_db()
    assert stored.last_check_ok is True
    assert StoredObject.objects.get(pk=stored.pk).last_checked_at is not None
