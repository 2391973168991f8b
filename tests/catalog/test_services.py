"""Catalogue services refuse bad input with the field and rule, and roll back."""

import datetime as dt

import pytest

from catalog.errors import CatalogError, IdentifierError
from catalog.models import Member, Record, Unit
from catalog.services import member_create, record_create, unit_create
from tests.catalog import factories

pytestmark = pytest.mark.django_db


def test_member_with_an_invalid_id_number_is_refused_naming_the_rule(officer):
    with pytest.raises(IdentifierError) as exc:
        member_create(actor=officer, id_number="110105194912310021", name="张三")
    assert (exc.value.field, exc.value.rule) == ("id_number", "check_digit")
    assert not Member.objects.exists()


def test_member_id_number_is_stored_normalised(officer):
    member = member_create(actor=officer, id_number="11010519491231002x", name=" 张三 ")
    assert (member.id_number, member.name) == ("11010519491231002X", "张三")


def test_a_member_cannot_be_entered_twice(officer):
    member_create(actor=officer, id_number=factories.citizen_id(), name="张三")
    with pytest.raises(CatalogError) as exc:
        member_create(actor=officer, id_number=factories.citizen_id(), name="张三")
    assert (exc.value.field, exc.value.rule) == ("id_number", "unique")


def test_unit_takes_its_organisation_code_from_the_credit_code(officer):
    unit = unit_create(actor=officer, name="某某有限公司", credit_code="91350100M000100Y43")
    assert unit.org_code == "M000100Y4"


def test_unit_with_a_mismatched_organisation_code_is_refused(officer):
    with pytest.raises(IdentifierError) as exc:
        unit_create(actor=officer, name="某某有限公司", credit_code="91350100M000100Y43",
                    org_code="D2143569-X")
    assert (exc.value.field, exc.value.rule) == ("org_code", "mismatch")
    assert "组织机构代码 D2143569X 与统一社会信用代码" in exc.value.message
    assert not Unit.objects.exists()


def test_record_links_members_and_units(officer):
    member = member_create(actor=officer, id_number=factories.citizen_id(), name="张三")
    unit = unit_create(actor=officer, name="某某有限公司", credit_code="91350100M000100Y43")
    record = factories.record(actor=officer, members=[member], units=[unit])
    assert list(record.members.all()) == [member]
    assert list(unit.records.all()) == [record]


def test_record_stage_must_match_its_volume(officer):
    volume = factories.volume(stage_code="ZJ01", year=2009)
    with pytest.raises(CatalogError) as exc:
        record_create(actor=officer, volume=volume, stage=factories.stage("GL01"),
                      formed_on=dt.date(2009, 1, 5), title="错放", page_start=1)
    assert (exc.value.field, exc.value.rule) == ("stage", "volume_mismatch")
    assert exc.value.message.startswith("业务环节与案卷")
    assert not Record.objects.exists()


def test_record_page_range_must_run_forward(officer):
    volume = factories.volume(stage_code="ZJ01", year=2009)
    with pytest.raises(CatalogError) as exc:
        factories.record(volume=volume, formed_on=dt.date(2009, 1, 5), page_start=9, page_end=3)
    assert exc.value.rule == "page_range"
    assert "3" in exc.value.message and "9" in exc.value.message
    assert "page" not in exc.value.message  # the officer reads Chinese


def test_sensitivity_change_without_a_reason_is_refused_in_chinese(officer):
    from catalog.services import record_sensitivity_set

    record = factories.record(actor=officer)
    with pytest.raises(CatalogError) as exc:
        record_sensitivity_set(actor=officer, record=record, sensitivity="restricted", reason=" ")
    assert (exc.value.field, exc.value.rule, exc.value.message) == (
        "reason", "required", "请填写变更理由")


def test_records_filter_by_filing_form(officer):
    volume = factories.volume(stage_code="ZJ01", year=2009)
    bound = factories.record(volume=volume, formed_on=dt.date(2009, 1, 5), page_start=1)
    alone = factories.record(stage_code="GL01")
    assert list(Record.objects.in_volume()) == [bound]
    assert list(Record.objects.filed_alone()) == [alone]
