"""Supervised execution of a filed register: refusals, holds, shared objects, S3, search, counter."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from archive.models import AuditEvent, StoredObject
from archive.storage import object_store
from catalog.models import Page, Record, RecordStatus
from retention.errors import RetentionError
from retention.models import (
    DestructionSupervision,
    Hold,
    HoldKind,
    HoldRecord,
    ItemState,
    RegisterState,
)
from retention.services import destruction_execute, destruction_item_execute
from search.backends.base import search_backend
from search.query import SearchQuery
from tests.archive.test_counter import start_visit
from tests.conftest import required_env
from tests.retention.filed import filed_register
from tests.retention.stored import objects_of, share_page, stored_record

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-42"


@pytest.fixture(autouse=True)
def tantivy(settings, tmp_path):
    """The embedded search engine (the default backend) on a fresh index."""
    settings.ARCHIVE_SEARCH = {"BACKEND": "search.backends.tantivy.TantivyBackend",
                               "OPTIONS": {"path": str(tmp_path / "search")}}
    return search_backend()


@pytest.fixture
def s3_store(settings):
    """The real SeaweedFS S3 gateway, on a bucket of this test's own."""
    settings.ARCHIVE_STORAGE = {"BACKEND": "archive.storage.s3.S3ObjectStore", "OPTIONS": {
        "endpoint": required_env("TEST_S3_ENDPOINT"),
        "access_key": required_env("TEST_S3_ACCESS_KEY"),
        "secret_key": required_env("TEST_S3_SECRET_KEY"),
        "bucket": f"destruction-{uuid.uuid4().hex[:10]}"}}
    return object_store()


def execute(register, officer, supervisors, **kwargs):
    options = {"method": "shred", "place": "本中心档案库房销毁室",
               "supervisors": [(s, PASSWORD) for s in supervisors]} | kwargs
    return destruction_execute(actor=officer, register=register, **options)


def run_items(register):
    for item in register.items.filter(state=ItemState.QUEUED).order_by("serial"):
        destruction_item_execute(item_id=item.pk)
    register.refresh_from_db()
    return {i.record_id: i for i in register.items.all()}


def hits(text: str) -> list[int]:
    return [h.record_id for h in search_backend().search(SearchQuery(text=text)).hits]


def assert_custody_clean():
    out = io.StringIO()
    call_command("fixity_check", stdout=out)  # exits 1 (SystemExit) on a missing object
    call_command("audit_verify", stdout=io.StringIO())


# --- refusals ----------------------------------------------------------------------------

@pytest.fixture
def register(local_store, officer, approver):
    records = [stored_record(f"拒绝{n}", pages_count=1) for n in range(2)]
    return filed_register(records, prepared_by=officer, approved_by=approver)


def _refused(register, actor, supervisors, **kwargs) -> RetentionError:
    with pytest.raises(RetentionError) as caught:
        execute(register, actor, supervisors, **kwargs)
    register.refresh_from_db()
    assert register.state == RegisterState.FILED
    assert not DestructionSupervision.objects.filter(register=register).exists()
    assert register.items.filter(state=ItemState.LISTED).count() == 2
    return caught.value


def test_the_same_supervisor_twice_is_refused(register, second_officer, supervisors):
    error = _refused(register, second_officer, [supervisors[0], supervisors[0]])
    assert error.rule == "supervisors_distinct" and "liu.yang" in error.message


def test_the_executor_cannot_supervise(register, second_officer, supervisors, django_user_model):
    second_officer.groups.add(*supervisors[0].groups.all())
    error = _refused(register, second_officer, [second_officer, supervisors[1]])
    assert error.rule == "supervisor_is_executor" and error.field == "supervisor_1"


def test_the_approver_cannot_supervise_their_register(register, second_officer, supervisors,
                                                     approver):
    approver.groups.add(*supervisors[0].groups.all())
    error = _refused(register, second_officer, [supervisors[0], approver])
    assert error.rule == "approver_cannot_supervise" and "chen.jie" in error.message


def test_a_wrong_password_is_refused_naming_the_supervisor(register, second_officer, supervisors):
    with pytest.raises(RetentionError) as caught:
        destruction_execute(actor=second_officer, register=register, method="shred",
                            place="销毁室", supervisors=[(supervisors[0], PASSWORD),
                                                        (supervisors[1], "not-his-password")])
    assert caught.value.rule == "supervisor_password" and "huang.wei" in caught.value.message
    register.refresh_from_db()
    assert register.state == RegisterState.FILED


def test_a_person_without_the_supervisor_role_cannot_supervise(register, officer, second_officer,
                                                              supervisors):
    error = _refused(register, second_officer, [supervisors[0], officer])
    assert error.rule == "supervisor_permission"


def test_a_register_not_filed_is_not_executed(local_store, officer, approver, second_officer,
                                              supervisors):
    approved = filed_register([stored_record("未备案", pages_count=1)], prepared_by=officer,
                              approved_by=approver, state=RegisterState.APPROVED)
    with pytest.raises(RetentionError) as caught:
        execute(approved, second_officer, supervisors)
    assert caught.value.rule == "not_filed"
    assert Record.objects.get(pk=approved.items.get().record_id).status == RecordStatus.READY


def test_method_and_place_are_required_and_checked(register, second_officer, supervisors):
    assert _refused(register, second_officer, supervisors, method="bury").rule == "method"
    assert _refused(register, second_officer, supervisors, place="  ").rule == "required"


def test_only_an_executor_executes(register, clerk, supervisors):
    assert _refused(register, clerk, supervisors).rule == "permission"


# --- execution ---------------------------------------------------------------------------

def test_execution_destroys_every_item_verified_and_finishes_the_register(
        local_store, officer, approver, second_officer, supervisors):
    records = [stored_record(f"销毁甲{n}") for n in range(3)]
    survivor = stored_record("保留乙")
    objects = set().union(*(objects_of(r) for r in records))
    assert all(local_store.exists(s) for s in objects) and hits("销毁甲1") == [records[1].pk]
    register = filed_register(records, prepared_by=officer, approved_by=approver)

    register = execute(register, second_officer, supervisors)
    assert register.state == RegisterState.EXECUTING and register.executed_by == second_officer
    assert list(register.supervisions.values_list("supervisor__username", flat=True)) == [
        "liu.yang", "huang.wei"]
    items = run_items(register)

    assert register.state == RegisterState.EXECUTED
    for record in records:
        item = items[record.pk]
        assert item.state == ItemState.DESTROYED and item.verified_at and item.destroyed_at
        record.refresh_from_db()
        assert record.status == RecordStatus.DESTROYED and record.archive_code and record.title
        assert not record.original_sha256
        assert not Page.objects.filter(record=record).exclude(text="", object_sha256="").exists()
    assert not any(local_store.exists(s) for s in objects)
    assert set(local_store.list()) >= objects_of(survivor)
    assert not StoredObject.objects.filter(sha256__in=objects).exists()
    assert hits("销毁甲1") == [] and hits("保留乙") == [survivor.pk]
    destroyed = AuditEvent.objects.filter(action="destroy")
    assert destroyed.count() == 3
    assert destroyed.first().details["register"] == register.number
    assert destroyed.first().details["supervisors"] == ["liu.yang", "huang.wei"]
    assert AuditEvent.objects.filter(action="destruction_item_verified").count() == 3
    assert AuditEvent.objects.filter(action="register_executed").count() == 1
    assert_custody_clean()


def test_running_an_item_again_changes_nothing(local_store, officer, approver, second_officer,
                                               supervisors):
    register = filed_register([stored_record("重复")], prepared_by=officer, approved_by=approver)
    items = run_items(execute(register, second_officer, supervisors))
    (item,) = items.values()
    before = AuditEvent.objects.count()
    destruction_item_execute(item_id=item.pk)
    assert AuditEvent.objects.count() == before
    item.refresh_from_db()
    assert item.state == ItemState.DESTROYED and item.attempts == 1


def test_a_hold_placed_after_approval_skips_that_item_and_the_rest_are_destroyed(
        local_store, officer, approver, second_officer, supervisors):
    records = [stored_record(f"冻结后{n}") for n in range(3)]
    register = filed_register(records, prepared_by=officer, approved_by=approver)
    # (numbers.create_numbered takes ``kind`` itself, so it cannot set Hold.kind)
    hold = Hold.objects.create(number="DJ-2026-0901", name="社保基金稽核", kind=HoldKind.AUDIT,
                               reason="稽核未结", placed_by=officer)
    HoldRecord.objects.create(hold=hold, record=records[1])
    register = execute(register, second_officer, supervisors)
    items = run_items(register)
    held = items[records[1].pk]
    assert held.state == ItemState.SKIPPED and hold.number in held.error and "社保基金稽核" in held.error
    assert Record.objects.get(pk=records[1].pk).status == RecordStatus.READY
    assert all(local_store.exists(s) for s in objects_of(records[1]))
    assert hits("冻结后1") == [records[1].pk]
    assert {items[r.pk].state for r in (records[0], records[2])} == {ItemState.DESTROYED}
    assert register.state == RegisterState.EXECUTED
    assert_custody_clean()


def test_a_page_object_shared_by_two_records_survives_the_destruction_of_one(
        client, clerk, local_store, officer, approver, second_officer, supervisors):
    doomed = stored_record("共享甲", pages_count=1)
    keeper = stored_record("共享乙", pages_count=1)
    shared = share_page(doomed.pages.get(), keeper, number=2)
    own = objects_of(doomed) - {shared.object_sha256, shared.thumbnail_sha256}
    register = filed_register([doomed], prepared_by=officer, approved_by=approver)
    items = run_items(execute(register, second_officer, supervisors))
    assert items[doomed.pk].state == ItemState.DESTROYED
    assert local_store.exists(shared.object_sha256) and local_store.exists(shared.thumbnail_sha256)
    assert StoredObject.objects.filter(sha256=shared.object_sha256).exists()
    assert not any(local_store.exists(s) for s in own)
    verified = AuditEvent.objects.get(action="destruction_item_verified")
    assert set(verified.details["kept_shared"]) == {shared.object_sha256, shared.thumbnail_sha256}
    start_visit(client, clerk)
    image = client.get(reverse("counter:page-image", args=[shared.pk]))
    assert image.status_code == 200 and image["Content-Type"].startswith("image/")
    assert_custody_clean()


def test_objects_leave_the_s3_bucket(s3_store, officer, approver, second_officer, supervisors):
    records = [stored_record(f"桶内{n}") for n in range(2)]
    survivor = stored_record("桶外")
    objects = set().union(*(objects_of(r) for r in records))
    assert objects <= set(s3_store.list())
    register = filed_register(records, prepared_by=officer, approved_by=approver)
    items = run_items(execute(register, second_officer, supervisors))
    assert {i.state for i in items.values()} == {ItemState.DESTROYED}
    listed = set(s3_store.list())
    assert not listed & objects and objects_of(survivor) <= listed
    assert_custody_clean()


def test_the_counter_shows_the_tombstone_with_the_register_and_supervisors(
        client, clerk, local_store, officer, approver, second_officer, supervisors,
        django_user_model):
    django_user_model.objects.filter(pk=supervisors[0].pk).update(last_name="刘", first_name="洋")
    django_user_model.objects.filter(pk=supervisors[1].pk).update(last_name="黄", first_name="伟")
    supervisors = [django_user_model.objects.get(pk=s.pk) for s in supervisors]
    record = stored_record("柜台墓碑", pages_count=1)
    register = filed_register([record], prepared_by=officer, approved_by=approver)
    register = execute(register, second_officer, supervisors, method="pulp")
    run_items(register)
    start_visit(client, clerk)
    html = client.get(reverse("counter:record", args=[record.pk])).content.decode()
    assert record.archive_code in html and register.number in html
    for text in ("刘洋、黄伟", "化浆", "本中心档案库房销毁室",
                 timezone.localtime(register.executed_at).date().isoformat()):
        assert text in html, text
    image = client.get(reverse("counter:page-image", args=[record.pages.get().pk]))
    assert image.status_code == 410
