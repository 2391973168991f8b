"""Identifiers typed with non-ASCII digits: one stored form, and old rows merged."""

import importlib

import pytest
from django.apps import apps

from catalog import services
from catalog.errors import IdentifierError
from catalog.models import Member, RecordMember, RecordUnit, Unit
from tests.catalog import factories

pytestmark = pytest.mark.django_db
ID = factories.citizen_id()  # 11010519491231002X
OTHER_ID = factories.citizen_id(seq="003")


def full_width(ascii_text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in ascii_text)


def arabic_indic(ascii_text: str) -> str:
    return ascii_text.translate({ord(d): chr(0x0660 + int(d)) for d in "0123456789"})


def test_a_member_typed_in_full_width_digits_is_stored_and_found_in_ascii():
    member = services.member_create(actor=None, id_number=full_width(ID), name="张三")
    assert Member.objects.get(pk=member.pk).id_number == ID
    assert services.member_get_or_create(actor=None, id_number=ID) == member
    assert services.member_get_or_create(actor=None, id_number=full_width(ID.lower())) == member
    assert Member.objects.count() == 1


def test_a_member_typed_in_arabic_indic_digits_is_refused():
    with pytest.raises(IdentifierError) as refused:
        services.member_create(actor=None, id_number="11" + arabic_indic(ID[2:17]) + "X", name="张三")
    assert refused.value.rule == "characters"
    assert not Member.objects.exists()


def test_a_unit_typed_in_full_width_is_stored_in_ascii():
    unit = services.unit_create(actor=None, name="某某科技有限公司",
                                credit_code=full_width(factories.credit_code()))
    unit.refresh_from_db()
    assert unit.credit_code == factories.credit_code()
    assert unit.org_code == factories.credit_code()[8:17]
    assert services.unit_get_or_create(actor=None, credit_code=factories.credit_code()) == unit


def _migration():
    return importlib.import_module("catalog.migrations.0007_normalise_identifiers")


def test_the_migration_merges_members_whose_number_normalises_to_another():
    kept = Member.objects.create(id_number=ID, name="张三")
    wide = Member.objects.create(id_number=full_width(ID), name="")
    arabic = Member.objects.create(id_number=arabic_indic(ID[:17]) + "X", name="张三")
    alone = Member.objects.create(id_number=full_width(OTHER_ID.lower()), name="李四")
    both = factories.record(members=[kept, wide])
    only_wide = factories.record(members=[wide])
    only_arabic = factories.record(members=[arabic])
    alone_record = factories.record(members=[alone])

    _migration().normalise_identifiers(apps, None)

    assert list(Member.objects.values_list("id_number", flat=True).order_by("id_number")) == [
        ID, OTHER_ID]
    assert not Member.objects.filter(pk__in=[wide.pk, arabic.pk]).exists()
    for record in (both, only_wide, only_arabic):
        assert list(RecordMember.objects.filter(record=record).values_list("member", flat=True)) \
            == [kept.pk]
    alone.refresh_from_db()
    assert alone.id_number == OTHER_ID and alone.name == "李四"
    assert list(alone_record.members.all()) == [alone]


def test_the_migration_fills_a_blank_name_from_the_merged_duplicate():
    kept = Member.objects.create(id_number=ID, name="")
    Member.objects.create(id_number=full_width(ID), name="张三")
    _migration().normalise_identifiers(apps, None)
    kept.refresh_from_db()
    assert kept.name == "张三" and Member.objects.count() == 1


def test_the_migration_merges_units_by_credit_code_and_normalises_org_codes():
    code = factories.credit_code()
    kept = Unit.objects.create(name="某某科技有限公司", credit_code=code, org_code=code[8:17])
    wide = Unit.objects.create(name="", credit_code=full_width(code), org_code=full_width(code[8:17]),
                               ss_code="SB0001")
    org_only = Unit.objects.create(name="某某事业单位", org_code=full_width("D2143569X"))
    both = factories.record(units=[kept, wide])
    only_wide = factories.record(units=[wide])

    _migration().normalise_identifiers(apps, None)

    assert not Unit.objects.filter(pk=wide.pk).exists()
    kept.refresh_from_db()
    assert kept.ss_code == "SB0001" and kept.name == "某某科技有限公司"
    for record in (both, only_wide):
        assert list(RecordUnit.objects.filter(record=record).values_list("unit", flat=True)) \
            == [kept.pk]
    org_only.refresh_from_db()
    assert org_only.org_code == "D2143569X"


def test_the_migration_leaves_ascii_identifiers_untouched():
    member = Member.objects.create(id_number=ID, name="张三")
    unit = Unit.objects.create(name="某某", credit_code=factories.credit_code())
    _migration().normalise_identifiers(apps, None)
    assert Member.objects.get().pk == member.pk and Member.objects.get().id_number == ID
    assert Unit.objects.get().pk == unit.pk
