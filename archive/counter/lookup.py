"""Recognise what a clerk typed into the counter's one search box."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from catalog import identifiers
from catalog.identifiers import mask_citizen_id  # noqa: F401  (the counter's mask)
from kernel.han import HAN_CLASS

CITIZEN_ID = "citizen_id"
BAD_CITIZEN_ID = "bad_citizen_id"
CREDIT_CODE = "credit_code"
ORG_CODE = "org_code"
BAD_UNIT_CODE = "bad_unit_code"
UNIT_CODE = "unit_code"  # 电脑编码 / 社保编码: no check digit, matched exactly
ARCHIVE_CODE = "archive_code"
NAME = "name"
WORDS = "words"
EMPTY = "empty"

_ID_LIKE = re.compile(r"^\d{15,17}[\dX]?$")
_CREDIT_LIKE = re.compile(r"^[0-9A-Z]{18}$")
_ORG_LIKE = re.compile(r"^[0-9A-Z]{8}[0-9X]$")
_ARCHIVE_CODE_LIKE = re.compile(r"^[0-9A-Za-z]+([-·][0-9A-Za-z]+){2,}$")
_PLAIN_CODE = re.compile(r"^[0-9A-Za-z]{4,32}$")
# Chinese personal names: two to four characters, a middle dot for minority names.
_NAME = re.compile(rf"^[{HAN_CLASS}]{{2,4}}$|^[{HAN_CLASS}]+·[{HAN_CLASS}]+$")


@dataclass
class Lookup:
    kind: str
    value: str
    message: str = ""  # why a number was refused
    rule: str = ""
    nearest: list[str] = field(default_factory=list)  # valid numbers one slip away


def recognise(text: str) -> Lookup:
    """Return what ``text`` is: an identifier (checked), a 档号, a name or plain words.

    The text is NFKC-normalised first, so full-width digits find the ASCII number;
    digits of other scripts still look like a number and are refused with the reason.
    """
    raw = " ".join(unicodedata.normalize("NFKC", text or "").split())
    if not raw:
        return Lookup(EMPTY, "")
    compact = identifiers.normalize(raw)
    if _ID_LIKE.match(compact):
        check = identifiers.check_citizen_id(compact)
        if check.valid:
            return Lookup(CITIZEN_ID, check.normalized)
        return Lookup(BAD_CITIZEN_ID, compact, check.message, check.rule, nearest_citizen_ids(compact))
    if _ARCHIVE_CODE_LIKE.match(raw):
        return Lookup(ARCHIVE_CODE, raw.upper())
    if _CREDIT_LIKE.match(compact) and not compact.isdigit():
        check = identifiers.check_credit_code(compact)
        if check.valid:
            return Lookup(CREDIT_CODE, check.normalized)
        return Lookup(BAD_UNIT_CODE, compact, check.message, check.rule)
    if _ORG_LIKE.match(compact):
        check = identifiers.check_org_code(compact)
        if check.valid:
            return Lookup(ORG_CODE, check.normalized)
    if _PLAIN_CODE.match(compact):
        return Lookup(UNIT_CODE, compact)
    if _NAME.match(raw):
        return Lookup(NAME, raw)
    return Lookup(WORDS, raw)


def nearest_citizen_ids(number: str) -> list[str]:
    """Return valid ID numbers one typing slip from ``number``, the likeliest first.

    First the same 17 digits with the right check character, then one digit
    changed, then two neighbouring digits swapped; a 17-digit entry gets its
    check character. Only candidates passing every GB 11643 rule are returned.
    """
    candidates: list[str] = []
    if len(number) == 17 and re.fullmatch(r"[0-9]{17}", number):
        candidates.append(number + identifiers.citizen_id_check_char(number))
    elif len(number) == 18 and re.fullmatch(r"[0-9]{17}", number[:17]):
        body = number[:17]
        candidates.append(body + identifiers.citizen_id_check_char(body))
        for i in range(17):
            for digit in "0123456789":
                if digit != body[i]:
                    candidates.append(body[:i] + digit + body[i + 1:] + number[17])
        for i in range(16):
            if body[i] != body[i + 1]:
                candidates.append(body[:i] + body[i + 1] + body[i] + body[i + 2:] + number[17])
    seen: list[str] = []
    for candidate in candidates:
        if candidate not in seen and identifiers.check_citizen_id(candidate).valid:
            seen.append(candidate)
    return seen

