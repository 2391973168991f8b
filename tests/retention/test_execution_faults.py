"""Execution on a real Celery worker: SIGKILLed mid-run, and the S3 server stopped mid-run.

Each ends with every item destroyed and verified exactly once and nothing else touched.
"""

from __future__ import annotations

import io
import subprocess
import time
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from archive.models import AuditEvent
from archive.storage import object_store
from catalog.models import RecordStatus
from retention.models import DestructionItem, ItemState, RegisterState
from retention.services import destruction_execute, destruction_resume
from search.backends.base import search_backend
from search.query import SearchQuery
from tests.conftest import ROOT, required_env, start_worker, stop_worker
from tests.retention.filed import filed_register
from tests.retention.stored import objects_of, stored_record

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "correct-horse-42"


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("workers share the test database only on PostgreSQL")


def _services(command: str) -> None:
    subprocess.run([str(ROOT / "scripts" / "services"), command], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def _start(register, officer, supervisors):
    return destruction_execute(actor=officer, register=register, method="shred", place="销毁室",
                               supervisors=[(s, PASSWORD) for s in supervisors])


def _count(register, state) -> int:
    return DestructionItem.objects.filter(register=register, state=state).count()


def _wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def _assert_all_destroyed_once(register, records, survivor, objects) -> None:
    register.refresh_from_db()
    assert register.state == RegisterState.EXECUTED
    assert _count(register, ItemState.DESTROYED) == len(records)
    for record in records:
        for action in ("destroy", "destruction_item_verified"):
            assert AuditEvent.objects.filter(action=action, object_id=str(record.pk)).count() == 1
    assert AuditEvent.objects.filter(action="register_executed").count() == 1
    assert not any(object_store().exists(s) for s in objects)
    # Nothing else touched: the record outside the register is whole, stored and searchable.
    survivor.refresh_from_db()
    assert survivor.status == RecordStatus.READY
    for sha in objects_of(survivor):
        assert object_store().rehash(sha) == sha
    # (the default index outlives the test database: earlier tests' records may answer too)
    found = {h.record_id for h in search_backend().search(SearchQuery(text="未列入清册")).hits}
    assert survivor.pk in found and found.isdisjoint(r.pk for r in records)
    call_command("fixity_check", stdout=io.StringIO())
    call_command("audit_verify", stdout=io.StringIO())


@pytest.fixture
def people(officer, approver, second_officer, supervisors, empty_broker):
    return {"officer": officer, "approver": approver, "executor": second_officer,
            "supervisors": supervisors}


def _register(people, marker: str, count: int):
    records = [stored_record(f"{marker}{n}", pages_count=1) for n in range(count)]
    survivor = stored_record("未列入清册", pages_count=1)
    objects = set().union(*(objects_of(r) for r in records))
    register = filed_register(records, prepared_by=people["officer"],
                              approved_by=people["approver"])
    return register, records, survivor, objects


def test_a_worker_killed_mid_execution_finishes_after_restart(people):
    register, records, survivor, objects = _register(people, f"杀{uuid.uuid4().hex[:4]}", 16)
    env = {"CELERY_VISIBILITY_TIMEOUT": "8"}
    worker = start_worker(env=env, concurrency=2, queues="celery")
    try:
        _start(register, people["executor"], people["supervisors"])
        _wait_until(lambda: _count(register, ItemState.DESTROYED) >= 2, 180, "nothing destroyed")
        stop_worker(worker, kill=True)
        assert _count(register, ItemState.QUEUED) > 0, "every item finished before the kill"
        worker = start_worker(env=env, concurrency=2, queues="celery")
        destruction_resume()  # what beat does every few minutes
        _wait_until(lambda: _count(register, ItemState.QUEUED) == 0, 300, "items left queued")
        _wait_until(lambda: register.__class__.objects.get(pk=register.pk).state
                    == RegisterState.EXECUTED, 60, "register not finished")
    finally:
        stop_worker(worker)
    _assert_all_destroyed_once(register, records, survivor, objects)


def test_the_s3_server_stopped_mid_execution_loses_and_repeats_nothing(settings, people):
    bucket = f"destruction-outage-{uuid.uuid4().hex[:6]}"
    bucket_env = {
        "ARCHIVE_STORAGE": "s3", "S3_ENDPOINT": required_env("TEST_S3_ENDPOINT"),
        "S3_ACCESS_KEY": required_env("TEST_S3_ACCESS_KEY"),
        "S3_SECRET_KEY": required_env("TEST_S3_SECRET_KEY"), "S3_BUCKET": bucket}
    settings.ARCHIVE_STORAGE = {"BACKEND": "archive.storage.s3.S3ObjectStore", "OPTIONS": {
        "endpoint": bucket_env["S3_ENDPOINT"], "access_key": bucket_env["S3_ACCESS_KEY"],
        "secret_key": bucket_env["S3_SECRET_KEY"], "bucket": bucket}}
    register, records, survivor, objects = _register(people, f"断{uuid.uuid4().hex[:4]}", 12)
    worker = start_worker(env=bucket_env, concurrency=2, queues="celery")
    try:
        _start(register, people["executor"], people["supervisors"])
        _wait_until(lambda: _count(register, ItemState.DESTROYED) >= 1, 180, "nothing destroyed")
        _services("stop-s3")
        time.sleep(8)
        queued = DestructionItem.objects.filter(register=register, state=ItemState.QUEUED)
        assert queued.exists(), "every item finished before the outage"
        _wait_until(lambda: queued.exclude(error="").exists(), 60, "no outage noted on an item")
        _services("start-s3")
        _wait_until(lambda: _count(register, ItemState.QUEUED) == 0, 400, "items left queued")
        _wait_until(lambda: register.__class__.objects.get(pk=register.pk).state
                    == RegisterState.EXECUTED, 60, "register not finished")
    finally:
        _services("start-s3")
        stop_worker(worker)
    assert set(object_store().list()).isdisjoint(objects)
    _assert_all_destroyed_once(register, records, survivor, objects)
