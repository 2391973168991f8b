"""Batch manifests (CSV or XLSX): metadata for many files at once, checked row by row."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from catalog.identifiers import check_citizen_id, check_credit_code
from catalog.models import Fonds, Stage

COLUMNS = ["file", "fonds", "year", "category", "stage", "volume", "title", "date",
           "member_ids", "unit_codes"]
REQUIRED = ["file"]


class ManifestError(ValueError):
    """The manifest as a whole cannot be read (missing column, unreadable file)."""


@dataclass
class ManifestRow:
    line: int
    file: str
    metadata: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def read_manifest(path: str | Path) -> dict[str, ManifestRow]:
    """Return the rows by file name; a bad row carries its errors, the others go on."""
    path = Path(path)
    rows = _xlsx_rows(path) if path.suffix.lower() in {".xlsx", ".xlsm"} else _csv_rows(path)
    header = [str(h or "").strip().lower() for h in next(rows, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ManifestError(_("manifest %(name)s: missing column(s) %(missing)s; expected %(columns)s")
                            % {"name": path.name, "missing": ", ".join(missing),
                               "columns": ", ".join(COLUMNS)})
    result: dict[str, ManifestRow] = {}
    for line, values in enumerate(rows, start=2):
        raw = {header[i]: ("" if v is None else str(v).strip()) for i, v in enumerate(values)
               if i < len(header)}
        if not any(raw.values()):
            continue
        row = _check(line, raw)
        if row.file in result:
            row.errors.append(_("line %(line)d: file %(file)s is listed twice (first on line %(first)d)")
                              % {"line": line, "file": row.file, "first": result[row.file].line})
        result[row.file] = row
    return result


def _csv_rows(path: Path):
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(_("manifest %(name)s cannot be read as UTF-8 CSV: %(why)s")
                            % {"name": path.name, "why": exc}) from None
    yield from csv.reader(io.StringIO(text))


def _xlsx_rows(path: Path):
    from openpyxl import load_workbook
    try:
        sheet = load_workbook(path, read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ManifestError(_("manifest %(name)s cannot be read as XLSX: %(why)s")
                            % {"name": path.name, "why": exc}) from None
    for values in sheet.iter_rows(values_only=True):
        yield [v.isoformat()[:10] if isinstance(v, (dt.date, dt.datetime)) else v for v in values]


def _check(line: int, raw: dict) -> ManifestRow:
    row = ManifestRow(line=line, file=raw.get("file", ""))
    meta, errors = row.metadata, row.errors

    def bad(field_name: str, message: str):
        errors.append(_("line %(line)d, %(field)s: %(message)s")
                      % {"line": line, "field": field_name, "message": message})

    if not row.file:
        bad("file", _("is empty"))
    if raw.get("fonds"):
        if Fonds.objects.filter(code=raw["fonds"]).exists():
            meta["fonds"] = raw["fonds"]
        else:
            bad("fonds", _("unknown fonds %(code)s") % {"code": raw["fonds"]})
    if raw.get("year"):
        if raw["year"].isdigit() and 1900 <= int(raw["year"]) <= 2100:
            meta["year"] = int(raw["year"])
        else:
            bad("year", _("%(value)s is not a year") % {"value": raw["year"]})
    if raw.get("stage"):
        stage = Stage.objects.select_related("category").filter(code=raw["stage"]).first()
        if stage is None:
            bad("stage", _("unknown stage code %(code)s") % {"code": raw["stage"]})
        elif raw.get("category") and stage.category.code != raw["category"]:
            bad("category", _("stage %(stage)s belongs to %(category)s, not %(given)s")
                % {"stage": stage.code, "category": stage.category.code, "given": raw["category"]})
        else:
            meta["stage"] = stage.code
    elif raw.get("category"):
        bad("stage", _("a category without a stage cannot be filed; give the stage code"))
    if raw.get("volume"):
        if raw["volume"].isdigit():
            meta["volume"] = int(raw["volume"])
        else:
            bad("volume", _("%(value)s is not a volume number") % {"value": raw["volume"]})
    if raw.get("title"):
        meta["title"] = raw["title"]
    if raw.get("date"):
        try:
            meta["date"] = dt.date.fromisoformat(raw["date"]).isoformat()
        except ValueError:
            bad("date", _("%(value)s is not a date (YYYY-MM-DD)") % {"value": raw["date"]})
    for field_name, check_value in (("member_ids", check_citizen_id),
                                    ("unit_codes", check_credit_code)):
        meta[field_name] = []
        for value in _split(raw.get(field_name, "")):
            check = check_value(value)
            if check.valid:
                meta[field_name].append(check.normalized)
            else:
                bad(field_name, f"{value}: {check.message} [{check.rule}]")
    return row


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("；", ";").replace("，", ",").replace(";", ",")
            .split(",") if part.strip()]
