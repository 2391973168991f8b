"""The audit trail: every catalogue change is an event, and tampering is detected."""

import datetime as dt
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from archive.audit import audit_chain_verify, audit_event_record
from archive.models import AppendOnlyError, AuditEvent
from catalog.services import member_create
from tests.catalog import factories

pytestmark = pytest.mark.django_db


def _events(n: int, actor=None):
    for i in range(n):
        audit_event_record(actor=actor, action="test", object_type="tests.Thing", object_id=i,
                           details={"i": i, "名称": "测试"})


def test_each_catalogue_change_writes_an_event_with_the_acting_user(officer):
    member = member_create(actor=officer, id_number=factories.citizen_id(), name="张三")
    record = factories.record(actor=officer, members=[member])
    actions = list(AuditEvent.objects.filter(actor=officer).values_list("action", "object_type"))
    assert ("create", "catalog.Member") in actions
    assert ("create", "catalog.Record") in actions
    assert ("link_member", "catalog.Record") in actions
    event = AuditEvent.objects.get(action="create", object_type="catalog.Record")
    assert (event.actor_name, event.object_id) == ("wang.fang", str(record.pk))
    assert event.details["archive_code"] == record.archive_code


def test_an_intact_chain_verifies():
    _events(5)
    report = audit_chain_verify()
    assert report.ok and report.checked == 5


def test_events_cannot_be_changed_or_deleted_through_the_orm():
    _events(2)
    event = AuditEvent.objects.first()
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(action="x")


def _verify_command() -> tuple[int, str]:
    err = StringIO()
    try:
        call_command("audit_verify", stdout=StringIO(), stderr=err)
    except SystemExit as exc:
        return exc.code, err.getvalue()
    return 0, err.getvalue()


def _sql(statement: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.parametrize("statement, params, named, reason", [
    ("UPDATE archive_auditevent SET details = %s WHERE sequence = 3", ['{"i": 99}'], "#3", "edited"),
    ("DELETE FROM archive_auditevent WHERE sequence = 2", [], "#3", "missing"),
])
def test_audit_verify_fails_naming_the_first_broken_event(statement, params, named, reason):
    _events(5)
    _sql(statement, params)
    code, message = _verify_command()
    assert code == 1
    assert named in message and reason in message


def test_reordered_rows_are_detected():
    _events(5)
    _sql("UPDATE archive_auditevent SET sequence = 1000 WHERE sequence = 2")
    _sql("UPDATE archive_auditevent SET sequence = 2 WHERE sequence = 3")
    _sql("UPDATE archive_auditevent SET sequence = 3 WHERE sequence = 1000")
    report = audit_chain_verify()
    assert not report.ok and report.broken_sequence == 2


def test_a_cut_tail_is_detected():
    _events(5)
    _sql("DELETE FROM archive_auditevent WHERE sequence = 5")
    report = audit_chain_verify()
    assert not report.ok and "removed" in report.reason


def test_a_backdated_timestamp_is_detected():
    _events(3)
    _sql("UPDATE archive_auditevent SET occurred_at = %s WHERE sequence = 1",
         [dt.datetime(2001, 1, 1, tzinfo=dt.UTC)])
    report = audit_chain_verify()
    assert (report.ok, report.broken_sequence) == (False, 1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_appends_form_one_unbroken_chain():
    import threading

    from django.db import connections

    errors = []

    def append(worker: int):
        try:
            for i in range(15):
                audit_event_record(actor=None, action="concurrent", object_type="tests.Thing",
                                   object_id=f"{worker}-{i}")
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.filter(action="concurrent").count() == 60
    report = audit_chain_verify()
    assert report.ok, report.reason


def test_an_event_with_nul_characters_is_kept_and_verifies():
    # A caller can type anything; PostgreSQL stores no NUL, so it is replaced, not refused.
    event = audit_event_record(actor=None, action="core_api_call", object_type="t",
                               object_repr="a\x00b", details={"query": {"q\x00": ["x\x00y"]}})
    event.refresh_from_db()
    assert event.object_repr == "a\ufffdb"
    assert event.details == {"query": {"q\ufffd": ["x\ufffdy"]}}
    assert audit_chain_verify().ok
