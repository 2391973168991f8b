"""The destruction register (销毁清册) as a document: PDF (WeasyPrint) and XLSX (openpyxl).

The PDF has the cover (全宗, 编制, 数量, 鉴定小组负责人, 批准人, 监销人 with dates,
and the order No. 79 signatories of an accounting register), the rows table with
its headings repeated on every page, the excluded items (unsettled-matter
vouchers, held records) in a table of their own, and a signatures page. Every
page carries "第 n 页 共 m 页" and the content's SHA-256. Lines to sign stay empty
until the step is taken; names appear once it is.
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone, translation

from kernel.exports import row_safe
from kernel.names import person_name

from ..models import DestructionMethod, DestructionRegister
from .register_content import COLUMNS, SIGNATORIES, cover, register_rows

PDF_CONTENT_TYPE = "application/pdf"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _weasyprint():
    # The same guard as the certified copies: WeasyPrint loosens Pillow on import.
    from archive.counter.copies import _weasyprint as guarded
    return guarded()


def _day(value) -> str:
    if not value:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日"


def supervisors(register: DestructionRegister) -> list[dict]:
    """Return the supervisors (监销人) who confirmed, with the day (the execution's records)."""
    return [{"name": person_name(s.supervisor), "on": _day(s.confirmed_at)}
            for s in register.supervisions.select_related("supervisor").order_by("confirmed_at")]


def document_context(register: DestructionRegister) -> dict:
    """Return everything the PDF and the XLSX print."""
    rows = register_rows(register)
    sups = supervisors(register)
    method = dict(DestructionMethod.choices).get(register.method, register.method)
    return {
        "c": cover(register), "register": register, "sha256": register.content_sha256,
        "headings": [label for _key, label in COLUMNS],
        "listed": [r for r in rows if not r.get("excluded")],
        "excluded": [r for r in rows if r.get("excluded")],
        "pages": sum(int(r.get("pages") or 0) for r in rows if not r.get("excluded")),
        "approver": person_name(register.approved_by) if register.approved_by_id else "",
        "approved_on": _day(register.approved_at),
        "batch_closed_on": _day(register.batch.closed_at),
        "filed_on": _day(register.filed_on), "filing_reference": register.filing_reference,
        "supervisors": sups,
        "supervisor_lines": sups + [{"name": "", "on": ""}] * max(0, 2 - len(sups)),
        "method": str(method), "place": register.place, "executed_on": _day(register.executed_at),
        "signatories": [{"label": label, "name": register.signatories.get(key, "")}
                        for key, label in SIGNATORIES],
    }


def register_pdf(register: DestructionRegister) -> bytes:
    """Render the register as an A4 PDF."""
    weasyprint = _weasyprint()
    with translation.override("zh-hans"):
        html = render_to_string("retention/register_pdf.html", document_context(register))
    return weasyprint.HTML(string=html).write_pdf()


def register_xlsx(register: DestructionRegister) -> bytes:
    """Write the register as a workbook: the cover, the rows, the excluded items."""
    from openpyxl import Workbook

    with translation.override("zh-hans"):
        ctx = document_context(register)
    c = ctx["c"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("封面")
    cover_rows = [
        ("销毁清册编号", c["number"]), ("全宗号", c["fonds_code"]), ("全宗名称", c["fonds_name"]),
        ("编制单位", c["fonds_name"]), ("编制人", c["prepared_by"]), ("编制时间", c["prepared_on"]),
        ("鉴定批次", c["batch"]), ("销毁数量（件）", c["listed"]), ("页数", ctx["pages"]),
        ("另列不予销毁（件）", c["excluded"]), ("鉴定小组负责人", c["group_leader"]),
        ("批准人", ctx["approver"]), ("批准时间", ctx["approved_on"]),
        ("备案时间", ctx["filed_on"]), ("备案文号", ctx["filing_reference"]),
        ("监销人", "、".join(s["name"] for s in ctx["supervisors"])),
        ("销毁方式", ctx["method"] if ctx["executed_on"] else ""), ("销毁地点", ctx["place"]),
        ("销毁时间", ctx["executed_on"]), ("会计档案（第79号令）", "是" if c["is_accounting"] else "否"),
    ]
    if c["is_accounting"]:
        cover_rows += [(s["label"], s["name"]) for s in ctx["signatories"]]
    cover_rows.append(("内容 SHA-256", ctx["sha256"]))
    for row in cover_rows:
        sheet.append(row_safe(row))
    keys = [key for key, _label in COLUMNS]
    for title, rows in (("销毁档案目录", ctx["listed"]), ("不予销毁另列", ctx["excluded"])):
        sheet = book.create_sheet(title)
        sheet.append(row_safe(ctx["headings"]))
        for row in rows:
            sheet.append(row_safe(row.get(key, "") for key in keys))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
