"""档号 templates: render, parse back, and filing records under both forms."""

import datetime as dt

import pytest

from catalog.archive_codes import ArchiveCodeParts, ArchiveCodeTemplate
from catalog.errors import ArchiveCodeError
from catalog.services import record_create
from tests.catalog import factories

SEED = "{fonds}-{year}-{category}-{stage}-{volume}-{page}-{retention}"
DAT22 = "{fonds}-{category}·{year}-{retention}-{item:04}"


def test_seed_template_renders_and_parses_back():
    template = ArchiveCodeTemplate(SEED)
    parts = ArchiveCodeParts(fonds="0211", year=2009, category="ZJ", stage="ZJ01", volume=1,
                             page=50, retention="Y")
    assert template.render(parts) == "0211-2009-ZJ-ZJ01-1-50-Y"
    assert template.parse("0211-2009-ZJ-ZJ01-1-50-Y") == parts


def test_seed_template_without_fonds_matches_the_published_example():
    template = ArchiveCodeTemplate("{year}-{category}-{stage}-{volume}-{page}-{retention}")
    assert template.parse("2009-ZJ-ZJ01-1-50-Y").stage == "ZJ01"


def test_stage_codes_with_dots_round_trip():
    template = ArchiveCodeTemplate(SEED)
    parts = ArchiveCodeParts(fonds="0211", year=2016, category="ZJ", stage="ZJ02.01", volume=12,
                             page=3, retention="D")
    assert template.parse(template.render(parts)) == parts


def test_dat22_item_form_renders_zero_padded_and_parses_back():
    template = ArchiveCodeTemplate(DAT22)
    parts = ArchiveCodeParts(fonds="0211", year=2013, category="GL", item=1, retention="Y")
    assert template.render(parts) == "0211-GL·2013-Y-0001"
    assert template.parse("0211-GL·2013-Y-0001") == parts


def test_template_with_unknown_field_is_refused():
    with pytest.raises(ArchiveCodeError) as exc:
        ArchiveCodeTemplate("{fonds}-{shelf}")
    assert exc.value.rule == "unknown_field"


def test_template_with_adjacent_fields_is_refused_as_ambiguous():
    with pytest.raises(ArchiveCodeError) as exc:
        ArchiveCodeTemplate("{year}{category}")
    assert exc.value.rule == "ambiguous"


def test_rendering_without_a_required_component_names_it():
    with pytest.raises(ArchiveCodeError) as exc:
        ArchiveCodeTemplate(SEED).render(ArchiveCodeParts(fonds="0211", year=2009))
    assert exc.value.field == "category"


def test_parsing_a_code_of_another_shape_is_refused():
    with pytest.raises(ArchiveCodeError):
        ArchiveCodeTemplate(SEED).parse("0211-GL·2013-Y-0001")


@pytest.mark.django_db
def test_record_in_a_volume_gets_the_seed_scheme_code():
    volume = factories.volume(stage_code="ZJ01", year=2009, number=1)
    record = factories.record(volume=volume, formed_on=dt.date(2009, 3, 1), page_start=50,
                              page_end=58)
    assert record.archive_code == "0211-2009-ZJ-ZJ01-1-50-H"
    assert record.volume_number == 1 and record.code_stage == "ZJ01"


@pytest.mark.django_db
def test_items_filed_alone_are_numbered_in_sequence_in_the_dat22_form():
    first = factories.record(stage_code="GL01", formed_on=dt.date(2013, 4, 1))
    second = factories.record(stage_code="GL01", formed_on=dt.date(2013, 9, 1))
    assert (first.archive_code, second.archive_code) == ("0211-GL·2013-Y-0001", "0211-GL·2013-Y-0002")


@pytest.mark.django_db
def test_a_duplicate_archive_code_is_refused_and_nothing_is_written(officer):
    from catalog.models import Record
    factories.record(stage_code="GL01", formed_on=dt.date(2013, 4, 1), item_number=7)
    before = Record.objects.count()
    with pytest.raises(ArchiveCodeError) as exc:
        record_create(actor=officer, fonds=factories.fonds(), stage=factories.stage("GL01"),
                      formed_on=dt.date(2013, 6, 1), title="重复", item_number=7)
    assert (exc.value.field, exc.value.rule) == ("archive_code", "unique")
    assert Record.objects.count() == before


@pytest.mark.django_db
def test_editing_a_category_code_keeps_codes_already_written():
    from catalog.models import Category
    from catalog.services import category_update
    record = factories.record(stage_code="GL01", formed_on=dt.date(2013, 4, 1))
    category = Category.objects.get(code="GL")
    category_update(actor=None, category=category, code="GX", name=category.name)
    record.refresh_from_db()
    assert record.archive_code == "0211-GL·2013-Y-0001"
    later = factories.record(stage_code="GL01", formed_on=dt.date(2014, 1, 5))
    assert later.archive_code.startswith("0211-GX·2014-")
