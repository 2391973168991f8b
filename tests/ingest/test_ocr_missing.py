"""Tesseract missing from PATH: every record fails with one clear error, the command exits 1."""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from catalog.models import Record, RecordStatus
from ingest.inline import process_records
from ingest.services import Source, batch_create, file_ingest
from tests.catalog import factories
from tests.conftest import ROOT, required_env, start_worker, stop_worker
from tests.ingest import samples

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
MESSAGE = ("未安装 Tesseract OCR（tesseract 不在 PATH 中）：请安装 tesseract-ocr "
           "tesseract-ocr-chi-sim")
# The virtualenv's scripts only: no tesseract there.
NO_TESSERACT = os.path.dirname(sys.executable)


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("child processes share the test database only on PostgreSQL")


@pytest.fixture
def tesseract_engine(settings):
    settings.ARCHIVE_OCR = {"BACKEND": "ingest.ocr.tesseract.TesseractOcr", "OPTIONS": {}}


def _scan(pages: int) -> bytes:
    return samples.encode([samples.page_image(samples.REGISTRATION)] * pages, "TIFF")


def _db_env() -> dict:
    db = connection.settings_dict
    return {"DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "PATH": NO_TESSERACT, "OCR_ENGINE": "tesseract"}


def _assert_failed_clearly(record: Record) -> None:
    assert record.status == RecordStatus.FAILED
    assert record.errors == [MESSAGE]


def test_the_process_pool_fails_each_record_once_with_the_clear_error(
        local_store, tesseract_engine, monkeypatch):
    factories.fonds()
    monkeypatch.setenv("PATH", NO_TESSERACT)
    batch = batch_create(actor=None, source="test")
    ids = [file_ingest(actor=None, batch=batch, source=Source(f"scan-{n}.tif", _scan(n)),
                       metadata={"stage": "GL01", "date": "2013-04-01"}, queue=False).record_id
           for n in (1, 3)]
    process_records(ids, processes=2)  # no BrokenProcessPool: the error crosses the pool intact
    for record in Record.objects.filter(pk__in=ids):
        _assert_failed_clearly(record)


def _ingest_command(tmp_path, env: dict) -> subprocess.CompletedProcess:
    scan = tmp_path / "zhangsan-jiaofei.tif"
    scan.write_bytes(_scan(2))
    return subprocess.run(
        [sys.executable, "manage.py", "ingest", str(scan), "--wait", "--stage", "GL01",
         "--processes", "2"], cwd=ROOT, env={**os.environ, **env}, capture_output=True,
        text=True, timeout=300)


def test_ingest_wait_without_a_worker_fails_the_record_and_exits_non_zero(tmp_path, empty_broker):
    factories.fonds()
    done = _ingest_command(tmp_path, {**_db_env(), "CELERY_BROKER_URL":
                                      required_env("CELERY_BROKER_URL")})
    assert done.returncode != 0, done.stdout + done.stderr
    assert MESSAGE in done.stdout
    for noise in ("Traceback", "BrokenProcessPool", "TypeError"):
        assert noise not in done.stderr, done.stderr
    _assert_failed_clearly(Record.objects.get(source_name__endswith="zhangsan-jiaofei.tif"))


def _wait_for_worker(timeout: float = 90) -> None:
    from celery import current_app
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if current_app.control.ping(timeout=1.0):
            return
    pytest.fail(f"the worker did not answer within {timeout}s")


def test_ingest_wait_on_a_worker_without_tesseract_fails_the_record_and_exits_non_zero(
        tmp_path, empty_broker):
    factories.fonds()
    worker = start_worker(env=_db_env(), concurrency=2)
    try:
        _wait_for_worker()
        done = _ingest_command(tmp_path, _db_env())
    finally:
        stop_worker(worker)
    assert done.returncode != 0, done.stdout + done.stderr
    assert MESSAGE in done.stdout
    _assert_failed_clearly(Record.objects.get(source_name__endswith="zhangsan-jiaofei.tif"))
