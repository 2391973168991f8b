"""A real Celery worker on the real Redis broker runs the archive's tasks."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from archive.models import StoredObject
from archive.services import stored_object_put
from archive.tasks import fixity_check_task
from tests.conftest import required_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker():
    required_env("CELERY_BROKER_URL")
    db = connection.settings_dict
    env = {**os.environ, "DATABASE_URL":
           f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


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
