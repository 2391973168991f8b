"""Read the file plan (归档范围与保管期限) from CSV and write it into the catalogue.

The CSV has the columns of ``catalog/data/retention_schedule.csv``. Every row
is checked before anything is written, and errors name the line, the field and
the rule. ``apply_plan`` takes the model classes as arguments so the data
migration can run it with historical models.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import FilePlanError

COLUMNS = ["category_code", "category_name", "stage_code", "stage_name", "scope",
           "retention_code", "retention_years", "basis", "note"]
SEED_FILE = Path(__file__).parent / "data" / "retention_schedule.csv"
# HRSS/SAA order No. 3 (2009) took effect on this day.
ORDER_3_EFFECTIVE = dt.date(2009, 9, 1)
# Retention codes of the national scheme: code → (years or None for permanent, name).
DEFAULT_RETENTION_CODES = {
    "Y": (None, "永久"), "H": (100, "100年"), "C": (50, "50年"), "D": (30, "30年"),
    "E": (15, "15年"), "F": (10, "10年"), "G": (5, "5年"),
}

_CODE = re.compile(r"^[0-9A-Za-z]+$")
_STAGE = re.compile(r"^[0-9A-Za-z.]+$")
_EFFECTIVE_IN_BASIS = re.compile(r"(\d{4}-\d{2}-\d{2})施行")
_OLDER_PERIOD_IN_NOTE = re.compile(r"按旧办法为(永久|(\d+)年)")


@dataclass
class PlanVersion:
    years: int | None
    effective_from: dt.date
    basis: str
    note: str = ""


@dataclass
class PlanStage:
    line: int
    category_code: str
    category_name: str
    code: str
    name: str
    scope: str
    versions: list[PlanVersion] = field(default_factory=list)


def read_plan(source: str | Path | io.TextIOBase, *, retention_codes: dict[str, int | None],
              default_effective_from: dt.date = ORDER_3_EFFECTIVE) -> list[PlanStage]:
    """Parse and check a file-plan CSV; raise ``FilePlanError`` on the first bad row.

    ``retention_codes`` maps each known code to its years (None: permanent).
    A row's version takes effect on the date its basis names ("YYYY-MM-DD施行"),
    else on ``default_effective_from``; a note "按旧办法为N年" adds the older,
    superseded period as an earlier version from ``default_effective_from``.
    """
    if isinstance(source, (str, Path)):
        with open(source, encoding="utf-8-sig", newline="") as handle:
            return read_plan(handle, retention_codes=retention_codes,
                             default_effective_from=default_effective_from)
    reader = csv.DictReader(source)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise FilePlanError(f"missing columns: {', '.join(missing)}", field="header",
                            rule="columns", line=1)
    stages: list[PlanStage] = []
    seen_stages: dict[str, int] = {}
    category_names: dict[str, str] = {}
    for line, row in enumerate(reader, start=2):
        stage = _read_row(line, row, retention_codes, default_effective_from)
        if stage.code in seen_stages:
            raise FilePlanError(f"stage code {stage.code} already on line {seen_stages[stage.code]}",
                                field="stage_code", rule="duplicate", line=line)
        known_name = category_names.setdefault(stage.category_code, stage.category_name)
        if known_name != stage.category_name:
            raise FilePlanError(
                f"category {stage.category_code} is named {known_name!r} above, "
                f"{stage.category_name!r} here", field="category_name", rule="conflict", line=line)
        seen_stages[stage.code] = line
        stages.append(stage)
    if not stages:
        raise FilePlanError("the file plan has no rows", field="file", rule="empty")
    return stages


def _read_row(line: int, row: dict, retention_codes: dict[str, int | None],
              default_effective_from: dt.date) -> PlanStage:
    values = {key: (row.get(key) or "").strip() for key in COLUMNS}
    for name in ("category_code", "category_name", "stage_code", "stage_name", "retention_code"):
        if not values[name]:
            raise FilePlanError("is empty", field=name, rule="required", line=line)
    if not _CODE.match(values["category_code"]):
        raise FilePlanError(f"{values['category_code']!r}: only letters and digits",
                            field="category_code", rule="characters", line=line)
    if not _STAGE.match(values["stage_code"]):
        raise FilePlanError(f"{values['stage_code']!r}: only letters, digits and dots",
                            field="stage_code", rule="characters", line=line)
    if not values["stage_code"].startswith(values["category_code"]):
        raise FilePlanError(
            f"stage {values['stage_code']} does not belong to category {values['category_code']}",
            field="stage_code", rule="category_prefix", line=line)
    code = values["retention_code"]
    if code not in retention_codes:
        raise FilePlanError(f"unknown retention code {code!r}; known: {', '.join(retention_codes)}",
                            field="retention_code", rule="unknown_code", line=line)
    years = retention_codes[code]
    written = values["retention_years"]
    if (written or None) != (None if years is None else str(years)):
        raise FilePlanError(
            f"retention code {code} means {'permanent' if years is None else f'{years} years'}, "
            f"the row says {written or 'permanent'!r}",
            field="retention_years", rule="code_mismatch", line=line)
    effective = default_effective_from
    if match := _EFFECTIVE_IN_BASIS.search(values["basis"]):
        try:
            effective = dt.date.fromisoformat(match.group(1))
        except ValueError:
            raise FilePlanError(f"{match.group(1)} is not a date", field="basis",
                                rule="date", line=line) from None
    versions = []
    older = _OLDER_PERIOD_IN_NOTE.search(values["note"])
    if older and effective > default_effective_from:
        older_years = None if older.group(1) == "永久" else int(older.group(2))
        versions.append(PlanVersion(older_years, default_effective_from,
                                    basis="人社部 国家档案局令第3号附件(2009)", note=values["note"]))
    versions.append(PlanVersion(years, effective, basis=values["basis"], note=values["note"]))
    return PlanStage(line=line, category_code=values["category_code"],
                     category_name=values["category_name"], code=values["stage_code"],
                     name=values["stage_name"], scope=values["scope"], versions=versions)


@dataclass
class PlanChanges:
    categories_created: int = 0
    stages_created: int = 0
    stages_updated: int = 0
    versions_created: int = 0
    changed_stage_ids: list[int] = field(default_factory=list)


def apply_plan(stages: list[PlanStage], *, Category, Stage, StageRetention) -> PlanChanges:
    """Create or update categories and stages and add the schedule versions not yet present.

    Existing versions are never rewritten: a row whose version date already
    exists with a different period is refused, so a changed retention must
    come with a new effective date.
    """
    changes = PlanChanges()
    categories = {c.code: c for c in Category.objects.all()}
    for order, item in enumerate(stages, start=1):
        category = categories.get(item.category_code)
        if category is None:
            category = Category.objects.create(code=item.category_code, name=item.category_name,
                                               sort_order=len(categories) + 1)
            categories[category.code] = category
            changes.categories_created += 1
        stage = Stage.objects.filter(code=item.code).first()
        if stage is None:
            stage = Stage.objects.create(category=category, code=item.code, name=item.name,
                                         scope=item.scope, sort_order=order)
            changes.stages_created += 1
        elif (stage.category_id, stage.name, stage.scope) != (category.pk, item.name, item.scope):
            stage.category, stage.name, stage.scope = category, item.name, item.scope
            stage.save(update_fields=["category", "name", "scope"])
            changes.stages_updated += 1
        existing = {v.effective_from: v for v in StageRetention.objects.filter(stage=stage)}
        for version in item.versions:
            found = existing.get(version.effective_from)
            if found is None:
                StageRetention.objects.create(stage=stage, years=version.years,
                                              effective_from=version.effective_from,
                                              basis=version.basis[:300], note=version.note[:300])
                changes.versions_created += 1
                changes.changed_stage_ids.append(stage.pk)
            elif found.years != version.years:
                raise FilePlanError(
                    f"stage {item.code} already has a version from {version.effective_from} "
                    f"with {found.years or 'permanent'} years; a new retention needs a new "
                    "effective date", field="retention_code", rule="version_exists", line=item.line)
    return changes
