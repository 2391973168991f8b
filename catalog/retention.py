"""Retention arithmetic (pure functions: no database).

The period starts on 1 January of the year after the record was formed, and
periods are minimums: a record formed on 2009-06-15 kept 5 years expires at
the end of 2014 and is due for appraisal on 2015-01-01. ``None`` years means
permanent (永久): never expires. Where several schedule versions apply to one
record, the longest governs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def period_label(years: int | None) -> str:
    """Return a period as people read it: "permanent" or "N years" (永久 / N年)."""
    if years is None:
        return _("permanent")
    return ngettext("%(years)d year", "%(years)d years", years) % {"years": years}


@dataclass(frozen=True)
class ScheduleVersion:
    """One version of a stage's retention: ``years`` (None = permanent) from a date."""

    years: int | None
    effective_from: dt.date


def expires_on(formed_on: dt.date, years: int | None) -> dt.date | None:
    """Return the last day of the retention period, or None when permanent."""
    if years is None:
        return None
    return dt.date(formed_on.year + years, 12, 31)


def appraisal_due_on(formed_on: dt.date, years: int | None) -> dt.date | None:
    """Return the first day the record may be appraised, or None when permanent."""
    if years is None:
        return None
    return dt.date(formed_on.year + years + 1, 1, 1)


def longest(periods: Iterable[int | None]) -> int | None:
    """Return the longest of several periods; permanent (None) beats any number."""
    periods = list(periods)
    if not periods:
        raise ValueError("no retention period to choose from")
    if any(p is None for p in periods):
        return None
    return max(periods)


def applicable_versions(versions: Sequence[ScheduleVersion], formed_on: dt.date) -> list[ScheduleVersion]:
    """Return the versions that bind a record formed on ``formed_on``.

    These are the version in force on that date (the earliest one when the
    record predates the schedule) and every later version: a later, longer
    rule extends old records, and a later, shorter one never cuts them, since
    periods are minimums.
    """
    ordered = sorted(versions, key=lambda v: v.effective_from)
    if not ordered:
        return []
    in_force = [v for v in ordered if v.effective_from <= formed_on]
    start = ordered.index(in_force[-1]) if in_force else 0
    return ordered[start:]


def governing_years(versions: Sequence[ScheduleVersion], formed_on: dt.date,
                    assigned_years: int | None = None, *, has_assigned: bool = False) -> int | None:
    """Return the period that governs a record: the longest applicable one.

    ``assigned_years`` is the period an officer gave the record, which may
    exceed the schedule but never shorten it.
    """
    candidates = [v.years for v in applicable_versions(versions, formed_on)]
    if has_assigned:
        candidates.append(assigned_years)
    return longest(candidates)
