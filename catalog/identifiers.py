"""Check Chinese identifiers by their national standards.

- 公民身份号码 (citizen ID number, GB 11643-1999): 17 digits and a MOD 11-2
  check character, with a real birth date. It is also the social-security number.
- 统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters
  over a 31-character alphabet, MOD 31 check; characters 9-17 are an
  organisation code with its own check.
- 组织机构代码 (organisation code, GB 11714-1997): 8 characters and a MOD 11 check.

Every check returns an ``IdentifierCheck`` saying which rule failed, so the
message can tell an officer what to correct.

Values are normalised first (Unicode NFKC, so full-width ``１１０…`` becomes
``110…``); after that only ASCII digits and letters count, and any other digit
(Arabic-Indic ``٠١٢``, Devanagari …) is refused by the ``characters`` rule, so
one number has exactly one stored form.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from kernel import clock

CITIZEN_ID = "citizen_id"
CREDIT_CODE = "credit_code"
ORG_CODE = "org_code"
UNKNOWN = "unknown"

KIND_LABELS = {
    CITIZEN_ID: "公民身份号码",
    CREDIT_CODE: "统一社会信用代码",
    ORG_CODE: "组织机构代码",
    UNKNOWN: "未知",
}

# GB 11643: weight of position i is 2^(17-i) mod 11; check value maps to this table.
_CITIZEN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CITIZEN_CHECK = "10X98765432"
# GB/T 2260 province-level codes: the first two digits of every citizen ID number.
_PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
    "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
    "63", "64", "65", "71", "81", "82", "83",
}

# GB 32100: the alphabet leaves out I, O, S, V and Z.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")

# GB 11714: body characters are digits or capital letters (A=10 … Z=35).
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_ORG_SHAPE = re.compile(r"^[0-9A-Z]{8}[0-9X]$")


@dataclass(frozen=True)
class IdentifierCheck:
    """The outcome of checking one value: kind, normalised value, validity and why."""

    value: str
    kind: str
    valid: bool
    normalized: str = ""
    rule: str = ""
    message: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def normalize(value: str) -> str:
    """Apply NFKC, strip spaces and hyphens and upper-case, as officers type them in many ways."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value or "")).upper()


def _foreign_digits(norm: str) -> str:
    """Return the digits of ``norm`` that are not ASCII 0-9, each once, in order."""
    return "".join(dict.fromkeys(ch for ch in norm if ch.isdigit() and not ch.isascii()))


def _refuse_foreign_digits(value: str, kind: str, norm: str) -> IdentifierCheck | None:
    bad = _foreign_digits(norm)
    if not bad:
        return None
    return _fail(value, kind, "characters",
                 _("Only the digits 0-9 are allowed; %(bad)s are digits of another script.")
                 % {"bad": bad})


def _fail(value: str, kind: str, rule: str, message: str) -> IdentifierCheck:
    return IdentifierCheck(value=value, kind=kind, valid=False, rule=rule, message=message)


def citizen_id_check_char(first17: str) -> str:
    """Return the GB 11643 MOD 11-2 check character of 17 digits."""
    total = sum(int(ch) * w for ch, w in zip(first17, _CITIZEN_WEIGHTS, strict=True))
    return _CITIZEN_CHECK[total % 11]


def check_citizen_id(value: str, *, today: dt.date | None = None) -> IdentifierCheck:
    """Check a 公民身份号码: length, characters, region, birth date, check character.

    A lower-case ``x`` is accepted and normalised to ``X``: clerks type both.
    """
    norm = normalize(value)
    kind = CITIZEN_ID
    if len(norm) != 18:
        return _fail(value, kind, "length",
                     _("A citizen ID number has 18 characters, this one has %(n)d.") % {"n": len(norm)})
    if refused := _refuse_foreign_digits(value, kind, norm):
        return refused
    if not re.fullmatch(r"[0-9]{17}[0-9X]", norm):
        return _fail(value, kind, "characters",
                     _("A citizen ID number is 17 digits followed by a digit or X."))
    if norm[:2] not in _PROVINCES:
        return _fail(value, kind, "region",
                     _("The first two digits %(code)s are not a province code (GB/T 2260).")
                     % {"code": norm[:2]})
    try:
        born = dt.date(int(norm[6:10]), int(norm[10:12]), int(norm[12:14]))
    except ValueError:
        return _fail(value, kind, "birth_date",
                     _("Digits 7-14 (%(date)s) are not a real date of birth.") % {"date": norm[6:14]})
    today = today or clock.today()
    if born > today or born.year < 1850:
        return _fail(value, kind, "birth_date",
                     _("The date of birth %(date)s is impossible.") % {"date": born.isoformat()})
    expected = citizen_id_check_char(norm[:17])
    if norm[17] != expected:
        return _fail(value, kind, "check_digit",
                     _("The check character is %(got)s but MOD 11-2 gives %(want)s.")
                     % {"got": norm[17], "want": expected})
    return IdentifierCheck(value=value, kind=kind, valid=True, normalized=norm)


def org_code_check_char(body: str) -> str:
    """Return the GB 11714 check character of an 8-character organisation code body."""
    total = sum(_char_value(ch) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _char_value(ch: str) -> int:
    return int(ch) if "0" <= ch <= "9" else ord(ch) - ord("A") + 10


def check_org_code(value: str) -> IdentifierCheck:
    """Check a 组织机构代码, written with or without its hyphen (``12345678-9``)."""
    norm = normalize(value)
    kind = ORG_CODE
    if len(norm) != 9:
        return _fail(value, kind, "length",
                     _("An organisation code has 9 characters, this one has %(n)d.") % {"n": len(norm)})
    if refused := _refuse_foreign_digits(value, kind, norm):
        return refused
    if not _ORG_SHAPE.match(norm):
        return _fail(value, kind, "characters",
                     _("An organisation code is 8 digits or capital letters and a check digit or X."))
    expected = org_code_check_char(norm[:8])
    if norm[8] != expected:
        return _fail(value, kind, "check_digit",
                     _("The check character is %(got)s but GB 11714 gives %(want)s.")
                     % {"got": norm[8], "want": expected})
    return IdentifierCheck(value=value, kind=kind, valid=True, normalized=norm)


def credit_code_check_char(first17: str) -> str:
    """Return the GB 32100 MOD 31 check character; a check value of 31 is written 0."""
    total = sum(_USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def check_credit_code(value: str) -> IdentifierCheck:
    """Check a 统一社会信用代码 and the organisation code inside it."""
    norm = normalize(value)
    kind = CREDIT_CODE
    if len(norm) != 18:
        return _fail(value, kind, "length",
                     _("A unified social credit code has 18 characters, this one has %(n)d.")
                     % {"n": len(norm)})
    if refused := _refuse_foreign_digits(value, kind, norm):
        return refused
    if not _USCC_SHAPE.match(norm):
        bad = sorted({ch for ch in norm if ch not in _USCC_ALPHABET})
        return _fail(value, kind, "characters",
                     _("Characters %(bad)s are not allowed (GB 32100 leaves out I, O, S, V, Z).")
                     % {"bad": "".join(bad)})
    if not re.fullmatch(r"[0-9]{6}", norm[2:8]):
        return _fail(value, kind, "region",
                     _("Characters 3-8 must be the digits of an administrative region code."))
    expected = credit_code_check_char(norm[:17])
    if norm[17] != expected:
        return _fail(value, kind, "check_digit",
                     _("The check character is %(got)s but MOD 31 gives %(want)s.")
                     % {"got": norm[17], "want": expected})
    org = check_org_code(norm[8:17])
    if not org.valid:
        return _fail(value, kind, "org_code",
                     _("The organisation code inside it (characters 9-17) fails: %(why)s")
                     % {"why": org.message})
    return IdentifierCheck(value=value, kind=kind, valid=True, normalized=norm)


def check_any(value: str) -> IdentifierCheck:
    """Recognise the kind of an identifier and check it.

    An 18-character value is tried as a citizen ID first and as a credit code
    second; when both fail, the failure of the more likely kind is reported.
    """
    norm = normalize(value)
    if len(norm) == 18:
        citizen = check_citizen_id(value)
        if citizen.valid:
            return citizen
        credit = check_credit_code(value)
        if credit.valid:
            return credit
        looks_citizen = bool(re.fullmatch(r"[0-9]{17}[0-9X]", norm)) or (
            bool(_foreign_digits(norm)) and all(ch.isdigit() or ch == "X" for ch in norm))
        return citizen if looks_citizen else credit
    if len(norm) == 9:
        return check_org_code(value)
    if len(norm) == 15 and re.fullmatch(r"[0-9]{15}", norm):
        return _fail(value, CITIZEN_ID, "length",
                     _("15-digit citizen ID numbers (before 1999) must be entered in their 18-digit form."))
    return _fail(value, UNKNOWN, "length",
                 _("Not a citizen ID number (18), credit code (18) or organisation code (9): "
                   "%(n)d characters.") % {"n": len(norm)})


def mask_citizen_id(number: str) -> str:
    """Show the region and the last four characters only (110105********002X)."""
    if len(number) != 18:
        return "*" * len(number)
    return number[:6] + "*" * 8 + number[14:]
