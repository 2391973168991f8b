"""An officer's corrections: each through its service, audited with its reason, refused by rule."""

import datetime as dt

import pytest

from archive.counter.selectors import record_by_archive_code
from archive.selectors import audit_events_for
from catalog import services
from catalog.errors import CatalogError
from catalog.models import LinkSource, Record, RecordCodeAlias, RecordMember, RecordUnit
from tests.catalog import factories

pytestmark = pytest.mark.django_db

REASON = "对照原件更正"


def last_event(record, action):
    event = audit_events_for(record, actions=[action]).last()
    assert event is not None, f"no {action} event"
    return event


def test_a_corrected_title_is_audited_with_its_reason(officer):
    record = factories.record(title="zhangsan-jiaofei")
    services.record_title_correct(actor=officer, record=record, title="张三 缴费核定表",
                                  reason=REASON)
    record.refresh_from_db()
    assert record.title == "张三 缴费核定表"
    event = last_event(record, "correct_title")
    assert event.details["reason"] == REASON and event.actor == officer
    assert event.details["changed"]["title"] == ["zhangsan-jiaofei", "张三 缴费核定表"]


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_without_a_reason_is_refused_in_chinese(officer, reason):
    record = factories.record()
    with pytest.raises(CatalogError) as refused:
        services.record_title_correct(actor=officer, record=record, title="新题名", reason=reason)
    assert refused.value.rule == "reason_required"
    assert "原因" in refused.value.message
    record.refresh_from_db()
    assert record.title != "新题名"


def test_counter_staff_may_not_correct_a_record(clerk):
    record = factories.record()
    with pytest.raises(CatalogError) as refused:
        services.record_title_correct(actor=clerk, record=record, title="新题名", reason=REASON)
    assert refused.value.rule == "permission"


def test_a_corrected_formation_date_moves_the_appraisal_date(officer):
    record = factories.record(stage_code="GL04", formed_on=dt.date(2013, 5, 2))
    services.record_formed_on_correct(actor=officer, record=record, formed_on=dt.date(2013, 9, 1),
                                      reason=REASON)
    record.refresh_from_db()
    assert record.formed_on == dt.date(2013, 9, 1)
    assert record.appraisal_due_on.year == 2023 + 1  # ten years from the year after
    assert last_event(record, "correct_formed_on").details["reason"] == REASON


def test_refiling_gives_a_new_code_and_the_old_one_still_finds_the_record(officer):
    record = factories.record(stage_code="GL04", formed_on=dt.date(2013, 5, 2))
    old = record.archive_code
    services.record_refile(actor=officer, record=record, stage=factories.stage("YL01"),
                           reason=REASON)
    record.refresh_from_db()
    assert record.archive_code != old and record.stage.code == "YL01"
    assert record.category.code == "YL" and record.retention.code == "C"
    assert record_by_archive_code(old) == record
    assert record_by_archive_code(record.archive_code) == record
    assert RecordCodeAlias.objects.get(archive_code=old).record == record
    event = last_event(record, "refile")
    assert event.details["former_archive_code"] == old and event.details["reason"] == REASON


def test_refiling_twice_keeps_every_former_code(officer):
    record = factories.record(stage_code="GL04")
    first = record.archive_code
    services.record_refile(actor=officer, record=record, stage=factories.stage("YL01"),
                           reason=REASON)
    second = Record.objects.get(pk=record.pk).archive_code
    services.record_refile(actor=officer, record=record, stage=factories.stage("GL02"),
                           reason=REASON)
    assert set(record.code_aliases.values_list("archive_code", flat=True)) == {first, second}
    assert record_by_archive_code(first) == record_by_archive_code(second) == record


def test_a_retention_below_the_plan_is_refused_naming_the_rule(officer):
    record = factories.record(stage_code="GL02")  # the plan: H, 100 years
    with pytest.raises(CatalogError) as refused:
        services.record_retention_correct(actor=officer, record=record,
                                          retention=factories.retention("F"), reason=REASON)
    assert refused.value.rule == "below_minimum" and "最低" in refused.value.message
    record.refresh_from_db()
    assert record.retention.code == "H"


def test_a_longer_retention_gives_a_new_code_and_keeps_the_old(officer):
    record = factories.record(stage_code="GL04")  # the plan: F, 10 years
    old = record.archive_code
    services.record_retention_correct(actor=officer, record=record,
                                      retention=factories.retention("Y"), reason=REASON)
    record.refresh_from_db()
    assert record.retention.code == "Y" and record.appraisal_due_on is None
    assert record_by_archive_code(old) == record
    assert last_event(record, "correct_retention").details["reason"] == REASON


def test_sensitivity_is_corrected_with_its_reason(officer):
    record = factories.record()
    services.record_sensitivity_correct(actor=officer, record=record, sensitivity="restricted",
                                        reason=REASON)
    record.refresh_from_db()
    assert record.sensitivity == "restricted"
    assert last_event(record, "sensitivity").details["reason"] == REASON


def test_a_suggested_member_link_is_confirmed_or_dropped(officer):
    kept = services.member_create(actor=None, id_number=factories.citizen_id(), name="张三")
    wrong = services.member_create(actor=None, id_number=factories.citizen_id(seq="003"),
                                   name="")
    record = factories.record()
    for member in (kept, wrong):
        services.record_link_member(actor=None, record=record, member=member,
                                    source=LinkSource.SUGGESTED)
    services.record_link_confirm(actor=officer, record=record, member=kept, reason=REASON)
    services.record_link_drop(actor=officer, record=record, member=wrong, reason="号码误识")
    assert RecordMember.objects.get(record=record, member=kept).source == LinkSource.MANUAL
    assert not RecordMember.objects.filter(record=record, member=wrong).exists()
    assert last_event(record, "link_confirm").details["member"] == kept.id_number
    dropped = last_event(record, "link_drop").details
    assert dropped["member"] == wrong.id_number and dropped["reason"] == "号码误识"


def test_a_unit_link_is_dropped_and_a_missing_one_refused(officer):
    unit = services.unit_create(actor=None, name="某某公司", credit_code=factories.credit_code())
    record = factories.record(units=[unit])
    services.record_link_drop(actor=officer, record=record, unit=unit, reason=REASON)
    assert not RecordUnit.objects.filter(record=record).exists()
    with pytest.raises(CatalogError) as refused:
        services.record_link_confirm(actor=officer, record=record, unit=unit, reason=REASON)
    assert refused.value.rule == "not_linked"


def test_pages_are_corrected_and_a_reversed_range_refused(officer):
    record = factories.record(page_start=1, page_end=2)
    services.record_pages_correct(actor=officer, record=record, page_start=1, page_end=4,
                                  reason=REASON)
    record.refresh_from_db()
    assert record.page_end == 4
    assert last_event(record, "correct_pages").details["reason"] == REASON
    with pytest.raises(CatalogError) as refused:
        services.record_pages_correct(actor=officer, record=record, page_start=5, page_end=3,
                                      reason=REASON)
    assert refused.value.rule == "page_range"


def test_a_record_moves_into_a_volume_of_its_stage_with_a_new_code(officer):
    volume = factories.volume(stage_code="ZJ01", year=2013)
    record = factories.record(stage_code="ZJ01", formed_on=dt.date(2013, 5, 2))
    old = record.archive_code
    with pytest.raises(CatalogError) as refused:
        services.record_volume_correct(actor=officer, record=record, volume=volume, reason=REASON)
    assert refused.value.rule == "page_required"
    services.record_pages_correct(actor=officer, record=record, page_start=7, page_end=8,
                                  reason=REASON)
    services.record_volume_correct(actor=officer, record=record, volume=volume, reason=REASON)
    record.refresh_from_db()
    assert record.volume == volume and record.archive_code.endswith("-1-7-H")
    assert record_by_archive_code(old) == record
    other = factories.record(stage_code="GL04", formed_on=dt.date(2013, 5, 2))
    with pytest.raises(CatalogError) as refused:
        services.record_volume_correct(actor=officer, record=other, volume=volume, reason=REASON)
    assert refused.value.rule == "volume_mismatch"
