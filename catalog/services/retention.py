"""Compute a record's retention from the plan and refuse a period below its minimum."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from kernel import clock

from .. import retention as rules
from ..errors import RetentionError
from ..models import (
    RetentionPeriod,
    Stage,
)

# --- retention ----------------------------------------------------------------------------

def schedule_years(*, stage: Stage, formed_on: dt.date) -> int | None:
    """Return the period the file plan sets for a record of ``stage`` formed on that date."""
    versions = stage.schedule()
    if not versions:
        raise RetentionError(_("stage %(stage)s has no retention schedule") % {"stage": stage.code},
                             field="stage", rule="no_schedule")
    return rules.governing_years(versions, formed_on)


def _due_date(stage: Stage, formed_on: dt.date, assigned: RetentionPeriod) -> dt.date | None:
    years = rules.governing_years(stage.schedule(), formed_on, assigned.years, has_assigned=True)
    return rules.appraisal_due_on(formed_on, years)


def _retention_for(stage: Stage, formed_on: dt.date,
                   chosen: RetentionPeriod | None) -> RetentionPeriod:
    minimum = schedule_years(stage=stage, formed_on=formed_on)
    if chosen is None:
        found = RetentionPeriod.objects.filter(years=minimum).first()
        if found is None:
            raise RetentionError(_("no retention code stands for %(years)s years") % {"years": minimum},
                                 field="retention", rule="unknown_code")
        return found
    _refuse_below(stage, chosen, minimum)
    return chosen


def _refuse_below(stage: Stage, chosen: RetentionPeriod, minimum: int | None) -> None:
    if rules.longest([minimum, chosen.years]) != chosen.years:
        raise RetentionError(
            _("%(code)s is below the minimum the file plan sets for %(stage)s (%(minimum)s)")
            % {"code": chosen.code, "stage": stage.code,
               "minimum": rules.period_label(minimum)}, field="retention", rule="below_minimum")


def retention_check_minimum(*, stage: Stage, retention: RetentionPeriod,
                            formed_on: dt.date | None = None) -> None:
    """Refuse ``retention`` if it is shorter than the plan's period for ``stage``.

    Periods are minimums: a longer one is allowed. ``formed_on`` defaults to today.
    """
    _refuse_below(stage, retention,
                  schedule_years(stage=stage, formed_on=formed_on or clock.today()))


