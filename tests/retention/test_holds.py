"""Placing, changing and releasing holds: each refusal names its rule, each step is audited."""

import datetime as dt

import pytest

from archive.models import AuditEvent
from catalog.models import Record
from retention import selectors, services
from retention.errors import RetentionError
from retention.models import Hold, HoldKind, HoldState
from tests.catalog import factories as catalog
from tests.retention.factories import due_record
from tests.retention.holds import hold

AS_OF = dt.date(2026, 12, 1)


def _refused(rule: str, **kwargs) -> RetentionError:
    with pytest.raises(RetentionError) as caught:
        services.hold_place(**kwargs)
    assert caught.value.rule == rule, caught.value.with_rule()
    return caught.value


def _place(officer, **overrides):
    return {"actor": officer, "name": "诉讼", "kind": HoldKind.LITIGATION, "reason": "法院调卷",
            **overrides}


@pytest.mark.parametrize("overrides, rule, field", [
    ({"name": "  "}, "name_required", "name"),
    ({"reason": ""}, "reason_required", "reason"),
    ({"kind": "lawsuit"}, "unknown_kind", "kind"),
    ({"records": ()}, "no_scope", "records"),
    ({"records": (), "year_from": 2012, "year_to": 2010}, "year_range", "year_from"),
])
def test_placing_a_hold_is_refused_with_its_rule(officer, overrides, rule, field):
    record = due_record()
    error = _refused(rule, **_place(officer, records=[record]) | overrides)
    assert error.field == field
    assert not Hold.objects.exists()
    assert not AuditEvent.objects.filter(action="hold_place").exists()


def test_a_stage_outside_the_category_is_refused(officer):
    error = _refused("stage_not_in_category", **_place(
        officer, category=catalog.stage("YL01").category, stage=catalog.stage("GL04")))
    assert error.field == "stage" and "GL04" in error.message


def test_a_stage_alone_holds_its_category(officer):
    placed = hold(officer, stage=catalog.stage("GL04"))
    assert placed.category == catalog.stage("GL04").category


def test_placing_a_hold_needs_the_right(clerk):
    _refused("permission", **_place(clerk, records=[due_record()]))


def test_a_destroyed_record_cannot_be_held(officer):
    gone = catalog.destroyed(due_record())
    _refused("record_destroyed", **_place(officer, records=[gone]))


def test_placing_is_audited_with_scope_and_records(officer):
    chosen = [due_record(), due_record()]
    placed = hold(officer, records=chosen, kind=HoldKind.UNSETTLED, name="未了事项凭证",
                  category=catalog.stage("GL04").category, year_from=2010)
    assert placed.number.startswith("DJ-") and placed.state == HoldState.ACTIVE
    assert placed.placed_by == officer
    event = AuditEvent.objects.get(action="hold_place")
    assert event.actor_id == officer.pk and event.object_id == str(placed.pk)
    assert event.details["kind"] == "unsettled" and event.details["reason"] == "稽核中"
    assert event.details["scope"] == {"category": "GL", "year_from": 2010}
    assert sorted(event.details["records"]) == sorted(r.pk for r in chosen)
    assert event.details["covered"] == 2
    assert selectors.is_unsettled_voucher(chosen[0])


def test_a_rule_hold_catches_a_record_filed_later(officer):
    member = catalog.services.member_create(actor=None, id_number=catalog.citizen_id(),
                                            name="张三")
    placed = hold(officer, member=member)
    assert selectors.hold_records(placed).count() == 0
    later = due_record(members=[member])
    unrelated = due_record()
    assert selectors.holds_covering(later) == [placed]
    assert later not in set(selectors.due_records(as_of=AS_OF))
    assert unrelated in set(selectors.due_records(as_of=AS_OF))


def test_a_record_under_several_holds_stays_held_until_the_last_is_released(officer):
    record = due_record()
    audit = hold(officer, records=[record])
    lawsuit = hold(officer, kind=HoldKind.LITIGATION, name="仲裁",
                   category=catalog.stage("GL04").category)
    assert selectors.holds_covering(record) == [audit, lawsuit]
    services.hold_release(actor=officer, hold=audit, reason="稽核已结")
    assert selectors.holds_covering(record) == [lawsuit]
    assert record not in set(selectors.due_records(as_of=AS_OF))
    services.hold_release(actor=officer, hold=lawsuit, reason="仲裁终结")
    assert selectors.holds_covering(record) == []
    assert record in set(selectors.due_records(as_of=AS_OF))


def test_release_records_who_when_and_why_and_is_audited(officer):
    placed = hold(officer, records=[due_record()])
    released = services.hold_release(actor=officer, hold=placed, reason="稽核已结")
    assert released.state == HoldState.RELEASED
    assert released.released_by == officer and released.release_reason == "稽核已结"
    assert released.released_at is not None
    event = AuditEvent.objects.get(action="hold_release")
    assert event.actor_id == officer.pk
    assert event.details["reason"] == "稽核已结" and event.details["to"] == "released"
    assert event.details["covered"] == 1


def test_release_needs_a_reason_the_right_and_an_active_hold(officer, clerk):
    placed = hold(officer, records=[due_record()])
    with pytest.raises(RetentionError) as caught:
        services.hold_release(actor=officer, hold=placed, reason=" ")
    assert caught.value.rule == "reason_required"
    from kernel.errors import DomainError
    with pytest.raises(DomainError) as caught:
        services.hold_release(actor=clerk, hold=placed, reason="无")
    assert caught.value.rule == "permission"
    services.hold_release(actor=officer, hold=placed, reason="稽核已结")
    with pytest.raises(DomainError) as caught:
        services.hold_release(actor=officer, hold=placed, reason="再次")
    assert caught.value.rule == "transition"
    assert Hold.objects.get(pk=placed.pk).release_reason == "稽核已结"


def test_change_adds_and_removes_records_and_is_audited(officer):
    first, second = due_record(), due_record()
    placed = hold(officer, records=[first])
    changed = services.hold_change(actor=officer, hold=placed, reason="补充调卷",
                                   name="稽核（补充）", add_records=[second],
                                   remove_records=[first])
    assert changed.name == "稽核（补充）"
    assert set(selectors.hold_records(changed)) == {second}
    assert selectors.holds_covering(first) == []
    event = AuditEvent.objects.get(action="hold_change")
    assert event.actor_id == officer.pk and event.details["reason"] == "补充调卷"
    assert event.details["changed"] == {"name": ["稽核", "稽核（补充）"],
                                        "records_added": [second.pk],
                                        "records_removed": [first.pk]}


def test_change_of_the_rule_is_checked_and_audited(officer):
    placed = hold(officer, category=catalog.stage("GL04").category)
    with pytest.raises(RetentionError) as caught:
        services.hold_change(actor=officer, hold=placed, reason="缩小范围", year_from=2015,
                             year_to=2011)
    assert caught.value.rule == "year_range"
    services.hold_change(actor=officer, hold=placed, reason="缩小范围", year_from=2010)
    event = AuditEvent.objects.get(action="hold_change")
    assert event.details["changed"]["scope"] == [{"category": "GL"},
                                                 {"category": "GL", "year_from": 2010}]


def test_change_is_refused_without_reason_scope_or_change_and_once_released(officer):
    record = due_record()
    placed = hold(officer, records=[record])
    for kwargs, rule in (({"reason": "", "name": "新"}, "reason_required"),
                         ({"reason": "无", "name": "稽核"}, "no_change"),
                         ({"reason": "移出", "remove_records": [record]}, "no_scope"),
                         ({"reason": "改", "kind": "lawsuit"}, "unknown_kind")):
        with pytest.raises(RetentionError) as caught:
            services.hold_change(actor=officer, hold=placed, **kwargs)
        assert caught.value.rule == rule
    assert selectors.holds_covering(record) == [placed]
    services.hold_release(actor=officer, hold=placed, reason="结束")
    with pytest.raises(RetentionError) as caught:
        services.hold_change(actor=officer, hold=placed, reason="改名", name="新名")
    assert caught.value.rule == "not_active"
    assert not AuditEvent.objects.filter(action="hold_change").exists()


def test_hold_records_applies_the_viewers_visibility(officer, clerk):
    normal = due_record()
    restricted = due_record(sensitivity="restricted")
    placed = hold(officer, records=[normal, restricted])
    assert set(selectors.hold_records(placed, user=officer)) == {normal, restricted}
    assert set(selectors.hold_records(placed, user=clerk)) == {normal}
    assert Record.objects.count() == 2
