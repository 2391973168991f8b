"""The audit chain anchored outside the database: a keyed MAC per event and checkpoints.

An attacker here has write access to the database (raw SQL, as a stolen
database password gives) but neither the key nor the checkpoint file and store.
"""

import json
import os
import stat
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from archive.audit import GENESIS, audit_chain_verify, audit_event_record, event_hash
from archive.models import AuditChainHead, AuditEvent
from archive.storage.s3 import S3ObjectStore
from tests.conftest import required_env

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def anchor_files(settings, tmp_path):
    """A key file and a checkpoint file of this test's own."""
    settings.ARCHIVE_AUDIT_KEY = None
    settings.ARCHIVE_AUDIT_KEY_FILE = str(tmp_path / "data" / "audit_key")
    settings.ARCHIVE_AUDIT_CHECKPOINT_FILE = str(tmp_path / "data" / "audit" / "checkpoints.log")
    return tmp_path / "data"


def _events(n: int):
    for i in range(n):
        audit_event_record(actor=None, action="test", object_type="tests.Thing", object_id=i,
                           details={"i": i, "名称": "测试"})


def _sql(statement: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _rewrite_from(sequence: int, details: dict) -> None:
    """Edit one event and recompute every later hash and the head, as an attacker would."""
    previous = (AuditEvent.objects.get(sequence=sequence - 1).hash if sequence > 1 else GENESIS)
    for event in AuditEvent.objects.filter(sequence__gte=sequence).order_by("sequence"):
        if event.sequence == sequence:
            event.details = details
        new = event_hash(sequence=event.sequence, occurred_at=event.occurred_at,
                         actor_id=event.actor_id, actor_name=event.actor_name,
                         action=event.action, object_type=event.object_type,
                         object_id=event.object_id, object_repr=event.object_repr,
                         details=event.details, prev_hash=previous)
        _sql("UPDATE archive_auditevent SET details = %s, prev_hash = %s, hash = %s WHERE id = %s",
             [json.dumps(event.details, ensure_ascii=False), previous, new, event.pk])
        previous = new
    _sql("UPDATE archive_auditchainhead SET last_hash = %s WHERE id = 1", [previous])


def _cut_tail_to(sequence: int) -> None:
    """Delete every event after ``sequence`` and move the head back onto it."""
    last = AuditEvent.objects.get(sequence=sequence)
    _sql("DELETE FROM archive_auditevent WHERE sequence > %s", [sequence])
    _sql("UPDATE archive_auditchainhead SET last_sequence = %s, last_hash = %s WHERE id = 1",
         [sequence, last.hash])


def _verify_command(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _checkpoint(store=None):
    from archive.services import audit_checkpoint_write
    return audit_checkpoint_write(store=store)


def _log_lines(anchor_files) -> list[str]:
    return (anchor_files / "audit" / "checkpoints.log").read_text().splitlines()


def test_an_edited_event_with_every_later_hash_recomputed_fails_its_mac(local_store):
    _events(3)
    _checkpoint()
    _events(3)
    _rewrite_from(5, {"i": 99})
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_sequence == 5 and "MAC" in report.reason
    assert report.untrusted_from == 4
    code, _, message = _verify_command()
    assert code == 1 and "#5" in message and "MAC" in message and "#4" in message


def test_a_cut_tail_with_the_head_moved_back_fails_against_the_last_checkpoint(local_store):
    _events(5)
    _checkpoint()
    _events(3)
    _checkpoint()
    _cut_tail_to(6)
    report = audit_chain_verify()
    assert not report.ok and report.broken_sequence == 8
    assert "removed" in report.reason
    assert (report.last_good_checkpoint, report.untrusted_from) == (5, 6)
    code, _, message = _verify_command()
    assert code == 1 and "from event #6" in message


def test_a_rewrite_of_events_before_anchoring_fails_against_a_checkpoint(local_store):
    _events(4)
    _sql("UPDATE archive_auditevent SET mac = ''")  # as written before the MAC existed
    _checkpoint()
    _rewrite_from(2, {"i": 42})
    report = audit_chain_verify()
    assert not report.ok and report.broken_sequence == 4 and "checkpoint" in report.reason
    assert report.untrusted_from == 1


def test_events_written_before_anchoring_verify_as_such():
    _events(3)
    _sql("UPDATE archive_auditevent SET mac = '' WHERE sequence <= 2")
    report = audit_chain_verify()
    assert report.ok and (report.checked, report.before_anchoring) == (3, 2)
    code, out, _ = _verify_command()
    assert code == 0 and "2 before anchoring" in out


def test_a_removed_mac_after_an_anchored_event_is_detected():
    _events(3)
    _sql("UPDATE archive_auditevent SET mac = '' WHERE sequence = 3")
    report = audit_chain_verify()
    assert not report.ok and report.broken_sequence == 3 and "no MAC" in report.reason


def test_removing_every_mac_after_a_checkpoint_is_detected(local_store):
    _events(3)
    _checkpoint()
    _events(2)
    _sql("UPDATE archive_auditevent SET mac = ''")
    _rewrite_from(5, {"i": 7})
    report = audit_chain_verify()
    assert not report.ok and report.broken_sequence == 1 and "no MAC" in report.reason


def test_a_fresh_install_without_checkpoints_verifies_intact(local_store, anchor_files):
    assert audit_chain_verify().ok
    assert _checkpoint() == (None, False)  # nothing to anchor yet
    assert _log_lines(anchor_files) == []
    _events(2)
    report = audit_chain_verify()
    assert report.ok and report.checked == 2 and report.checkpoints == 0


def test_a_checkpoint_is_written_once_while_the_head_stays(local_store, anchor_files):
    _events(2)
    first, appended = _checkpoint()
    assert appended and (first.sequence, first.hash) == (2, AuditChainHead.objects.get().last_hash)
    assert _checkpoint() == (first, False)
    assert len(_log_lines(anchor_files)) == 1
    assert list(local_store.list_named("audit-checkpoints/")) == [first.name]
    _events(1)
    assert _checkpoint()[1] and len(_log_lines(anchor_files)) == 2
    report = audit_chain_verify()
    assert report.ok and report.checkpoints == 2
    mode = stat.S_IMODE(os.stat(anchor_files / "audit" / "checkpoints.log").st_mode)
    assert mode == 0o600


def test_while_the_store_is_down_no_checkpoint_is_written_anywhere(local_store, anchor_files):
    from archive.storage import StoreUnavailable
    _events(2)
    down = S3ObjectStore(endpoint="127.0.0.1:1", access_key="a", secret_key="b", timeout=1)
    with pytest.raises(StoreUnavailable):
        _checkpoint(store=down)
    assert _log_lines(anchor_files) == []
    checkpoint, appended = _checkpoint()
    assert appended and len(_log_lines(anchor_files)) == 1
    assert list(local_store.list_named("audit-checkpoints/")) == [checkpoint.name]
    assert audit_chain_verify().ok


def test_a_line_cut_short_by_a_crash_does_not_swallow_the_next_checkpoint(local_store, anchor_files):
    _events(2)
    checkpoint, _ = _checkpoint()
    log = anchor_files / "audit" / "checkpoints.log"
    log.write_bytes(log.read_bytes()[:-40])
    _events(1)
    later, appended = _checkpoint()
    assert appended and _log_lines(anchor_files)[1] == later.to_bytes().decode()
    report = audit_chain_verify()
    assert not report.ok and report.anchor_problems[0].startswith("checkpoint file line 1")


def test_a_checkpoint_stored_but_not_appended_is_adopted_by_the_next_run(local_store, anchor_files):
    _events(2)
    checkpoint, _ = _checkpoint()
    (anchor_files / "audit" / "checkpoints.log").write_text("")  # as if the append had failed
    again, appended = _checkpoint()
    assert appended and again == checkpoint
    assert _log_lines(anchor_files) == [checkpoint.to_bytes().decode()]
    assert audit_chain_verify().ok


@pytest.mark.parametrize("damage, expected", [
    ("remove", "in the object store but not in the checkpoint file"),
    ("tamper", "line 1"),
])
def test_a_checkpoint_damaged_in_the_file_but_kept_in_the_store_is_reported(
        local_store, anchor_files, damage, expected):
    _events(2)
    _checkpoint()
    _events(1)
    _checkpoint()
    log = anchor_files / "audit" / "checkpoints.log"
    lines = _log_lines(anchor_files)
    if damage == "remove":
        lines = lines[1:]
    else:
        lines[0] = lines[0].replace('"sequence":2', '"sequence":3')
    log.write_text("".join(line + "\n" for line in lines))
    report = audit_chain_verify()
    assert not report.ok and report.broken_sequence is None
    assert any(expected in problem for problem in report.anchor_problems)
    code, _, message = _verify_command()
    assert code == 1 and expected in message


@pytest.fixture(params=["local", "s3"])
def any_store(request, settings, tmp_path):
    """The configured store, local or S3, with the checkpoints written to it."""
    from archive.storage import object_store
    if request.param == "local":
        settings.ARCHIVE_STORAGE = {"BACKEND": "archive.storage.local.LocalObjectStore",
                                    "OPTIONS": {"root": str(tmp_path / "objects")}}
    else:
        run = uuid.uuid4().hex
        settings.ARCHIVE_STORAGE = {"BACKEND": "archive.storage.s3.S3ObjectStore", "OPTIONS": {
            "endpoint": required_env("TEST_S3_ENDPOINT"),
            "access_key": required_env("TEST_S3_ACCESS_KEY"),
            "secret_key": required_env("TEST_S3_SECRET_KEY"),
            "bucket": "contract-tests", "prefix": f"run-{run}/",
            "named_prefix": f"run-{run}-named/"}}
    return object_store()


def _replace_named(store, name: str, data: bytes | None) -> None:
    """Overwrite or remove a named object behind the store's back."""
    if hasattr(store, "client"):
        key = store._named_key(name)
        store.client.remove_object(store.bucket, key)
        if data is not None:
            import io
            store.client.put_object(store.bucket, key, io.BytesIO(data), len(data))
        return
    path = store._named_path(name)
    path.unlink()
    if data is not None:
        path.write_bytes(data)


@pytest.mark.parametrize("damage, expected", [
    ("remove", "in the checkpoint file but not in the object store"),
    ("tamper", "damaged or forged"),
])
def test_a_checkpoint_damaged_in_the_store_but_kept_in_the_file_is_reported(
        any_store, damage, expected):
    _events(3)
    checkpoint, _ = _checkpoint()
    assert audit_chain_verify().ok
    data = any_store.get_named(checkpoint.name)
    _replace_named(any_store, checkpoint.name,
                   None if damage == "remove" else data.replace(b'"sequence":3', b'"sequence":2'))
    report = audit_chain_verify()
    assert not report.ok and report.broken_sequence is None
    assert any(expected in problem for problem in report.anchor_problems), report.anchor_problems


def test_the_command_writes_a_checkpoint_only_over_an_intact_chain(local_store, anchor_files):
    _events(2)
    code, out, _ = _verify_command("--checkpoint")
    assert code == 0 and "checkpoint" in out and len(_log_lines(anchor_files)) == 1
    _events(1)
    _sql("UPDATE archive_auditevent SET details = '{}' WHERE sequence = 3")
    code, out, message = _verify_command("--checkpoint")
    assert code == 1 and "no checkpoint written" in message
    assert len(_log_lines(anchor_files)) == 1


def test_the_beat_task_writes_the_checkpoint(local_store, settings):
    from archive.tasks import audit_checkpoint_task
    _events(2)
    assert audit_checkpoint_task() == {"sequence": 2, "appended": True}
    assert settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"]["task"] == (
        "archive.tasks.audit_checkpoint_task")


def test_the_key_file_is_made_private_on_first_use_and_never_stored_in_the_database(
        anchor_files):
    key_file = anchor_files / "audit_key"
    assert not key_file.exists()
    _events(1)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) == 64
    dump = StringIO()
    call_command("dumpdata", exclude=["retention"], stdout=dump)  # retention: no table yet
    assert key not in dump.getvalue()
    assert len(AuditEvent.objects.get().mac) == 64


def test_the_key_file_moved_into_the_setting_keeps_the_macs_valid(settings, anchor_files):
    _events(2)
    settings.ARCHIVE_AUDIT_KEY = (anchor_files / "audit_key").read_text().strip()
    settings.ARCHIVE_AUDIT_KEY_FILE = str(anchor_files / "elsewhere" / "audit_key")
    assert audit_chain_verify().ok


def test_a_key_from_the_setting_is_used_and_no_file_is_made(settings, anchor_files):
    settings.ARCHIVE_AUDIT_KEY = "k" * 40
    _events(2)
    assert not (anchor_files / "audit_key").exists()
    assert audit_chain_verify().ok
    settings.ARCHIVE_AUDIT_KEY = "another key of at least thirty-two characters"
    report = audit_chain_verify()
    assert not report.ok and report.broken_sequence == 1 and "ARCHIVE_AUDIT_KEY" in report.reason


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="one writer at a time: no append can "
                    "commit while the walk reads")
def test_events_appended_while_the_chain_is_walked_are_no_break(monkeypatch):
    import threading

    from django.db import connections

    import archive.audit

    _events(3)
    hashing = archive.audit.event_hash
    appended, started = [], threading.Event()

    def append_once(**fields):
        if not started.is_set():  # another request appends and commits while the walk is under way
            started.set()

            def append():
                try:
                    appended.append(audit_event_record(actor=None, action="test",
                                                       object_type="tests.Thing"))
                finally:
                    connections.close_all()
            worker = threading.Thread(target=append)
            worker.start()
            worker.join()
        return hashing(**fields)

    monkeypatch.setattr(archive.audit, "event_hash", append_once)
    report = audit_chain_verify()
    assert appended and report.ok, report.reason
    assert report.checked == 3
