"""Appraisal batches: a group of three, frozen items, opinions in bulk, the conservative decision."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.models import AuditEvent
from catalog import services as catalog_services
from catalog.models import Record
from retention import selectors, services
from retention.errors import RetentionError
from retention.models import AppraisalItem, BatchState, Decision, HoldKind, HoldRecord
from tests.catalog import factories as catalog
from tests.retention.factories import due_record

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 12, 1)
POSTS = ("head", "business", "archivist")


def group(appraisers):
    return [(user, post, index == 0) for index, (user, post) in enumerate(zip(appraisers, POSTS))]


def open_batch(officer, appraisers, *, submit=True, **kwargs):
    kwargs.setdefault("due_by", AS_OF)
    batch = services.appraisal_open(actor=officer, title="2026年度到期档案鉴定",
                                    members=group(appraisers), **kwargs)
    if submit:
        batch = services.appraisal_submit(actor=officer, batch=batch)
    return batch


def refused(rule, call, **kwargs) -> RetentionError:
    with pytest.raises(RetentionError) as caught:
        call(**kwargs)
    assert caught.value.rule == rule, (caught.value.rule, caught.value.message)
    return caught.value


def opinions(batch, appraisers, *decisions, records=None):
    for member, decision in zip(appraisers, decisions):
        retention = None
        if isinstance(decision, tuple):
            decision, code = decision
            retention = catalog.retention(code)
        services.appraisal_opinion(actor=member, batch=batch, decision=decision,
                                   retention=retention, reason="仍有查考价值" if retention else "",
                                   records=records)


def decisions(batch) -> dict[int, tuple[str, str | None]]:
    return {item.record_id: (item.decision, item.decided_retention.code
                             if item.decided_retention else None)
            for item in AppraisalItem.objects.filter(batch=batch).select_related(
                "decided_retention")}


# --- the group ----------------------------------------------------------------------------

def test_a_group_of_fewer_than_three_is_refused(officer, appraisers):
    due_record()
    error = refused("members_min_three", services.appraisal_open, actor=officer, title="鉴定",
                    due_by=AS_OF, members=group(appraisers)[:2])
    assert "三" in error.message or "3" in error.message
    assert not selectors.due_records(as_of=AS_OF).filter(appraisal_items__isnull=False).exists()


def test_the_same_person_twice_and_a_non_appraiser_are_refused(officer, appraisers):
    due_record()
    twice = [*group(appraisers)[:2], (appraisers[0], "other", False)]
    refused("member_twice", services.appraisal_open, actor=officer, title="鉴定", due_by=AS_OF,
            members=twice)
    outsider = [*group(appraisers)[:2], (officer, "archivist", False)]
    refused("member_not_appraiser", services.appraisal_open, actor=officer, title="鉴定",
            due_by=AS_OF, members=outsider)


def test_the_opener_needs_the_right_and_need_not_be_a_member(officer, appraisers):
    due_record()
    refused("permission", services.appraisal_open, actor=appraisers[0], title="鉴定",
            due_by=AS_OF, members=group(appraisers))
    batch = open_batch(officer, appraisers, submit=False)
    assert batch.opened_by == officer
    assert list(batch.members.values_list("post", "is_leader")) == [
        ("head", True), ("business", False), ("archivist", False)]


# --- items --------------------------------------------------------------------------------

def test_open_takes_the_due_records_but_not_held_or_young_ones(officer, appraisers):
    due, held = due_record(), due_record()
    young = catalog.record(stage_code="GL04", formed_on=dt.date(2020, 3, 1))
    from retention.models import Hold
    hold = Hold.objects.create(number="DJ-T-1", name="稽核", reason="稽核中",
                               kind=HoldKind.AUDIT, placed_by=officer)
    HoldRecord.objects.create(hold=hold, record=held)
    batch = open_batch(officer, appraisers, submit=False)
    items = {item.record_id: item for item in batch.items.all()}
    assert set(items) == {due.pk}
    assert items[due.pk].retention_code == "F" and items[due.pk].due_on == dt.date(2021, 1, 1)
    assert batch.fonds == due.fonds and batch.state == BatchState.DRAFT
    event = AuditEvent.objects.filter(action="appraisal_open").get()
    assert event.details["items"] == 1
    for record, rule in ((young, "not_due"), (held, "held"), (due, "batched")):
        error = refused(rule, services.appraisal_open, actor=officer, title="鉴定",
                        due_by=AS_OF, members=group(appraisers), records=[record])
        assert record.archive_code in error.message


def test_items_are_frozen_when_the_batch_is_submitted(officer, appraisers):
    first, second, later = due_record(), due_record(), due_record()
    batch = open_batch(officer, appraisers, submit=False, records=[first])
    assert services.appraisal_items_add(actor=officer, batch=batch, records=[second]) == 1
    assert services.appraisal_items_remove(actor=officer, batch=batch, records=[first]) == 1
    batch = services.appraisal_submit(actor=officer, batch=batch)
    assert batch.state == BatchState.SUBMITTED and batch.submitted_at
    assert batch.items_sha256 == services.items_digest(batch) and len(batch.items_sha256) == 64
    refused("frozen", services.appraisal_items_add, actor=officer, batch=batch, records=[later])
    refused("frozen", services.appraisal_items_remove, actor=officer, batch=batch,
            records=[second])
    assert list(batch.items.values_list("record_id", flat=True)) == [second.pk]
    submitted = AuditEvent.objects.get(action="appraisal_submit")
    assert submitted.details["items_sha256"] == batch.items_sha256
    # The record taken out went back to the due list.
    assert first in selectors.due_records(as_of=AS_OF)


# --- opinions -----------------------------------------------------------------------------

def test_only_members_give_opinions_and_only_under_appraisal(officer, appraisers, django_user_model):
    due_record()
    draft = open_batch(officer, appraisers, submit=False)
    refused("not_under_appraisal", services.appraisal_opinion, actor=appraisers[0], batch=draft,
            decision="destroy")
    batch = services.appraisal_submit(actor=officer, batch=draft)
    from tests.conftest import _role_user
    stranger = _role_user(django_user_model, "qian.hui", "appraisal_member")
    refused("not_member", services.appraisal_opinion, actor=stranger, batch=batch,
            decision="destroy")
    refused("permission", services.appraisal_opinion, actor=officer, batch=batch,
            decision="destroy")


def test_an_extension_must_be_longer_and_give_its_reason(officer, appraisers):
    record = due_record()  # GL04: F, 10 years
    batch = open_batch(officer, appraisers)
    member = appraisers[0]
    for code in ("F", "G"):
        error = refused("extension_not_longer", services.appraisal_opinion, actor=member,
                        batch=batch, decision="extend", retention=catalog.retention(code),
                        reason="仍需查考")
        assert record.archive_code in error.message
    refused("retention_required", services.appraisal_opinion, actor=member, batch=batch,
            decision="extend", reason="仍需查考")
    refused("reason_required", services.appraisal_opinion, actor=member, batch=batch,
            decision="extend", retention=catalog.retention("D"))
    assert services.appraisal_opinion(actor=member, batch=batch, decision="extend",
                                      retention=catalog.retention("E"), reason="仍需查考") == 1


def test_bulk_opinions_with_an_exception_decide_each_item(officer, appraisers):
    kept, gone = due_record(), due_record()
    batch = open_batch(officer, appraisers)
    opinions(batch, appraisers, "destroy", "destroy", "destroy")
    services.appraisal_opinion(actor=appraisers[1], batch=batch, decision="extend",
                               retention=catalog.retention("D"), reason="待遇争议未了",
                               records=[kept])
    event = AuditEvent.objects.filter(action="appraisal_opinion").order_by("sequence").last()
    assert event.details["count"] == 1 and event.details["records"] == [kept.pk]
    services.appraisal_close(actor=officer, batch=batch)
    assert decisions(batch) == {kept.pk: ("extend", "D"), gone.pk: ("destroy", None)}
    item = AppraisalItem.objects.get(batch=batch, record=kept)
    assert item.decision_reason == "待遇争议未了" and item.applied_at


@pytest.mark.parametrize(("given", "expected"), [
    (("destroy", "destroy", ("extend", "E")), ("extend", "E")),
    ((("extend", "D"), ("extend", "C"), "destroy"), ("extend", "C")),  # 50 years beats 30
    ((("extend", "C"), "keep", "destroy"), ("keep", "Y")),
    (("destroy", "destroy", "destroy"), ("destroy", None)),
])
def test_the_most_conservative_opinion_decides(officer, appraisers, given, expected):
    record = due_record()
    batch = open_batch(officer, appraisers)
    opinions(batch, appraisers, *given)
    closed = services.appraisal_close(actor=officer, batch=batch)
    assert closed.state == BatchState.CLOSED and closed.closed_by == officer
    assert decisions(batch) == {record.pk: expected}


def test_closing_with_opinions_missing_is_refused_and_counts_them(officer, appraisers):
    due_record(), due_record()
    batch = open_batch(officer, appraisers)
    opinions(batch, appraisers, "destroy", "destroy")
    error = refused("opinions_missing", services.appraisal_close, actor=officer, batch=batch)
    assert "2" in error.message
    batch.refresh_from_db()
    assert batch.state == BatchState.SUBMITTED
    assert not AppraisalItem.objects.filter(batch=batch).exclude(decision="").exists()


def test_an_extension_resets_retention_and_due_date_and_survives_a_schedule_change(
        officer, appraisers):
    extended, untouched = due_record(), due_record()
    old_code = extended.archive_code
    batch = open_batch(officer, appraisers)
    opinions(batch, appraisers, "destroy", "destroy", "destroy")
    opinions(batch, appraisers, ("extend", "D"), records=[extended])
    services.appraisal_close(actor=officer, batch=batch)
    extended.refresh_from_db()
    assert extended.retention.code == "D"
    assert extended.appraisal_due_on == dt.date(2041, 1, 1)  # formed 2010, 30 years
    assert extended.archive_code != old_code and "D" in extended.archive_code
    assert AuditEvent.objects.filter(action="extend_retention", object_id=str(extended.pk)).exists()
    # A new, longer schedule version for the stage recomputes due dates: it extends the
    # record kept at 10 years and leaves the 30-year extension alone.
    catalog_services.stage_retention_change(actor=officer, stage=catalog.stage("GL04"), years=15,
                                            effective_from=dt.date(2026, 6, 1), basis="测试")
    extended.refresh_from_db()
    untouched.refresh_from_db()
    assert extended.retention.code == "D" and extended.appraisal_due_on == dt.date(2041, 1, 1)
    assert untouched.appraisal_due_on == dt.date(2026, 1, 1)  # 15 years now govern
    # The destroy decision keeps the other record out of the due list until it is destroyed.
    assert untouched not in selectors.due_records(as_of=AS_OF)


def test_an_extension_of_a_record_in_a_volume_keeps_the_volumes_code(officer, appraisers):
    volume = catalog.volume(stage_code="GL04", year=2010)
    record = catalog.record(volume=volume, formed_on=dt.date(2010, 3, 15), page_start=1,
                            page_end=2)
    if record.status != "ready":
        record = catalog_services.record_transition(actor=None, record=record, transition="ready")
    code = record.archive_code
    batch = open_batch(officer, appraisers)
    opinions(batch, appraisers, "destroy", "keep", "destroy")
    services.appraisal_close(actor=officer, batch=batch)
    record.refresh_from_db()
    assert record.retention.code == "Y" and record.appraisal_due_on is None
    assert record.archive_code == code


# --- in bulk ------------------------------------------------------------------------------

def _many_due(count: int) -> list[int]:
    model = due_record()
    rows = [Record(fonds_id=model.fonds_id, year=model.year, category_id=model.category_id,
                   stage_id=model.stage_id, retention_id=model.retention_id,
                   title=f"批量件 {n}", formed_on=model.formed_on, status="ready",
                   appraisal_due_on=model.appraisal_due_on, archive_code=f"{model.archive_code}-{n}",
                   code_retention=model.code_retention)
            for n in range(count - 1)]
    Record.objects.bulk_create(rows, batch_size=1000)
    return [model.pk, *(row.pk for row in rows)]


def test_opinions_on_two_thousand_items_take_a_bounded_number_of_queries(
        officer, appraisers, django_assert_max_num_queries):
    ids = _many_due(2000)
    with django_assert_max_num_queries(30):
        batch = open_batch(officer, appraisers, submit=False)
    batch = services.appraisal_submit(actor=officer, batch=batch)
    assert batch.items.count() == 2000
    for member in appraisers:
        with django_assert_max_num_queries(20):
            assert services.appraisal_opinion(actor=member, batch=batch,
                                              decision="destroy") == 2000
    with django_assert_max_num_queries(20):
        services.appraisal_opinion(actor=appraisers[0], batch=batch, decision="extend",
                                   retention=catalog.retention("D"), reason="复核",
                                   records=ids[:500])
    with django_assert_max_num_queries(40):
        services.appraisal_opinion(actor=appraisers[0], batch=batch, decision="destroy",
                                   records=ids[:500])
        services.appraisal_close(actor=officer, batch=batch)
    assert set(AppraisalItem.objects.filter(batch=batch).values_list("decision", flat=True)) == {
        Decision.DESTROY}
