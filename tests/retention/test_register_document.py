"""The register as a document: a PDF with cover, rows, the excluded apart and signatures; an XLSX."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import subprocess

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from archive.models import AuditEvent
from kernel import clock
from retention import services
from retention.models import DestructionSupervision, HoldKind
from retention.reports.register import register_pdf
from retention.workflows import REGISTER_LIFECYCLE
from tests.conftest import ARTIFACTS
from tests.retention.batches import closed_batch
from tests.retention.factories import due_record
from tests.retention.test_registers import hold

pytestmark = pytest.mark.django_db


def named(user, last, first):
    user.last_name, user.first_name = last, first
    user.save()
    return user


@pytest.fixture
def register(officer, approver, supervisors):
    """An accounting register of 45 rows and one unsettled voucher, approved, filed, executed."""
    named(officer, "王", "芳")
    named(approver, "陈", "杰")
    for user, (last, first) in zip(supervisors, [("刘", "洋"), ("黄", "伟")]):
        named(user, last, first)
    records = [due_record(stage_code="ZJ02.01", formed_on=dt.date(1990, 1 + i % 12, 5),
                          title=f"{1990}年{1 + i % 12}月社会保险费收款凭证（第{i + 1}册）")
               for i in range(45)]
    voucher = records[7]
    batch = closed_batch(records)
    hold(voucher, kind=HoldKind.UNSETTLED, placed_by=officer, name="某公司欠缴社会保险费追缴未结")
    (register,) = services.register_build(actor=officer, batch=batch)
    services.register_signatories_set(actor=officer, register=register, unit_head="张伟",
                                      archives_head="李静", accounting_head="王强",
                                      handler="赵敏")
    services.register_submit(actor=officer, register=register)
    services.register_approve(actor=approver, register=register)
    register = services.register_file(actor=officer, register=register, filed_on=clock.today(),
                                      reference="人社档备〔2026〕12号")
    for user in supervisors:
        DestructionSupervision.objects.create(register=register, supervisor=user)
    register = REGISTER_LIFECYCLE.apply(register, "register_execute", actor=None,
                                        method="shred", place="本中心档案库房销毁室")
    return REGISTER_LIFECYCLE.apply(register, "register_executed", actor=None,
                                    executed_at=dt.datetime.now(dt.UTC))


def pdf_text(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    return ["".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf))]


def test_the_pdf_has_cover_rows_excluded_apart_signatures_and_page_numbers(register):
    data = register_pdf(register)
    pages = pdf_text(data)
    total = len(pages)
    assert total >= 5  # cover, rows over two pages at least, the excluded, signatures
    cover = pages[0]
    for expected in ("档案销毁清册", "全宗号0211", "某市社会保险事业管理中心", "王芳", "周敏",
                     "陈杰", "刘洋", "黄伟", "粉碎", "本中心档案库房销毁室", "人社档备〔2026〕12号",
                     "单位负责人张伟", "档案机构负责人李静", "会计机构负责人王强", "经办人赵敏",
                     "44件", "另列1件", "第79号"):
        assert expected in cover, expected
    for number, text in enumerate(pages, start=1):
        assert f"第{number}页共{total}页" in text
        assert register.content_sha256 in text  # the footer of every page
    rows_pages = [t for t in pages if "销毁档案目录" in t or "应保管期限已保管期限" in t]
    assert len([t for t in pages if "序号档号题名" in t]) >= 3  # headings repeated
    listed = "".join(rows_pages)
    item = register.items.order_by("serial").first()
    assert item.record.archive_code in listed and "30年" in listed
    excluded = next(t for t in pages if "不予销毁、另列的档案" in t)
    voucher = register.items.get(state="excluded")
    assert voucher.record.archive_code in excluded and "未了事项" in excluded
    assert "签署页" in pages[-1] and "监销人刘洋" in pages[-1]


def test_a_register_not_yet_approved_leaves_the_lines_to_sign_empty(officer):
    (register,) = services.register_build(actor=officer, batch=closed_batch([due_record()]))
    cover = pdf_text(register_pdf(register))[0]
    assert "批准人年月日" in cover and "监销人年月日" in cover
    assert "清册尚未提交" in cover


def test_the_pdf_rendered_to_png_for_looking_at(register):
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail("pdftoppm is missing: scripts/system-packages installs poppler-utils")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "destruction-register.pdf"
    pdf.write_bytes(register_pdf(register))
    for old in ARTIFACTS.glob("destruction-register-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-r", "60", "-png", str(pdf),
                    str(ARTIFACTS / "destruction-register")], check=True)
    pngs = sorted(ARTIFACTS.glob("destruction-register-*.png"))
    assert len(pngs) == len(pdf_text(pdf.read_bytes()))
    assert all(p.stat().st_size > 5000 for p in pngs)


def test_the_xlsx_reads_back_with_cover_rows_and_the_excluded(register, officer):
    data, content_type, name = services.register_export(actor=officer, register=register,
                                                        fmt="xlsx")
    assert name == f"{register.number}.xlsx" and "spreadsheetml" in content_type
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == ["封面", "销毁档案目录", "不予销毁另列"]
    cover = {row[0]: row[1] for row in book["封面"].iter_rows(values_only=True)}
    assert cover["全宗号"] == "0211" and cover["销毁数量（件）"] == 44
    assert cover["批准人"] == "陈杰" and cover["监销人"] == "刘洋、黄伟"
    assert cover["会计机构负责人"] == "王强" and cover["内容 SHA-256"] == register.content_sha256
    rows = list(book["销毁档案目录"].iter_rows(values_only=True))
    assert rows[0] == ("序号", "档号", "题名", "年度/起止日期", "应保管期限", "已保管期限",
                       "页数/件数", "销毁原因", "备注")
    assert len(rows) == 45
    first = register.items.order_by("serial").first()
    assert rows[1][:2] == (1, first.record.archive_code)
    excluded = list(book["不予销毁另列"].iter_rows(values_only=True))
    assert len(excluded) == 2 and "未了事项" in excluded[1][8]
    event = AuditEvent.objects.filter(action="register_export").latest("sequence")
    assert event.details["sha256"] == hashlib.sha256(data).hexdigest()
    assert event.details["format"] == "xlsx"


def test_cells_that_would_be_formulas_are_written_as_text(officer):
    record = due_record(title="=HYPERLINK(\"http://x\")")
    (register,) = services.register_build(actor=officer, batch=closed_batch([record]))
    data, _type, _name = services.register_export(actor=officer, register=register, fmt="xlsx")
    rows = list(load_workbook(io.BytesIO(data), read_only=True)["销毁档案目录"]
                .iter_rows(values_only=True))
    assert rows[1][2] == "'=HYPERLINK(\"http://x\")"
