"""Suggest a record's business stage from its text, and find identifiers in it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from catalog.identifiers import check_citizen_id, check_credit_code
from catalog.models import Stage

_SPLIT = re.compile(r"[、，,；;：:。．.（）()\s/]+")
_GENERIC = {"材料", "相关", "审核", "表单", "登记", "及", "等", "的", "业务", "社会保险", "相关材料"}
_DATE = re.compile(r"(19[5-9]\d|20[0-4]\d)\s*年\s*(1[0-2]|0?[1-9])\s*月\s*(3[01]|[12]\d|0?[1-9])\s*日")
_CITIZEN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_CREDIT = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")


@dataclass(frozen=True)
class Suggestion:
    stage_code: str | None
    confidence: float
    scores: dict[str, float]


@lru_cache(maxsize=1)
def _stage_terms() -> dict[str, list[tuple[str, float]]]:
    """Terms per stage: its name (weighted most) and the phrases of its filing scope."""
    terms: dict[str, list[tuple[str, float]]] = {}
    for stage in Stage.objects.all():
        name = stage.name.removesuffix("材料")
        found = [(name, 3.0)] if len(name) >= 2 else []
        for phrase in _SPLIT.split(stage.scope):
            phrase = phrase.strip()
            if len(phrase) >= 3 and phrase not in _GENERIC:
                found.append((phrase, 1.0))
        terms[stage.code] = found
    return terms


def suggest_stage(text: str) -> Suggestion:
    """Score every stage by its terms found in ``text``; confidence is the winner's share."""
    compact = re.sub(r"\s+", "", text)
    scores = {}
    for code, terms in _stage_terms().items():
        score = sum(weight * len(term) for term, weight in terms if term in compact)
        if score:
            scores[code] = float(score)
    if not scores:
        return Suggestion(None, 0.0, {})
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best_code, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = round(best / (best + runner_up), 3) if best else 0.0
    return Suggestion(best_code, confidence, dict(ranked[:5]))


def find_date(text: str) -> dt.date | None:
    """Return the latest plausible date written as YYYY年M月D日 in the text."""
    dates = []
    for year, month, day in _DATE.findall(text):
        try:
            dates.append(dt.date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return max(dates) if dates else None


def find_identifiers(text: str) -> tuple[list[str], list[str]]:
    """Return the citizen ID numbers and credit codes in ``text`` whose check digits hold."""
    compact = text.replace(" ", "")
    citizens = sorted({check_citizen_id(m).normalized for m in _CITIZEN.findall(compact)
                       if check_citizen_id(m).valid})
    credits = sorted({m for m in _CREDIT.findall(compact) if check_credit_code(m).valid})
    return citizens, credits
