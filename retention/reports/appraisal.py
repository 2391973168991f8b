"""The appraisal report (鉴定报告): the batch, its group, counts per decision, every item.

Self-contained on purpose: the shared register renderer (``retention.registers``)
was built in parallel; the integrator may fold this into it. The PDF is A4
landscape with the Chinese fonts the certified copies use and "第 n 页 共 m 页"
in the footer; the XLSX is written in openpyxl's write-only mode, every cell
through ``kernel.exports.row_safe``. Rows are read in chunks so a batch of ten
thousand items never sits in memory as model objects.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from kernel.exports import row_safe
from kernel.names import person_name

from ..models import AppraisalBatch, AppraisalItem, AppraisalOpinion, Decision

FORMATS = {"pdf": "application/pdf",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
CHUNK = 2000
DECISION_LABELS = {Decision.DESTROY: "销毁", Decision.EXTEND: "延长保管期限",
                   Decision.KEEP: "永久保存"}
POST_LABELS = {"head": "单位负责人", "business": "业务人员", "archivist": "档案人员",
               "hrss": "人社部门人员", "other": "其他"}


@dataclass
class Row:
    serial: int
    archive_code: str
    title: str
    year: int
    retention: str
    opinions: list[str]
    decision: str
    new_retention: str
    reason: str


def _opinion_label(decision: str, code: str | None) -> str:
    if decision == Decision.EXTEND:
        return f"延长至{code}"
    return DECISION_LABELS.get(decision, "")


def rows(batch: AppraisalBatch) -> Iterator[Row]:
    """Yield the report's rows in 档号 order, each with every member's opinion."""
    members = list(batch.members.values_list("pk", flat=True))
    items = (AppraisalItem.objects.filter(batch=batch).order_by("record__archive_code", "pk")
             .values_list("pk", "record__archive_code", "record__title", "record__year",
                          "retention_code", "decision", "decided_retention__code",
                          "decision_reason"))
    serial, chunk = 0, []
    for row in items.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _rows_of(chunk, members, serial)
            serial += len(chunk)
            chunk = []
    if chunk:
        yield from _rows_of(chunk, members, serial)


def _rows_of(chunk, members, serial) -> Iterator[Row]:
    opinions = defaultdict(dict)
    for item_id, member_id, decision, code in AppraisalOpinion.objects.filter(
            item_id__in=[row[0] for row in chunk]).values_list(
            "item_id", "member_id", "decision", "retention__code"):
        opinions[item_id][member_id] = _opinion_label(decision, code)
    for offset, (pk, code, title, year, retention, decision, new, reason) in enumerate(chunk):
        yield Row(serial=serial + offset + 1, archive_code=code or "", title=title, year=year,
                  retention=retention, opinions=[opinions[pk].get(m, "") for m in members],
                  decision=DECISION_LABELS.get(decision, "未定"), new_retention=new or "",
                  reason=reason)


def summary(batch: AppraisalBatch, *, user) -> dict:
    """Return the report's heading: batch, fonds, group, counts, who printed it and when."""
    members = [{"name": person_name(m.user), "post": POST_LABELS.get(m.post, m.post),
                "leader": m.is_leader} for m in batch.members.select_related("user")]
    counts = Counter(batch.items.values_list("decision", flat=True))
    local = timezone.localtime
    return {
        "batch": batch, "fonds": batch.fonds, "members": members,
        "counts": [(DECISION_LABELS[d], counts.get(d, 0)) for d in Decision.values],
        "undecided": counts.get("", 0), "total": sum(counts.values()),
        "opened_by": person_name(batch.opened_by), "closed_by": person_name(batch.closed_by),
        "opened_at": local(batch.opened_at).strftime("%Y-%m-%d %H:%M"),
        "closed_at": local(batch.closed_at).strftime("%Y-%m-%d %H:%M") if batch.closed_at else "",
        "printed_by": person_name(user),
        "printed_at": local(timezone.now()).strftime("%Y-%m-%d %H:%M"),
        "state": {"draft": "准备中", "submitted": "鉴定中", "closed": "已鉴定"}.get(
            batch.state, batch.state)}


def _weasyprint():
    from archive.counter.copies import _weasyprint as loader
    return loader()


def render_pdf(batch: AppraisalBatch, *, user) -> bytes:
    """Render the report as an A4 landscape PDF."""
    html = render_to_string("retention/appraisal/report.html", {
        **summary(batch, user=user), "rows": rows(batch)})
    return _weasyprint().HTML(string=html).write_pdf()


def render_xlsx(batch: AppraisalBatch, *, user) -> bytes:
    """Render the report as a workbook: a summary sheet and the items sheet."""
    from openpyxl import Workbook

    head = summary(batch, user=user)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("鉴定报告")
    for line in (["鉴定报告"], ["批次号", batch.number], ["题名", batch.title],
                 ["全宗", f"{batch.fonds.code} {batch.fonds.name}"],
                 ["到期截止日期", batch.due_by.isoformat()], ["状态", head["state"]],
                 ["开启人", head["opened_by"], head["opened_at"]],
                 ["结束人", head["closed_by"], head["closed_at"]],
                 ["打印人", head["printed_by"], head["printed_at"]], [],
                 ["鉴定小组成员", "职务", "组长"]):
        sheet.append(row_safe(line))
    for member in head["members"]:
        sheet.append(row_safe([member["name"], member["post"], "是" if member["leader"] else ""]))
    sheet.append([])
    sheet.append(row_safe(["鉴定结论", "件数"]))
    for label, count in head["counts"]:
        sheet.append(row_safe([label, count]))
    items = book.create_sheet("鉴定明细")
    items.append(row_safe(["序号", "档号", "题名", "年度", "鉴定时保管期限",
                           *[f"{m['name']}意见" for m in head["members"]],
                           "鉴定结论", "新保管期限", "理由"]))
    for row in rows(batch):
        items.append(row_safe([row.serial, row.archive_code, row.title, row.year, row.retention,
                               *row.opinions, row.decision, row.new_retention, row.reason]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(batch: AppraisalBatch, fmt: str, *, user) -> tuple[bytes, str]:
    """Return the report in ``fmt`` ("pdf" or "xlsx") and its file name."""
    data = render_pdf(batch, user=user) if fmt == "pdf" else render_xlsx(batch, user=user)
    return data, f"鉴定报告-{batch.number}.{fmt}"
