"""Identifier checks against the standards' own worked examples and broken variants."""

import datetime as dt

import pytest

from catalog.identifiers import check_any, check_citizen_id, check_credit_code, check_org_code


def test_citizen_id_standard_example_is_valid():
    result = check_citizen_id("11010519491231002X")
    assert result.valid and result.normalized == "11010519491231002X"


def test_citizen_id_lower_case_x_is_accepted_and_upper_cased():
    assert check_citizen_id("11010519491231002x").normalized == "11010519491231002X"


@pytest.mark.parametrize("value, rule", [
    ("110105194912310021", "check_digit"),     # MOD 11-2 gives X
    ("11010519490231002X", "birth_date"),      # 31 February
    ("110105194913310029", "birth_date"),      # month 13
    ("11010521491231002X", "birth_date"),      # born in 2149
    ("1101051949123100", "length"),
    ("11010519491231002Y", "characters"),
    ("1101O519491231002X", "characters"),      # letter O for zero
    ("99010519491231002X", "region"),
])
def test_citizen_id_failures_name_the_rule(value, rule):
    result = check_citizen_id(value, today=dt.date(2026, 11, 23))
    assert not result.valid
    assert result.rule == rule
    assert result.message


def test_org_code_standard_example_is_valid_with_or_without_hyphen():
    assert check_org_code("D2143569-X").valid
    assert check_org_code("D2143569X").valid


def test_org_code_with_wrong_check_digit_is_refused():
    result = check_org_code("D2143569-1")
    assert (result.valid, result.rule) == (False, "check_digit")


def test_credit_code_valid_sample():
    assert check_credit_code("91350100M000100Y43").valid


def test_credit_code_whose_check_value_is_31_is_written_0():
    # Independent arithmetic: the weighted sum of the first 17 characters is a multiple of 31.
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    code = "91110108MA00021250"
    assert sum(alphabet.index(c) * w for c, w in zip(code[:17], weights)) % 31 == 0
    assert check_credit_code(code).valid
    assert check_credit_code(code[:17] + "1").rule == "check_digit"


@pytest.mark.parametrize("value, rule", [
    ("91350100M000100Y44", "check_digit"),
    ("91350100M000100YI3", "characters"),      # I is not in the alphabet
    ("9135O100M000100Y43", "characters"),      # O is not either
    ("91350100M00010", "length"),
    ("91AB0100M000100Y43", "region"),
])
def test_credit_code_failures_name_the_rule(value, rule):
    result = check_credit_code(value)
    assert (result.valid, result.rule) == (False, rule)


def test_credit_code_with_a_bad_organisation_code_inside_is_refused():
    # Characters 9-17 are "MA0002126" whose GB 11714 check is 5, yet the MOD 31 check is right.
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    first17 = "91110108MA0002126"
    check = alphabet[(31 - sum(alphabet.index(c) * w for c, w in zip(first17, weights)) % 31) % 31]
    result = check_credit_code(first17 + check)
    assert (result.valid, result.rule) == (False, "org_code")


def test_check_any_recognises_each_kind():
    assert check_any("11010519491231002X").kind == "citizen_id"
    assert check_any("91350100M000100Y43").kind == "credit_code"
    assert check_any("D2143569-X").kind == "org_code"
    assert check_any("12345").kind == "unknown"


def _arabic_indic(ascii_digits: str) -> str:
    return ascii_digits.translate({ord(d): chr(0x0660 + int(d)) for d in "0123456789"})


def _full_width(ascii_text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in ascii_text)


def test_arabic_indic_digits_are_refused_by_the_characters_rule():
    number = "11" + _arabic_indic("0105194912310") + "02X"  # 11٠١٠٥١٩٤٩١٢٣١٠02X
    for result in (check_citizen_id(number), check_any(number)):
        assert not result.valid
        assert result.rule == "characters"
        assert result.message


def test_other_non_ascii_digits_are_refused_in_every_kind():
    devanagari = "११०१०५१९४९१२३१००२X"
    assert check_citizen_id(devanagari).rule == "characters"
    assert check_org_code(_arabic_indic("12345678") + "9").rule == "characters"
    code = "91350100M0001000"
    assert check_credit_code(_arabic_indic(code[:2]) + code[2:] + "00").rule == "characters"


def test_full_width_identifiers_are_normalised_to_ascii():
    result = check_citizen_id(_full_width("11010519491231002X"))
    assert result.valid and result.normalized == "11010519491231002X"
    assert check_citizen_id(_full_width("11010519491231002x")).normalized == "11010519491231002X"
    org = check_org_code(_full_width("D2143569-X"))
    assert org.valid and org.normalized == "D2143569X"
    from tests.catalog.factories import credit_code
    credit = check_credit_code(_full_width(credit_code()))
    assert credit.valid and credit.normalized == credit_code()
    assert check_any(_full_width("11010519491231002X")).normalized == "11010519491231002X"


def test_validate_id_command_refuses_arabic_indic_digits(capsys):
    from django.core.management import call_command

    with pytest.raises(SystemExit) as exit_:
        call_command("validate_id", "11" + _arabic_indic("0105194912310") + "02X")
    assert exit_.value.code == 1
    assert "[characters]" in capsys.readouterr().out
