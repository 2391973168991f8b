"""The hold report as XLSX and PDF: every hold's scope, people and dates; audited with its digest."""

import hashlib
import io
import re
import subprocess

import pytest
from openpyxl import load_workbook

from archive.models import AuditEvent
from retention import services
from retention.errors import RetentionError
from retention.models import HoldKind
from tests.catalog import factories as catalog
from tests.conftest import ARTIFACTS
from tests.retention.factories import due_record
from tests.retention.holds import hold


@pytest.fixture
def holds(officer):
    officer.first_name, officer.last_name = "芳", "王"
    officer.save()
    catalog.fonds()
    records = [due_record(), due_record()]
    audit = hold(officer, records=records, name="=1+1", reason="稽核未结，待审计署意见")
    lawsuit = hold(officer, kind=HoldKind.LITIGATION, name="劳动仲裁调卷",
                   reason="仲裁委员会调取参保缴费记录", category=catalog.stage("GL04").category,
                   year_from=2009, year_to=2011)
    services.hold_release(actor=officer, hold=lawsuit, reason="仲裁终结")
    return audit, lawsuit


def test_the_xlsx_lists_every_hold_with_formulas_escaped(officer, holds):
    audit, lawsuit = holds
    rendered = services.hold_report_export(actor=officer, fmt="xlsx")
    sheet = load_workbook(io.BytesIO(rendered.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "冻结登记表"
    assert rows[1][:4] == ["全宗", "0211 某市社会保险事业管理中心", "打印人", "王芳"]
    header = rows[2]
    assert header[0] == "冻结编号" and header[-1] == "涉及件数"
    body = {row[0]: row for row in rows[3:]}
    assert set(body) == {audit.number, lawsuit.number}
    first = body[audit.number]
    assert first[1] == "'=1+1"  # shown as text, never run as a formula
    assert first[2] == "稽核未结" and first[3] == "冻结中" and first[6] == "王芳"
    assert first[-1] == 2 and "选定 2 件" in first[4]
    second = body[lawsuit.number]
    assert second[3] == "已解除" and second[8] == "王芳" and second[10] == "仲裁终结"
    assert "2009" in second[4] and "GL" in second[4]
    event = AuditEvent.objects.get(action="export_register")
    assert event.actor_id == officer.pk
    assert event.details["sha256"] == hashlib.sha256(rendered.content).hexdigest()
    assert event.details["rows"] == 2 and event.details["format"] == "xlsx"


def test_the_report_filters_by_state_and_kind(officer, holds):
    audit, _ = holds
    rendered = services.hold_report_export(actor=officer, fmt="csv", state="active")
    text = rendered.content.decode("utf-8-sig")
    assert audit.number in text and "'=1+1" in text and "劳动仲裁调卷" not in text
    assert rendered.rows == 1
    assert services.hold_report_export(actor=officer, fmt="csv", kind="petition").rows == 0
    with pytest.raises(RetentionError) as caught:
        services.hold_report_export(actor=officer, fmt="xlsx", kind="lawsuit")
    assert caught.value.rule == "unknown_kind"


def test_printing_needs_the_registers_right(clerk, holds):
    with pytest.raises(RetentionError) as caught:
        services.hold_report_export(actor=clerk, fmt="pdf")
    assert caught.value.rule == "permission"
    assert not AuditEvent.objects.filter(action="export_register").exists()


def test_the_pdf_is_a4_chinese_with_page_numbers(officer, holds, tmp_path):
    rendered = services.hold_report_export(actor=officer, fmt="pdf")
    assert rendered.content.startswith(b"%PDF")
    pdf = tmp_path / "holds.pdf"
    pdf.write_bytes(rendered.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for expected in ("冻结登记表", "0211 某市社会保险事业管理中心", "打印人：王芳", "第 1 页 共 1 页",
                     holds[0].number, "=1+1", "劳动仲裁调卷", "仲裁终结", "稽核未结"):
        assert re.sub(r"\s+", "", expected) in re.sub(r"\s+", "", text), expected
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"Page size: +841\.\d+ x 595\.\d+ pts \(A4\)", info), info  # landscape
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert "CJK" in fonts, fonts
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(pdf),
                    str(ARTIFACTS / "hold-report")], check=True)
    assert (ARTIFACTS / "hold-report.png").stat().st_size > 10_000
