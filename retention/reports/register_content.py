"""The content of a destruction register (销毁清册): its cover, its rows and their digest.

A draft register's rows are computed from the catalogue each time they are
read; submitting freezes them into ``DestructionItem.row`` and the digest of
the canonical JSON of cover and rows into ``content_sha256`` (and the audit
trail). The same functions compute both, so a frozen register can be checked
against its digest at any time (``content_digest``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db.models import Count, Q
from django.utils import timezone

from catalog.models import Record
from kernel import clock
from kernel.names import person_name

from ..models import AppraisalMember, DestructionItem, DestructionRegister, ItemState

# Order No. 79 is the accounting-archives measures; the file plan names it in the basis.
ACCOUNTING_BASIS_MARKS = ("会计档案管理办法", "第79号")

# The order No. 79 signatories of an accounting register, in the order they sign.
SIGNATORIES = (
    ("unit_head", "单位负责人"),
    ("archives_head", "档案机构负责人"),
    ("accounting_head", "会计机构负责人"),
    ("handler", "经办人"),
)

# The register's columns: key in the frozen row -> heading.
COLUMNS = (
    ("serial", "序号"),
    ("archive_code", "档号"),
    ("title", "题名"),
    ("dates", "年度/起止日期"),
    ("retention", "应保管期限"),
    ("kept", "已保管期限"),
    ("extent", "页数/件数"),
    ("reason", "销毁原因"),
    ("note", "备注"),
)

DEFAULT_REASON = "保管期限已满，经鉴定无继续保存价值"


def is_accounting_record(record: Record) -> bool:
    """Return whether ``record`` is an accounting record of order No. 79.

    The file plan says so in the basis of the record's stage retention (any
    version): "会计档案管理办法(财政部 国家档案局令第79号 …)".
    """
    if record.stage_id is None:
        return False
    return any(mark in (version.basis or "")
               for version in record.stage.retention_versions.all()
               for mark in ACCOUNTING_BASIS_MARKS)


def years_kept(formed_on: dt.date | None, on: dt.date) -> int:
    """Return the full years a record formed on ``formed_on`` has been kept by ``on``.

    The period runs from 1 January of the year after formation, as the
    catalogue counts it (``catalog.retention``).
    """
    if formed_on is None:
        return 0
    start = dt.date(formed_on.year + 1, 1, 1)
    years = on.year - start.year - ((on.month, on.day) < (start.month, start.day))
    return max(years, 0)


def _page_count(record: Record) -> int:
    pages = getattr(record, "page_total", None)
    if pages is None:
        pages = record.pages.count()
    if not pages and record.page_start and record.page_end:
        pages = record.page_end - record.page_start + 1
    return pages


def item_row(item: DestructionItem, *, on: dt.date) -> dict:
    """Return the register row of ``item`` as it reads on ``on`` (JSON types only)."""
    record = item.record
    retention = record.retention
    dates = f"{record.year}年"
    if record.formed_on:
        dates += f" / {record.formed_on.isoformat()}"
    kept = years_kept(record.formed_on, on)
    return {
        "serial": item.serial,
        "archive_code": record.archive_code or "",
        "title": record.title,
        "year": record.year,
        "formed_on": record.formed_on.isoformat() if record.formed_on else "",
        "dates": dates,
        "retention_code": retention.code if retention else "",
        "retention": retention.name if retention else "",
        "kept_years": kept,
        "kept": f"{kept}年",
        "pages": _page_count(record),
        "items": 1,
        "extent": f"{_page_count(record)}页 / 1件",
        "reason": item.reason,
        "note": item.note,
        "excluded": item.state == ItemState.EXCLUDED,
        "state": item.state,
    }


def register_items(register: DestructionRegister):
    return (register.items.select_related("record__retention", "record__stage")
            .prefetch_related("record__stage__retention_versions")
            .annotate(page_total=Count("record__pages")).order_by("serial"))


def register_rows(register: DestructionRegister, *, on: dt.date | None = None) -> list[dict]:
    """Return every row: frozen ones as frozen, a draft's as the catalogue has them now."""
    on = on or clock.today()
    rows = []
    for item in register_items(register):
        if item.row:
            rows.append({**item.row, "state": item.state})
        else:
            rows.append(item_row(item, on=on))
    return rows


def group_leader(register: DestructionRegister) -> AppraisalMember | None:
    """Return the appraisal group's leader (鉴定小组负责人), else its first member."""
    return (register.batch.members.select_related("user").order_by("-is_leader", "pk").first())


def counts(register: DestructionRegister) -> dict:
    agg = register.items.aggregate(
        listed=Count("pk", filter=~Q(state=ItemState.EXCLUDED)),
        excluded=Count("pk", filter=Q(state=ItemState.EXCLUDED)),
        destroyed=Count("pk", filter=Q(state=ItemState.DESTROYED)),
        skipped=Count("pk", filter=Q(state=ItemState.SKIPPED)))
    return agg


def cover(register: DestructionRegister) -> dict:
    """Return the cover as frozen at submission: what the digest covers.

    Approval, filing and supervision come later and are events of their own in
    the audit trail; they are shown on the cover but are not part of the digest.
    """
    leader = group_leader(register)
    number = counts(register)
    return {
        "number": register.number,
        "fonds_code": register.fonds.code,
        "fonds_name": register.fonds.name,
        "batch": register.batch.number,
        "is_accounting": register.is_accounting,
        "prepared_by": person_name(register.prepared_by),
        "prepared_on": (timezone.localdate(register.prepared_at).isoformat()
                        if register.prepared_at else ""),
        "group_leader": person_name(leader.user) if leader else "",
        "listed": number["listed"],
        "excluded": number["excluded"],
        "signatories": {key: register.signatories.get(key, "")
                        for key, _label in SIGNATORIES} if register.is_accounting else {},
    }


def canonical_json(content: dict) -> bytes:
    """Return ``content`` as canonical JSON: sorted keys, no spaces, UTF-8."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def content_of(register: DestructionRegister, rows: list[dict] | None = None) -> dict:
    rows = register_rows(register) if rows is None else rows
    # The execution state of a row changes after submission; the row's content does not.
    frozen = [{k: v for k, v in row.items() if k != "state"} for row in rows]
    return {"cover": cover(register), "rows": frozen}


def content_digest(register: DestructionRegister, rows: list[dict] | None = None) -> str:
    """Return the SHA-256 of the register's canonical content (cover and rows)."""
    return hashlib.sha256(canonical_json(content_of(register, rows))).hexdigest()


def missing_signatories(register: DestructionRegister) -> list[str]:
    """Return the headings of the order No. 79 signatories not yet named."""
    return [label for key, label in SIGNATORIES
            if not str(register.signatories.get(key, "")).strip()]
