"""The object sweep removes objects no row names, once old, and what killed writes left.

It runs against both stores (the local directory and the S3 server). The sweep
is run at a later ``now`` instead of ageing rows and files: S3 keeps its own
times.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from archive.models import AuditEvent, StoredObject
from archive.references import object_reference_fields
from archive.services import objects_sweep_run, stored_object_put
from archive.storage import object_store
from archive.storage.local import LocalObjectStore
from archive.storage.s3 import S3ObjectStore
from archive.tasks import objects_sweep_task
from catalog.models import Page, Record
from ingest.core import services as core
from ingest.core.serializers import DocumentPush
from ingest.models import Batch, BatchItem
from ingest.services import batch_create
from tests.catalog import factories as catalog_factories
from tests.conftest import required_env
from tests.ingest import factories as f

pytestmark = pytest.mark.django_db

LATER = dt.timedelta(hours=25)   # past the default 24-hour grace and the day temp files get
SOON = dt.timedelta(hours=1)


def s3_options(prefix: str) -> dict:
    return {"endpoint": required_env("TEST_S3_ENDPOINT"),
            "access_key": required_env("TEST_S3_ACCESS_KEY"),
            "secret_key": required_env("TEST_S3_SECRET_KEY"),
            "bucket": "sweep-tests", "prefix": prefix}


@pytest.fixture(params=["local", "s3"])
def store(request, settings, tmp_path):
    """The configured store for this test: a fresh local directory, or a fresh S3 prefix."""
    if request.param == "local":
        settings.ARCHIVE_STORAGE = {"BACKEND": "archive.storage.local.LocalObjectStore",
                                    "OPTIONS": {"root": str(tmp_path / "objects")}}
    else:
        settings.ARCHIVE_STORAGE = {"BACKEND": "archive.storage.s3.S3ObjectStore",
                                    "OPTIONS": s3_options(f"sweep-{uuid.uuid4().hex}/")}
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir()
    return object_store()


def sweep(*, after: dt.timedelta = LATER, **kwargs):
    return objects_sweep_run(actor=None, now=timezone.now() + after, **kwargs)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_an_orphan_older_than_the_grace_period_is_removed_and_audited(store):
    orphan = stored_object_put(actor=None, data=b"left by a killed upload" * 1000)
    report = sweep()
    assert [s.name for s in report.of("object")] == [orphan.sha256]
    assert not store.exists(orphan.sha256)
    assert not StoredObject.objects.filter(sha256=orphan.sha256).exists()
    event = AuditEvent.objects.get(action="object_swept")
    assert event.object_id == orphan.sha256
    assert event.details["size"] == orphan.size and event.details["registered"] is True
    summary = AuditEvent.objects.get(action="objects_sweep")
    assert summary.details["objects"] == 1 and summary.details["bytes"] == orphan.size


def test_bytes_stored_without_a_row_are_removed_once_old(store):
    info = store.put(b"killed between the put and the row")  # no StoredObject row
    assert sweep(after=SOON).removed == []
    assert [s.name for s in sweep().of("object")] == [info.sha256]
    assert not store.exists(info.sha256)
    assert AuditEvent.objects.get(action="object_swept").details["registered"] is False


def test_a_young_orphan_is_kept(store):
    orphan = stored_object_put(actor=None, data=b"an upload still writing its record")
    report = sweep(after=SOON)
    assert report.removed == [] and report.kept_young == 1
    assert store.exists(orphan.sha256) and StoredObject.objects.filter(pk=orphan.pk).exists()


def test_putting_the_bytes_again_starts_the_grace_period_again(store):
    orphan = stored_object_put(actor=None, data=b"uploaded again")
    StoredObject.objects.filter(pk=orphan.pk).update(
        created_at=timezone.now() - LATER, last_put_at=timezone.now() - LATER)
    stored_object_put(actor=None, data=b"uploaded again")
    assert sweep(after=SOON).removed == []
    assert store.exists(orphan.sha256)


def test_objects_named_by_a_record_a_page_a_thumbnail_or_a_batch_item_are_kept(store):
    original, image, thumbnail, refused = (
        stored_object_put(actor=None, data=f"{kind} bytes".encode()).sha256
        for kind in ("original", "image", "thumbnail", "refused"))
    record = catalog_factories.record()
    Record.objects.filter(pk=record.pk).update(original_sha256=original)
    Page.objects.create(record=record, number=1, object_sha256=image, thumbnail_sha256=thumbnail)
    BatchItem.objects.create(batch=batch_create(actor=None, source="test"), source="bad.pdf",
                             original_sha256=refused, refused=True)
    report = sweep()
    assert report.of("object") == [] and report.kept_referenced == 4
    assert all(store.exists(key) for key in (original, image, thumbnail, refused))


def test_a_dry_run_lists_what_would_go_and_removes_nothing(store):
    orphan = stored_object_put(actor=None, data=b"would go")
    batch = batch_create(actor=None, source="upload")
    before = AuditEvent.objects.count()
    report = sweep(dry_run=True)
    assert {(s.kind, s.name) for s in report.removed} >= {("object", orphan.sha256),
                                                           ("empty_batch", f"#{batch.pk}")}
    assert store.exists(orphan.sha256) and StoredObject.objects.filter(pk=orphan.pk).exists()
    assert Batch.objects.filter(pk=batch.pk).exists()
    assert AuditEvent.objects.count() == before


def test_an_empty_batch_older_than_the_grace_period_is_removed(store):
    empty = batch_create(actor=None, source="upload", label="scan.pdf")
    kept = batch_create(actor=None, source="upload")
    BatchItem.objects.create(batch=kept, source="a.pdf", refused=True, errors=["unreadable"])
    assert sweep(after=SOON).of("empty_batch") == []
    report = sweep()
    assert [s.name for s in report.of("empty_batch")] == [f"#{empty.pk} scan.pdf"]
    assert not Batch.objects.filter(pk=empty.pk).exists() and Batch.objects.filter(pk=kept.pk).exists()
    assert AuditEvent.objects.filter(action="batch_swept", object_id=str(empty.pk)).exists()


def _leave_temp_file(store) -> str:
    """What a write killed half-way leaves: a partial file, an unfinished multipart upload."""
    if isinstance(store, LocalObjectStore):
        folder = store.root / "ab" / "cd"
        folder.mkdir(parents=True)
        (folder / ".incoming-x1y2").write_bytes(b"half an object")
        return "ab/cd/.incoming-x1y2"
    key = store._key("ab" * 32)
    store._ensure_bucket()
    upload_id = store.client._create_multipart_upload(store.bucket, key, {})
    store.client._upload_part(store.bucket, key, b"x" * (5 * 1024 * 1024), None, upload_id, 1)
    return f"{key}?uploadId={upload_id}"


def test_temp_files_older_than_a_day_are_removed_and_young_ones_kept(store, settings):
    name = _leave_temp_file(store)
    upload = Path(settings.FILE_UPLOAD_TEMP_DIR) / "tmpk2j4.upload.pdf"
    upload.write_bytes(b"request body")
    assert sweep(after=SOON).of("temp") == []
    assert [t.name for t in store.temp_files(before=timezone.now() + LATER)] == [name]
    removed = {s.name for s in sweep(after=LATER).of("temp")}
    assert removed == {name, str(upload)}
    assert store.temp_files(before=timezone.now() + LATER) == [] and not upload.exists()


def test_the_command_prints_what_it_removed(store, settings):
    orphan = stored_object_put(actor=None, data=b"for the command")
    out = StringIO()
    call_command("objects_sweep", stdout=out)
    assert orphan.sha256 not in out.getvalue() and "0 object(s) removed" in out.getvalue()
    settings.ARCHIVE_SWEEP_GRACE_HOURS = 0
    out = StringIO()
    call_command("objects_sweep", "--dry-run", stdout=out)
    assert f"WOULD REMOVE object  {orphan.sha256}" in out.getvalue()
    assert store.exists(orphan.sha256)
    out = StringIO()
    call_command("objects_sweep", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert [r["name"] for r in body["removed"] if r["kind"] == "object"] == [orphan.sha256]
    assert not store.exists(orphan.sha256)


def test_beat_runs_the_task_daily_and_it_returns_what_it_removed(store, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["objects-sweep-daily"]
    assert entry["task"] == "archive.tasks.objects_sweep_task" and entry["schedule"] == 86400
    orphan = stored_object_put(actor=None, data=b"for beat")
    settings.ARCHIVE_SWEEP_GRACE_HOURS = 0
    result = objects_sweep_task.apply().get()
    assert [r["name"] for r in result["removed"] if r["kind"] == "object"] == [orphan.sha256]


# --- the core intake's refused pushes ----------------------------------------------------

def _accept(client, key: str, data: bytes):
    """Accept a push as the API does once its early check of the key has passed."""
    raw = f.metadata()
    push = DocumentPush(data={"metadata": raw, "file": SimpleUploadedFile(
        "declaration.pdf", data, content_type="application/pdf")})
    push.is_valid(raise_exception=True)
    file = push.validated_data["file"]
    return core.core_document_accept(
        client=client, idempotency_key=key, submission=push.validated_data["metadata"],
        fingerprint=core.request_fingerprint(metadata=raw, data=data), file_name=file["name"],
        data=file["data"], kind=file["kind"], status_url=lambda pk: f"/documents/{pk}/")


def test_a_push_refused_for_a_reused_key_leaves_no_original(store):
    catalog_factories.fonds()
    client, _ = f.core_client()
    _accept(client, "k-1", f.pdf("first"))
    # A second push under the key that passed the API's check before the first was committed.
    with pytest.raises(core.KeyReused):
        _accept(client, "k-1", f.pdf("second"))
    second = sha(f.pdf("second"))
    assert not store.exists(second) and not StoredObject.objects.filter(sha256=second).exists()


def test_the_original_of_a_push_refused_after_storing_is_swept(store):
    client, _ = f.core_client()  # no fonds yet: the push is refused once its original is stored
    with pytest.raises(core.CoreError):
        _accept(client, "k-1", f.pdf("no fonds"))
    assert [s.name for s in sweep().of("object")] == [sha(f.pdf("no fonds"))]


# --- every field naming an object is declared ----------------------------------------------

# Fields ending in sha256 that hash something other than a stored object.
NOT_OBJECTS = {("ingest.CoreClient", "token_sha256"), ("ingest.CoreDocument", "request_sha256"),
               # digests of content, not stored objects
               ("retention.DestructionRegister", "content_sha256"),
               ("retention.AppraisalBatch", "items_sha256")}


def test_every_field_ending_in_sha256_is_declared_as_naming_an_object_or_known_not_to():
    declared = {(m._meta.label, name) for m, name in object_reference_fields()}
    fields = {(m._meta.label, fld.name) for m in apps.get_models() for fld in m._meta.fields
              if fld.name.endswith("sha256") and m is not StoredObject}
    assert fields - NOT_OBJECTS == declared, (
        "declare the field in the model's OBJECT_REFERENCES, or add it to NOT_OBJECTS")
    assert declared >= {("catalog.Record", "original_sha256"), ("catalog.Page", "object_sha256"),
                        ("catalog.Page", "thumbnail_sha256"), ("ingest.BatchItem", "original_sha256")}


# --- a put racing the sweep --------------------------------------------------------------

GRACE = dt.timedelta(seconds=2)


class Pause:
    """Stop a store method's ``call``-th call (before it runs, or ``after``) until ``go``."""

    def __init__(self, store, method: str, *, after: bool = False, call: int = 1):
        self.reached, self.go = threading.Event(), threading.Event()
        original, calls = getattr(store, method), []

        def paused(*args, **kwargs):
            calls.append(1)
            if len(calls) == call and not after:
                self.wait()
            result = original(*args, **kwargs)
            if len(calls) == call and after:
                self.wait()
            return result
        setattr(store, method, paused)

    def wait(self):
        self.reached.set()
        assert self.go.wait(20), "the test never let the paused call go on"


class Run(threading.Thread):
    """A call in its own thread, with its own database connection."""

    def __init__(self, fn, **kwargs):
        super().__init__(daemon=True)
        self.fn, self.kwargs, self.result, self.error = fn, kwargs, None, None
        self.start()

    def run(self):
        try:
            self.result = self.fn(**self.kwargs)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread by done()
            self.error = exc
        finally:
            connection.close()

    def done(self):
        self.join(30)
        assert not self.is_alive(), "still running"
        if self.error:
            raise self.error
        return self.result


def _fresh(store):
    """Another instance of the same store, whose methods a test may pause."""
    if isinstance(store, LocalObjectStore):
        return LocalObjectStore(root=str(store.root))
    return S3ObjectStore(**s3_options(store.prefix))


def _old_orphan(store) -> bytes:
    data = f"orphan {uuid.uuid4()}".encode() * 100
    stored_object_put(actor=None, data=data)
    time.sleep(GRACE.total_seconds() + 0.5)
    return data


def _assert_stored(store, data: bytes):
    assert store.exists(sha(data)) and store.get_verified(sha(data)) == data
    assert StoredObject.objects.filter(sha256=sha(data)).exists()


race = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@race
def test_a_sweep_waits_for_a_put_holding_the_lock_and_keeps_the_object(store):
    data = _old_orphan(store)
    putter = _fresh(store)
    inside = Pause(putter, "exists")  # under the lock, before the row is written
    put = Run(stored_object_put, actor=None, data=data, store=putter)
    assert inside.reached.wait(10)
    swept = Run(objects_sweep_run, actor=None, grace=GRACE)
    time.sleep(0.5)
    assert swept.is_alive(), "the sweep did not wait for the object's lock"
    inside.go.set()
    put.done()
    assert swept.done().of("object") == []
    _assert_stored(store, data)


@race
def test_a_put_that_found_the_bytes_stored_puts_them_again_once_the_sweep_removed_them(store):
    data = _old_orphan(store)
    putter = _fresh(store)
    skipped = Pause(putter, "put_spooled", after=True)  # found intact: not written
    put = Run(stored_object_put, actor=None, data=data, store=putter)
    assert skipped.reached.wait(10)
    assert [s.name for s in objects_sweep_run(actor=None, grace=GRACE).of("object")] == [sha(data)]
    assert not store.exists(sha(data))
    skipped.go.set()
    put.done()
    _assert_stored(store, data)


@race
def test_a_put_waits_for_a_sweep_holding_the_lock_and_stores_the_object_again(store):
    data = _old_orphan(store)
    sweeper = _fresh(store)
    deleting = Pause(sweeper, "delete", after=True)  # bytes gone, row not yet
    swept = Run(objects_sweep_run, actor=None, store=sweeper, grace=GRACE)
    assert deleting.reached.wait(10)
    put = Run(stored_object_put, actor=None, data=data)
    time.sleep(0.5)
    assert put.is_alive(), "the put did not wait for the object's lock"
    deleting.go.set()
    assert [s.name for s in swept.done().of("object")] == [sha(data)]
    put.done()
    _assert_stored(store, data)
