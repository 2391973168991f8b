"""Destruction registers (销毁清册): built per fonds, frozen at submission, approved, filed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import ProtectedError

from archive.models import AuditEvent, StoredObject
from archive.roles import group_name
from archive.services import fixity_check_run
from catalog.models import Record
from kernel import clock
from kernel.errors import DomainError
from retention import services
from retention.errors import RetentionError
from retention.models import (
    Decision,
    DestructionItem,
    DestructionRegister,
    Hold,
    HoldKind,
    HoldRecord,
    ItemState,
    RegisterState,
)
from retention.numbers import create_numbered
from retention.reports.register_content import content_digest, is_accounting_record, years_kept
from retention.workflows import REGISTER_LIFECYCLE
from tests.catalog import factories as catalog
from tests.retention.batches import closed_batch
from tests.retention.factories import due_record

pytestmark = pytest.mark.django_db


def hold(record, *, kind=HoldKind.LITIGATION, placed_by, name="劳动争议仲裁"):
    """Place a hold on ``record`` directly (the holds services are another branch's)."""
    # create_numbered's own ``kind`` parameter shadows Hold.kind: set it afterwards.
    found = create_numbered(Hold, "hold", name=name, reason="案件未结", placed_by=placed_by)
    Hold.objects.filter(pk=found.pk).update(kind=kind)
    found.kind = kind
    HoldRecord.objects.create(hold=found, record=record)
    return found


def refused(rule, call, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert caught.value.rule == rule, caught.value.described()
    return caught.value


def built(officer, records, **kwargs):
    return services.register_build(actor=officer, batch=closed_batch(records, **kwargs))


def test_the_register_lists_the_destroy_decisions_of_its_batch_and_fonds(officer):
    here = [due_record(), due_record()]
    kept = due_record()
    registers = built(officer, [*here, kept], decisions={kept.pk: Decision.KEEP})
    # A batch appraises one fonds (order No. 3: one register per fonds), so one register.
    assert [r.fonds.code for r in registers] == ["0211"]
    (register,) = registers
    assert [i.record for i in register.items.order_by("serial")] == sorted(
        here, key=lambda r: r.archive_code)
    assert [i.serial for i in register.items.order_by("serial")] == [1, 2]
    assert register.state == RegisterState.DRAFT and register.number.startswith("XH-")
    assert AuditEvent.objects.filter(action="register_build").count() == 1


def test_a_batch_not_yet_decided_or_already_registered_is_refused(officer, appraisers):
    from kernel import clock
    from retention.services import appraisal_open, appraisal_submit

    open_batch = appraisal_open(actor=officer, title="未结束的鉴定", due_by=clock.today(),
                                members=appraisers, records=[due_record()])
    appraisal_submit(actor=officer, batch=open_batch)
    refused("batch_not_closed", services.register_build, actor=officer, batch=open_batch)
    record = due_record()
    batch = closed_batch([record])
    services.register_build(actor=officer, batch=batch)
    # The appraisal refuses a record twice in open work; the register checks again itself.
    error = refused("already_registered", services.register_build, actor=officer, batch=batch)
    assert record.archive_code in error.message


def test_a_held_record_is_left_out_with_the_hold_in_its_note_and_refused_by_hand(officer):
    free, held = due_record(), due_record()
    batch = closed_batch([free, held])  # a hold placed after the appraisal, before the register
    placed = hold(held, placed_by=officer)
    (register,) = services.register_build(actor=officer, batch=batch)
    item = register.items.get(record=held)
    assert item.state == ItemState.EXCLUDED and placed.number in item.note
    assert register.items.get(record=free).state == ItemState.LISTED
    # Added by hand to another draft register of the same batch: refused, naming code and hold.
    DestructionItem.objects.filter(pk=item.pk).update(state=ItemState.EXCLUDED)
    other = DestructionRegister.objects.create(number="XH-TEST-1", batch=register.batch,
                                               fonds=register.fonds, prepared_by=officer)
    error = refused("held", services.register_item_add, actor=officer, register=other,
                    record=held)
    assert held.archive_code in error.message and placed.number in error.message


def test_a_hold_placed_after_the_build_refuses_the_submission(officer):
    record = due_record()
    (register,) = built(officer, [record])
    placed = hold(record, placed_by=officer)
    error = refused("held", services.register_submit, actor=officer, register=register)
    assert placed.number in error.message
    services.register_item_exclude(actor=officer, item=register.items.get(), note="冻结")
    refused("empty", services.register_submit, actor=officer, register=register)


def test_an_unsettled_voucher_is_listed_apart_and_never_destroyed(officer):
    voucher, plain = due_record(stage_code="ZJ02.01", formed_on=dt.date(1990, 5, 1)), due_record()
    batch = closed_batch([voucher, plain])
    placed = hold(voucher, kind=HoldKind.UNSETTLED, placed_by=officer, name="应收未收款项")
    (register,) = services.register_build(actor=officer, batch=batch)
    item = register.items.get(record=voucher)
    assert item.state == ItemState.EXCLUDED
    assert "未了事项" in item.note and placed.number in item.note
    services.register_signatories_set(actor=officer, register=register, unit_head="张伟",
                                      archives_head="李静", accounting_head="王强",
                                      handler="赵敏")
    register = services.register_submit(actor=officer, register=register)
    item.refresh_from_db()
    assert item.state == ItemState.EXCLUDED and item.row["excluded"] is True
    other = DestructionRegister.objects.create(number="XH-TEST-2", batch=register.batch,
                                               fonds=register.fonds, prepared_by=officer)
    refused("unsettled", services.register_item_add, actor=officer, register=other,
            record=voucher)


def test_accounting_records_are_those_of_order_79():
    assert is_accounting_record(catalog.record(stage_code="ZJ02.01"))
    assert is_accounting_record(catalog.record(stage_code="YL04.02"))
    assert not is_accounting_record(catalog.record(stage_code="GL04"))
    assert not is_accounting_record(catalog.record(stage_code="ZJ01"))


def test_an_accounting_register_needs_the_order_79_signatories_before_submission(officer):
    (register,) = built(officer, [due_record(stage_code="ZJ02.01", formed_on=dt.date(1990, 5, 1))])
    assert register.is_accounting
    error = refused("signatories_missing", services.register_submit, actor=officer,
                    register=register)
    assert error.field == "signatories" and "会计机构负责人" in error.message
    services.register_signatories_set(actor=officer, register=register, unit_head="张伟",
                                      archives_head="李静", accounting_head="王强")
    error = refused("signatories_missing", services.register_submit, actor=officer,
                    register=register)
    assert "经办人" in error.message and "单位负责人" not in error.message
    services.register_signatories_set(actor=officer, register=register, handler="赵敏")
    assert services.register_submit(actor=officer, register=register).state == "submitted"


def test_the_author_cannot_approve_and_the_approver_can(officer, approver):
    officer.groups.add(Group.objects.get(name=group_name("approver")))
    (register,) = built(officer, [due_record()])
    services.register_submit(actor=officer, register=register)
    refused("author_cannot_approve", services.register_approve, actor=officer, register=register)
    refused("permission", services.register_submit, actor=approver, register=register)
    register = services.register_approve(actor=approver, register=register)
    assert register.state == "approved" and register.approved_by == approver
    assert register.approved_at is not None


def test_a_refusal_needs_its_reason_and_sends_the_register_back_to_draft(officer, approver):
    (register,) = built(officer, [due_record()])
    services.register_submit(actor=officer, register=register)
    refused("required", services.register_refuse, actor=approver, register=register, reason=" ")
    register = services.register_refuse(actor=approver, register=register, reason="题名有误，请核对")
    assert register.state == RegisterState.DRAFT
    assert register.refusal_reason == "题名有误，请核对" and register.content_sha256 == ""
    event = AuditEvent.objects.filter(action="register_refuse").get()
    assert event.details["reason"] == "题名有误，请核对"
    register = services.register_submit(actor=officer, register=register)
    assert register.state == "submitted" and register.refusal_reason == ""


def test_submission_freezes_the_rows_and_records_the_content_hash(officer):
    record = due_record(formed_on=dt.date(2010, 3, 15))
    (register,) = built(officer, [record])
    register = services.register_submit(actor=officer, register=register)
    row = register.items.get().row
    assert row["archive_code"] == record.archive_code and row["title"] == record.title
    assert row["retention"] == "10年" and row["dates"] == "2010年 / 2010-03-15"
    assert row["kept_years"] == years_kept(record.formed_on, clock.today())
    assert row["reason"] and row["serial"] == 1
    assert len(register.content_sha256) == 64
    assert register.content_sha256 == content_digest(register)
    event = AuditEvent.objects.filter(action="register_submit", object_id=str(register.pk)).get()
    assert event.details["content_sha256"] == register.content_sha256
    # Frozen: the content cannot change any more.
    refused("frozen", services.register_signatories_set, actor=officer, register=register,
            unit_head="张伟")
    refused("frozen", services.register_item_exclude, actor=officer, item=register.items.get(),
            note="改变主意")
    refused("frozen", services.register_item_add, actor=officer, register=register,
            record=due_record())
    # A change behind the services' back is caught when the register is approved.
    Record.objects.filter(pk=record.pk).update(title="改过的题名")
    DestructionItem.objects.filter(register=register).update(row={**row, "title": "改过的题名"})
    refused("content_changed", services.register_approve,
            actor=_approver_user(), register=register)


def _approver_user():
    from django.contrib.auth import get_user_model
    user = get_user_model().objects.create_user("other.head", password="correct-horse-42")
    user.groups.add(Group.objects.get(name=group_name("approver")))
    return user


def test_years_kept_count_from_the_next_first_of_january():
    assert years_kept(dt.date(2010, 3, 15), dt.date(2026, 12, 2)) == 15
    assert years_kept(dt.date(2010, 12, 31), dt.date(2021, 1, 1)) == 10
    assert years_kept(dt.date(2010, 12, 31), dt.date(2020, 12, 31)) == 9
    assert years_kept(dt.date(2026, 1, 5), dt.date(2026, 6, 1)) == 0


def _approved(officer, approver, records=None):
    (register,) = built(officer, records or [due_record()])
    services.register_submit(actor=officer, register=register)
    return services.register_approve(actor=approver, register=register)


def test_the_filing_records_its_date_and_reference(officer, approver):
    register = _approved(officer, approver)
    refused("required", services.register_file, actor=officer, register=register,
            filed_on=clock.today(), reference="")
    refused("future_date", services.register_file, actor=officer, register=register,
            filed_on=clock.today() + dt.timedelta(days=1), reference="人社档备〔2026〕12号")
    register = services.register_file(actor=officer, register=register, filed_on=clock.today(),
                                       reference="人社档备〔2026〕12号")
    register.refresh_from_db()
    assert register.state == "filed" and register.filed_on == clock.today()
    assert register.filing_reference == "人社档备〔2026〕12号"
    event = AuditEvent.objects.filter(action="register_file").get()
    assert event.details["reference"] == "人社档备〔2026〕12号"


def _executed(officer, approver, register=None):
    """Take a filed register through execution as the execution helper's service would."""
    register = register or _approved(officer, approver)
    register = services.register_file(actor=officer, register=register, filed_on=clock.today(),
                                       reference="人社档备〔2026〕12号")
    register = REGISTER_LIFECYCLE.apply(register, "register_execute", actor=None)
    return REGISTER_LIFECYCLE.apply(register, "register_executed", actor=None)


def test_closing_files_the_register_as_a_permanent_record_with_fixity(officer, approver,
                                                                      local_store):
    register = _approved(officer, approver)
    refused("not_executed", services.register_archive, actor=officer, register=register)
    register = services.register_close(actor=officer, register=_executed(officer, approver,
                                                                         register))
    register.refresh_from_db()
    assert register.state == "closed" and register.closed_at is not None
    record = register.filed_record
    assert record.retention.code == "Y" and record.appraisal_due_on is None
    assert record.status == "ready" and record.fonds == register.fonds
    assert record.stage.code == "JH03" and register.number in record.title
    assert local_store.exists(record.original_sha256)
    assert local_store.get(record.original_sha256).startswith(b"%PDF")
    assert StoredObject.objects.filter(sha256=record.original_sha256).exists()
    assert fixity_check_run(actor=None).ok
    # Idempotent: archiving again gives the same record back and stores nothing new.
    assert services.register_archive(actor=officer, register=register) == record
    assert AuditEvent.objects.filter(action="register_archive").count() == 1


def test_an_accounting_register_is_filed_under_its_categorys_register_stage(officer, approver,
                                                                           local_store):
    (register,) = built(officer, [due_record(stage_code="YL04.01", formed_on=dt.date(1990, 5, 1))])
    services.register_signatories_set(actor=officer, register=register, unit_head="张伟",
                                      archives_head="李静", accounting_head="王强",
                                      handler="赵敏")
    services.register_submit(actor=officer, register=register)
    register = _executed(officer, approver,
                         services.register_approve(actor=approver, register=register))
    record = services.register_archive(actor=officer, register=register)
    assert record.stage.code == "YL04.10" and record.retention.code == "Y"


def test_registers_and_their_records_are_never_deleted(officer, approver, local_store):
    register = services.register_close(actor=officer, register=_executed(officer, approver))
    register.refresh_from_db()
    # PROTECT from its rows refuses first; a register without rows is refused by the receiver.
    empty = DestructionRegister.objects.create(number="XH-TEST-3", batch=register.batch,
                                               fonds=register.fonds, prepared_by=officer)
    attempts = [(ProtectedError, register.delete),
                (ProtectedError, DestructionRegister.objects.filter(pk=register.pk).delete),
                (RetentionError, register.items.first().delete),
                (RetentionError, empty.delete),
                (ProtectedError, Record.objects.get(pk=register.filed_record_id).delete)]
    for error, delete in attempts:
        with pytest.raises(error), transaction.atomic():
            delete()
    assert DestructionRegister.objects.filter(pk=register.pk).exists()
    assert not Permission.objects.filter(content_type__app_label="retention",
                                         codename__startswith="delete_").exists()
