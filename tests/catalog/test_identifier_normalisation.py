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


def test_the_migration_moves_other_apps_references_to_the_kept_unit():
    from ingest.core.models import BusinessType, CoreDocument
    from tests.ingest import factories as ingest

    code = factories.credit_code()
    kept = Unit.objects.create(name="某某科技有限公司", credit_code=code)
    wide = Unit.objects.create(name="", credit_code=full_width(code))
    client, _token = ingest.core_client()
    document = CoreDocument.objects.create(
        client=client, idempotency_key="k1", request_sha256="0" * 64, record=factories.record(),
        business_type=BusinessType.objects.first(), declaration_id="SB1", unit=wide,
        response_status=201)

    _migration().normalise_identifiers(apps, None)

    document.refresh_from_db()
    assert document.unit_id == kept.pk and not Unit.objects.filter(pk=wide.pk).exists()


def test_the_migration_runs_on_the_historical_models_of_its_state():
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    kept = Member.objects.create(id_number=ID, name="张三")
    wide = Member.objects.create(id_number=full_width(ID), name="")
    record = factories.record(members=[wide])
    state = MigrationLoader(connection).project_state(("catalog", "0007_normalise_identifiers"))

    _migration().normalise_identifiers(state.apps, None)

    assert list(Member.objects.values_list("pk", flat=True)) == [kept.pk]
    assert list(record.members.all()) == [kept]
