"""The batch's decision on an item from its members' opinions (pure: no database).

The most conservative opinion governs (order No. 3 art. 11): keeping permanently
beats an extension, an extension beats destruction, and among extensions the
longest period wins — the catalogue's "longer governs" rule, where no years
means permanent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .models import Decision

RANK = {Decision.DESTROY: 0, Decision.EXTEND: 1, Decision.KEEP: 2}


@dataclass(frozen=True)
class Opinion:
    """One member's opinion as the decision needs it."""

    decision: str
    retention_id: int | None = None
    years: int | None = None  # of ``retention_id``; None with an id means permanent
    reason: str = ""


@dataclass(frozen=True)
class Outcome:
    decision: str
    retention_id: int | None
    reason: str


def _key(opinion: Opinion) -> tuple[int, int]:
    rank = RANK[Decision(opinion.decision)]
    if opinion.decision != Decision.EXTEND:
        return rank, 0
    # Longer governs; permanent (None years) is longer than any number of years.
    years = opinion.years
    return rank, 10_000 if years is None else years


def most_conservative(opinions: Iterable[Opinion]) -> Outcome:
    """Return the decision the opinions lead to, with the reasons of those who gave it."""
    opinions = list(opinions)
    if not opinions:
        raise ValueError("no opinion to decide from")
    best = max(opinions, key=_key)
    winners = [o for o in opinions if _key(o) == _key(best)]
    reasons = list(dict.fromkeys(o.reason.strip() for o in winners if o.reason.strip()))
    return Outcome(decision=best.decision, retention_id=best.retention_id,
                   reason="；".join(reasons))
