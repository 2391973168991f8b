"""Write the fonds, the file plan's categories and stages, and their retention versions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import CatalogError, RetentionError
from ..fileplan import ORDER_3_EFFECTIVE, PlanChanges, apply_plan, read_plan
from ..models import (
    Category,
    Fonds,
    Record,
    RetentionPeriod,
    Stage,
    StageRetention,
)
from ._base import _announce, _changes, _jsonable, _save
from .retention import _due_date

# --- fonds, categories, stages ----------------------------------------------------------

@transaction.atomic
def fonds_create(*, actor, code: str, name: str) -> Fonds:
    return _save(Fonds(code=code, name=name), actor=actor, action="create",
                 details={"code": code, "name": name})


@transaction.atomic
def fonds_update(*, actor, fonds: Fonds, code: str, name: str) -> Fonds:
    """Rename a fonds or change its code; codes already written into 档号 stay as written."""
    changed = _changes(fonds, {"code": code, "name": name})
    if not changed:
        return fonds
    return _save(fonds, actor=actor, action="update", details={"changed": changed})


@transaction.atomic
def category_create(*, actor, code: str, name: str, sort_order: int = 0) -> Category:
    return _save(Category(code=code, name=name, sort_order=sort_order), actor=actor,
                 action="create", details={"code": code, "name": name})


@transaction.atomic
def category_update(*, actor, category: Category, code: str, name: str,
                    sort_order: int | None = None) -> Category:
    """Change a category's code or name; codes already written into 档号 stay as written."""
    values = {"code": code, "name": name}
    if sort_order is not None:
        values["sort_order"] = sort_order
    changed = _changes(category, values)
    if not changed:
        return category
    return _save(category, actor=actor, action="update", details={"changed": changed})


@transaction.atomic
def stage_create(*, actor, category: Category, code: str, name: str, years: int | None,
                 effective_from: dt.date, scope: str = "", basis: str = "") -> Stage:
    """Create a stage with its first schedule version."""
    if not code.startswith(category.code):
        raise CatalogError(_("stage %(code)s does not start with its category code %(category)s")
                           % {"code": code, "category": category.code},
                           field="code", rule="category_prefix")
    stage = _save(Stage(category=category, code=code, name=name, scope=scope), actor=actor,
                  action="create", details={"code": code, "category": category.code})
    _retention_version_add(actor=actor, stage=stage, years=years, effective_from=effective_from,
                           basis=basis)
    return stage


@transaction.atomic
def stage_update(*, actor, stage: Stage, name: str, scope: str,
                 category: Category | None = None) -> Stage:
    """Change a stage's name, scope or category; its retention changes only by a new version."""
    values = {"name": name, "scope": scope}
    if category is not None:
        values["category"] = category
    changed = _changes(stage, values)
    if not changed:
        return stage
    return _save(stage, actor=actor, action="update", details={"changed": changed})


def _retention_version_add(*, actor, stage: Stage, years: int | None, effective_from: dt.date,
                           basis: str = "", note: str = "") -> StageRetention:
    if StageRetention.objects.filter(stage=stage, effective_from=effective_from).exists():
        raise RetentionError(
            _("stage %(stage)s already has a schedule version from %(date)s; versions are "
              "never rewritten, choose a new effective date")
            % {"stage": stage.code, "date": effective_from},
            field="effective_from", rule="version_exists")
    if years is not None and not RetentionPeriod.objects.filter(years=years).exists():
        raise RetentionError(_("no retention code stands for %(years)s years") % {"years": years},
                             field="years", rule="unknown_code")
    version = StageRetention(stage=stage, years=years, effective_from=effective_from,
                             basis=basis, note=note)
    return _save(version, actor=actor, action="create",
                 details={"stage": stage.code, "years": years,
                          "effective_from": effective_from.isoformat(), "basis": basis})


@transaction.atomic
def stage_retention_change(*, actor, stage: Stage, years: int | None, effective_from: dt.date,
                           basis: str = "", note: str = "") -> StageRetention:
    """Give a stage a new retention from a date, as a new schedule version.

    Records already filed keep the retention code they were given; their
    appraisal date follows the longest version that applies to them, so a
    longer new period extends them and a shorter one never cuts them.
    """
    version = _retention_version_add(actor=actor, stage=stage, years=years,
                                     effective_from=effective_from, basis=basis, note=note)
    _refresh_due_dates(actor=actor, stage_ids=[stage.pk])
    return version


def _refresh_due_dates(*, actor, stage_ids: Iterable[int]) -> int:
    changed = 0
    stages = {s.pk: s for s in Stage.objects.with_plan().filter(pk__in=set(stage_ids))}
    records = Record.objects.not_destroyed().filter(stage_id__in=stages).select_related("retention")
    for record in records.iterator():
        due = _due_date(stages[record.stage_id], record.formed_on, record.retention)
        if due != record.appraisal_due_on:
            old = record.appraisal_due_on
            record.appraisal_due_on = due
            record.save(update_fields=["appraisal_due_on", "updated_at"])
            _announce(instance=record, action="retention_recomputed", actor=actor,
                      details={"appraisal_due_on": [_jsonable(old), _jsonable(due)]})
            changed += 1
    return changed


@transaction.atomic
def fileplan_load(*, actor, path: str | Path,
                  default_effective_from: dt.date = ORDER_3_EFFECTIVE) -> PlanChanges:
    """Load a file-plan CSV: all rows are checked first, and any error rolls all back."""
    codes_years = dict(RetentionPeriod.objects.values_list("code", "years"))
    plan = read_plan(path, retention_codes=codes_years,
                     default_effective_from=default_effective_from)
    changes = apply_plan(plan, Category=Category, Stage=Stage, StageRetention=StageRetention)
    if changes.changed_stage_ids:
        _refresh_due_dates(actor=actor, stage_ids=changes.changed_stage_ids)
    _announce(instance=None, model=Stage, action="fileplan_load", actor=actor,
              details={"file": str(path), "categories_created": changes.categories_created,
                       "stages_created": changes.stages_created,
                       "stages_updated": changes.stages_updated,
                       "versions_created": changes.versions_created})
    return changes


