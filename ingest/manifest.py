"""Batch manifests (CSV or XLSX): metadata for many files at once, checked row by row."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

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
        raise ManifestError(f"manifest {path.name}: missing column(s) {', '.join(missing)}; "
                            f"expected {', '.join(COLUMNS)}")
    result: dict[str, ManifestRow] = {}
    for line, values in enumerate(rows, start=2):
        raw = {header[i]: ("" if v is None else str(v).strip()) for i, v in enumerate(values)
               if i < len(header)}
        if not any(raw.values()):
            continue
        row = _check(line, raw)
        if row.file in result:
            row.errors.append(f"line {line}: file {row.file} is listed twice (first on line "
                              f"{result[row.file].line})")
        result[row.file] = row
    return result


def _csv_rows(path: Path):
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"manifest {path.name} cannot be read as UTF-8 CSV: {exc}") from None
    yield from csv.reader(io.StringIO(text))


def _xlsx_rows(path: Path):
    from openpyxl import load_workbook
    try:
        sheet = load_workbook(path, read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ManifestError(f"manifest {path.name} cannot be read as XLSX: {exc}") from None
    for values in sheet.iter_rows(values_only=True):
        yield [v.isoformat()[:10] if isinstance(v, (dt.date, dt.datetime)) else v for v in values]


def _check(line: int, raw: dict) -> ManifestRow:
    row = ManifestRow(line=line, file=raw.get("file", ""))
    meta, errors = row.metadata, row.errors

    def bad(field_name: str, message: str):
        errors.append(f"line {line}, {field_name}: {message}")

    if not row.file:
        bad("file", "is empty")
    if raw.get("fonds"):
        if Fonds.objects.filter(code=raw["fonds"]).exists():
            meta["fonds"] = raw["fonds"]
        else:
            bad("fonds", f"unknown fonds {raw['fonds']}")
    if raw.get("year"):
        if raw["year"].isdigit() and 1900 <= int(raw["year"]) <= 2100:
            meta["year"] = int(raw["year"])
        else:
            bad("year", f"{raw['year']!r} is not a year")
    if raw.get("stage"):
        stage = Stage.objects.select_related("category").filter(code=raw["stage"]).first()
        if stage is None:
            bad("stage", f"unknown stage code {raw['stage']}")
        elif raw.get("category") and stage.category.code != raw["category"]:
            bad("category", f"stage {stage.code} belongs to {stage.category.code}, not {raw['category']}")
        else:
            meta["stage"] = stage.code
    elif raw.get("category"):
        bad("stage", "a category without a stage cannot be filed; give the stage code")
    if raw.get("volume"):
        if raw["volume"].isdigit():
            meta["volume"] = int(raw["volume"])
        else:
            bad("volume", f"{raw['volume']!r} is not a volume number")
    if raw.get("title"):
        meta["title"] = raw["title"]
    if raw.get("date"):
        try:
            meta["date"] = dt.date.fromisoformat(raw["date"]).isoformat()
        except ValueError:
            bad("date", f"{raw['date']!r} is not a date (YYYY-MM-DD)")
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
