"""What the counter's search box recognises, and the nearest valid ID numbers it offers."""

import pytest

from archive.counter import lookup
from catalog.identifiers import check_citizen_id
from tests.catalog.factories import citizen_id, credit_code, org_code

VALID = citizen_id()  # 11010519491231002X


@pytest.mark.parametrize("typed, kind, value", [
    (VALID, lookup.CITIZEN_ID, VALID),
    (VALID.lower(), lookup.CITIZEN_ID, VALID),
    (f" {VALID[:6]} {VALID[6:14]} {VALID[14:]} ", lookup.CITIZEN_ID, VALID),
    (credit_code(), lookup.CREDIT_CODE, credit_code()),
    (org_code()[:8] + "-" + org_code()[8], lookup.ORG_CODE, org_code()),
    ("0211-GL·2013-Y-0001", lookup.ARCHIVE_CODE, "0211-GL·2013-Y-0001"),
    ("0211-2009-ZJ-ZJ01-1-50-h", lookup.ARCHIVE_CODE, "0211-2009-ZJ-ZJ01-1-50-H"),
    ("DN20130045", lookup.UNIT_CODE, "DN20130045"),
    ("王建国", lookup.NAME, "王建国"),
    ("阿依古丽·买买提", lookup.NAME, "阿依古丽·买买提"),
    ("工伤认定 决定书", lookup.WORDS, "工伤认定 决定书"),
    ("缴费基数核定表", lookup.WORDS, "缴费基数核定表"),
    ("   ", lookup.EMPTY, ""),
])
def test_the_box_recognises_what_was_typed(typed, kind, value):
    found = lookup.recognise(typed)
    assert (found.kind, found.value) == (kind, value)


def test_a_wrong_check_digit_is_named_and_the_corrected_number_comes_first():
    wrong = VALID[:17] + "5"
    found = lookup.recognise(wrong)
    assert found.kind == lookup.BAD_CITIZEN_ID
    assert found.rule == "check_digit"
    assert "MOD 11-2" in found.message and "X" in found.message
    assert found.nearest[0] == VALID
    assert all(check_citizen_id(n).valid for n in found.nearest)


def test_a_mistyped_digit_has_the_intended_number_among_the_nearest():
    typo = VALID[:10] + "8" + VALID[11:]  # one digit of the birth date slipped
    found = lookup.recognise(typo)
    assert found.kind == lookup.BAD_CITIZEN_ID
    assert VALID in found.nearest
    swapped = VALID[:12] + VALID[13] + VALID[12] + VALID[14:]  # two digits swapped
    assert VALID in lookup.recognise(swapped).nearest


def test_seventeen_digits_are_offered_their_check_character():
    found = lookup.recognise(VALID[:17])
    assert found.kind == lookup.BAD_CITIZEN_ID and found.rule == "length"
    assert found.nearest == [VALID]


def test_an_impossible_birth_date_is_refused_with_its_rule():
    found = lookup.recognise("110105" + "19491331" + "0021")
    assert found.kind == lookup.BAD_CITIZEN_ID and found.rule == "birth_date"


def test_a_credit_code_with_a_wrong_check_character_is_refused():
    good = credit_code()
    bad = good[:17] + ("1" if good[17] != "1" else "2")
    found = lookup.recognise(bad)
    assert found.kind == lookup.BAD_UNIT_CODE and found.rule == "check_digit"


def test_masking_keeps_region_and_last_four():
    assert lookup.mask_citizen_id(VALID) == "110105********002X"
