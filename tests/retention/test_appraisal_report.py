"""The appraisal report (鉴定报告) as PDF and XLSX: what it says, and every export audited."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from archive.models import AuditEvent
from retention import services
from tests.catalog import factories as catalog
from tests.conftest import ARTIFACTS
from tests.retention.admin_helpers import open_submitted
from tests.retention.factories import due_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(officer, appraisers):
    for user, (first, last) in zip(appraisers, (("敏", "周"), ("丽", "孙"), ("刚", "吴"))):
        user.first_name, user.last_name = first, last
        user.save()
    kept = due_record(title="2010年社会保险登记证核发材料（争议）")
    gone = [due_record(title=f"2010年社会保险登记证验证材料 第{n}册") for n in range(1, 40)]
    batch = open_submitted(officer, appraisers)
    for member in appraisers:
        services.appraisal_opinion(actor=member, batch=batch, decision="destroy")
    services.appraisal_opinion(actor=appraisers[1], batch=batch, decision="extend",
                               retention=catalog.retention("D"), reason="待遇争议未了",
                               records=[kept])
    batch = services.appraisal_close(actor=officer, batch=batch)
    kept.refresh_from_db()  # the extension gave it the 档号 of its new retention
    return batch, kept, gone


def test_the_pdf_report_is_a4_landscape_chinese_with_page_numbers(client, officer, closed):
    batch, kept, gone = closed
    client.force_login(officer)
    response = client.get(reverse("appraisalbatch:report", args=[batch.pk, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert data.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "appraisal-report.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(ARTIFACTS / "appraisal-report")],
                   check=True)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)  # letter spacing and table layout split the words
    for expected in ("鉴定报告", batch.number, "某市社会保险事业管理中心", "周敏（组长）",
                     "单位负责人", "业务人员", "档案人员", "延长至D", "待遇争议未了",
                     kept.archive_code, gone[-1].archive_code, "打印：wang.fang"):
        assert expected in flat, expected
    pages = int(re.search(r"共(\d+)页", flat).group(1))
    assert pages >= 2 and "第1页共" in flat and f"第{pages}页共{pages}页" in flat
    size = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    assert re.search(r"Page size:\s+841.89 x 595.27\d* pts", size), size  # A4 landscape
    event = AuditEvent.objects.filter(action="appraisal_report_export").get()
    assert event.details["sha256"] == hashlib.sha256(data).hexdigest()
    assert event.details["format"] == "pdf"


def test_the_xlsx_report_reads_back_row_by_row(client, auditor, closed):
    batch, kept, gone = closed
    client.force_login(auditor)
    response = client.get(reverse("appraisalbatch:report", args=[batch.pk, "xlsx"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["鉴定报告", "鉴定明细"]
    summary = [row for row in book["鉴定报告"].iter_rows(values_only=True)]
    assert ("批次号", batch.number) == summary[1][:2]
    assert ("销毁", 39) in [row[:2] for row in summary]
    assert ("延长保管期限", 1) in [row[:2] for row in summary]
    rows = list(book["鉴定明细"].iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "档号", "题名", "年度", "鉴定时保管期限")
    assert rows[0][5:8] == ("周敏意见", "孙丽意见", "吴刚意见")
    assert len(rows) == 41
    by_code = {row[1]: row for row in rows[1:]}
    assert by_code[kept.archive_code][5:] == ("销毁", "延长至D", "销毁", "延长保管期限", "D",
                                              "待遇争议未了")
    assert by_code[gone[0].archive_code][8:10] == ("销毁", None)
    event = AuditEvent.objects.filter(action="appraisal_report_export").get()
    assert event.details["sha256"] == hashlib.sha256(response.content).hexdigest()


def test_a_formula_in_a_title_is_written_as_text(officer, appraisers):
    due_record(title="=HYPERLINK(\"http://x\")")
    batch = open_submitted(officer, appraisers)
    data, name = services.appraisal_report_export(actor=officer, batch=batch, fmt="xlsx")
    assert name.endswith(".xlsx")
    rows = list(load_workbook(io.BytesIO(data), read_only=True)["鉴定明细"].iter_rows(
        values_only=True))
    assert rows[1][2].startswith("'=")
