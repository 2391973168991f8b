"""Ingest on real Celery workers over Redis: pages split across processes, crashes, S3 outages."""

import subprocess
import time
import uuid

import pytest
from django.db import connection

from archive.storage import object_store
from catalog.models import Page, Record, RecordStatus
from ingest.services import Source, batch_create, file_ingest
from tests.catalog import factories
from tests.conftest import ROOT, required_env, start_worker, stop_worker
from tests.ingest import samples

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
DONE = {RecordStatus.READY, RecordStatus.NEEDS_REVIEW, RecordStatus.FAILED}


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("workers share the test database only on PostgreSQL")


def _scan(pages: int, marker: str) -> bytes:
    images = [samples.page_image([*samples.REGISTRATION, f"{marker} 第{n}页"]) for n in range(1, pages + 1)]
    return samples.encode(images, "TIFF")


def _ingest(files: dict[str, bytes]) -> list[int]:
    batch = batch_create(actor=None, source="test")
    ids = []
    for name, data in files.items():
        item = file_ingest(actor=None, batch=batch, source=Source(name, data),
                           metadata={"stage": "GL01", "date": "2013-04-01"})
        ids.append(item.record_id)
    return ids


def _wait(record_ids: list[int], timeout: float) -> list[Record]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = list(Record.objects.filter(pk__in=record_ids))
        if all(r.status in DONE for r in records):
            return records
        time.sleep(0.5)
    states = {r.pk: r.status for r in Record.objects.filter(pk__in=record_ids)}
    pytest.fail(f"records not done after {timeout}s: {states}")


def _assert_complete(records: list[Record], pages: int) -> None:
    for record in records:
        assert record.status == RecordStatus.READY, (record.pk, record.errors)
        numbers = list(Page.objects.filter(record=record).order_by("number")
                       .values_list("number", flat=True))
        assert numbers == list(range(1, pages + 1))
        assert all("参保单位登记表" in t for t in record.pages.values_list("text", flat=True))


@pytest.fixture
def fonds(empty_broker):
    return factories.fonds()


def test_a_multi_page_scan_is_split_across_worker_processes(fonds):
    worker = start_worker(concurrency=2)
    try:
        ids = _ingest({"long-scan.tif": _scan(6, "长卷")})
        records = _wait(ids, 180)
    finally:
        stop_worker(worker)
    _assert_complete(records, 6)
    done = sorted(Page.objects.filter(record_id=ids[0]).values_list("text_done_at", flat=True))
    assert done[0] != done[-1]


def test_a_worker_killed_mid_batch_loses_and_duplicates_no_page(fonds):
    env = {"CELERY_VISIBILITY_TIMEOUT": "8"}
    worker = start_worker(env=env, concurrency=2)
    ids = _ingest({f"batch-{n}.tif": _scan(3, f"批次{n}") for n in range(4)})
    deadline = time.monotonic() + 120
    while Page.objects.filter(record_id__in=ids, text_done_at__isnull=False).count() < 2:
        assert time.monotonic() < deadline, "no page was processed"
        time.sleep(0.2)
    stop_worker(worker, kill=True)
    worker = start_worker(env=env, concurrency=2)
    try:
        records = _wait(ids, 240)
    finally:
        stop_worker(worker)
    _assert_complete(records, 3)


def _services(command: str) -> None:
    subprocess.run([str(ROOT / "scripts" / "services"), command], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def test_the_s3_server_stopped_during_a_batch_loses_nothing(settings, fonds):
    bucket_env = {
        "ARCHIVE_STORAGE": "s3", "S3_ENDPOINT": required_env("TEST_S3_ENDPOINT"),
        "S3_ACCESS_KEY": required_env("TEST_S3_ACCESS_KEY"),
        "S3_SECRET_KEY": required_env("TEST_S3_SECRET_KEY"), "S3_BUCKET": "ingest-outage"}
    settings.ARCHIVE_STORAGE = {"BACKEND": "archive.storage.s3.S3ObjectStore", "OPTIONS": {
        "endpoint": bucket_env["S3_ENDPOINT"], "access_key": bucket_env["S3_ACCESS_KEY"],
        "secret_key": bucket_env["S3_SECRET_KEY"], "bucket": "ingest-outage"}}
    marker = uuid.uuid4().hex[:6]
    ids = _ingest({f"outage-{n}.tif": _scan(2, f"{marker}{n}") for n in range(3)})
    originals = list(Record.objects.filter(pk__in=ids).values_list("original_sha256", flat=True))
    _services("stop-s3")
    worker = start_worker(env=bucket_env, concurrency=2)
    try:
        time.sleep(8)
        assert Record.objects.filter(pk__in=ids, status=RecordStatus.READY).count() == 0
        _services("start-s3")
        records = _wait(ids, 300)
    finally:
        _services("start-s3")
        stop_worker(worker)
    _assert_complete(records, 2)
    store = object_store()
    for sha in originals:
        assert store.rehash(sha) == sha
