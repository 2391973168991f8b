"""Ingest end to end in this process: every format to ready, every bad input refused clearly."""

import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from PIL import Image

from archive.models import StoredObject
from catalog.models import Record, RecordStatus
from ingest.inline import process_records
from ingest.models import BatchItem, FourPropertiesCheck
from ingest.services import Source, batch_create, file_ingest
from tests.catalog import factories
from tests.ingest import samples

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def archive(local_store):
    factories.fonds()
    return local_store


def ingest(name: str, data: bytes, **metadata):
    batch = batch_create(actor=None, source="test")
    item = file_ingest(actor=None, batch=batch, source=Source(name, data), metadata=metadata,
                       queue=False)
    if item.record_id:
        process_records([item.record_id], processes=1)
        item.record.refresh_from_db()
    return item


@pytest.mark.parametrize("name, data, pages", [
    ("reg.tif", samples.encode([samples.page_image(samples.REGISTRATION),
                                samples.page_image(samples.CONTRIBUTION)], "TIFF"), 2),
    ("reg.jpg", samples.encode([samples.page_image(samples.REGISTRATION)], "JPEG"), 1),
    ("reg.png", samples.encode([samples.page_image(samples.REGISTRATION)], "PNG"), 1),
    ("reg-scan.pdf", samples.encode([samples.page_image(samples.REGISTRATION)], "PDF"), 1),
    ("reg.pdf", samples.born_digital_pdf([samples.REGISTRATION]), 1),
])
def test_each_format_reaches_ready_with_page_text_and_word_boxes(name, data, pages):
    item = ingest(name, data, stage="GL01", date="2013-04-01")
    record = item.record
    assert record.status == RecordStatus.READY, record.errors
    assert record.archive_code == "0211-GL·2013-Y-0001"
    stored = list(record.pages.order_by("number"))
    assert len(stored) == pages
    first = stored[0]
    assert "参保单位登记表" in first.text
    assert first.words and all(len(w) == 6 for w in first.words)
    # Born-digital pages are rendered too, so the counter can show and print every page.
    assert first.object_sha256 and first.thumbnail_sha256 and first.width and first.height
    assert first.text_source == ("pdf_text" if name == "reg.pdf" else "ocr")


def test_ocr_text_has_no_spaces_between_chinese_characters():
    item = ingest("con.png", samples.encode([samples.page_image(samples.CONTRIBUTION)], "PNG"),
                  stage="ZJ01", date="2009-03-15")
    text = item.record.pages.get().text
    assert "缴费基数核定表" in text
    assert "11010519491231002X" in text
    assert item.record.pages.get().raw_ocr  # the raw output with coordinates is kept


def test_record_is_classified_from_its_text_and_linked_to_the_member_found():
    item = ingest("con.png", samples.encode([samples.page_image(samples.CONTRIBUTION)], "PNG"))
    record = item.record
    assert record.status == RecordStatus.READY, record.errors
    assert record.stage.code == "ZJ01" and record.formed_on.isoformat() == "2009-03-15"
    assert record.classification_confidence >= 0.6
    assert list(record.members.values_list("id_number", flat=True)) == ["11010519491231002X"]


def test_uncertain_classification_waits_for_review():
    blank = samples.page_image(["2015年1月1日"])
    item = ingest("note.png", samples.encode([blank], "PNG"))
    assert item.record.status == RecordStatus.NEEDS_REVIEW
    assert item.record.archive_code is None
    assert "分类不确定" in item.record.errors[0]


def test_four_properties_result_is_stored_per_record():
    item = ingest("reg.png", samples.encode([samples.page_image(samples.REGISTRATION)], "PNG"),
                  stage="GL01", date="2013-04-01")
    check = FourPropertiesCheck.objects.get(record=item.record)
    assert check.passed
    assert {i["property"] for i in check.items} == {"authenticity", "integrity", "usability",
                                                    "security"}


def test_the_same_file_twice_gives_the_existing_record():
    data = samples.encode([samples.page_image(samples.REGISTRATION)], "PNG")
    first = ingest("a.png", data, stage="GL01", date="2013-04-01")
    second = ingest("copy-of-a.png", data, stage="GL01", date="2013-04-01")
    assert first.record_id == second.record_id
    assert Record.objects.count() == 1


def _bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000), 1).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, message", [
    ("empty.png", b"", "文件为空"),
    ("cut.png", samples.encode([samples.page_image(samples.REGISTRATION)], "PNG")[:4000],
     "无法解码"),
    ("bomb.png", _bomb(), "解压炸弹"),
    ("secret.pdf", samples.encrypted_pdf(), "加密"),
    ("setup.jpg", b"MZ\x90\x00\x03" + b"\x00" * 500, "可执行程序"),
    ("notes.txt.jpg", "这不是图片".encode() * 20, "格式不受支持"),
])
def test_bad_inputs_get_their_own_error_and_keep_the_original(name, data, message, settings):
    settings.INGEST_MAX_PAGES = 50
    item = ingest(name, data)
    errors = item.errors or (item.record.errors if item.record else [])
    assert any(message in e for e in errors), errors
    if data:
        assert StoredObject.objects.filter(sha256=item.original_sha256).exists()
    if item.record:
        assert item.record.status == RecordStatus.FAILED


def _zip(entries: dict[str, bytes], path):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def _run_cli(*args) -> tuple[int, list[dict]]:
    out = StringIO()
    try:
        call_command("ingest", *args, "--wait", "--json", "--processes", "1", stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_cli_batch_goes_on_past_bad_entries_and_manifest_rows(tmp_path):
    good = samples.encode([samples.page_image(samples.REGISTRATION)], "PNG")
    other = samples.encode([samples.page_image(samples.CONTRIBUTION)], "JPEG")
    bundle = _zip({"scans/a.png": good, "../../etc/evil.png": good, "scans/b.jpg": other,
                   "scans/c.png": samples.encode([samples.page_image(["2014年5月6日 登记"])], "PNG")},
                  tmp_path / "batch.zip")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "file,fonds,year,category,stage,volume,title,date,member_ids,unit_codes\n"
        "a.png,0211,2013,GL,GL01,,参保单位登记表,2013-04-01,,91350100M000100Y43\n"
        "b.jpg,0211,2009,ZJ,ZJ01,,缴费基数核定表,2009-03-15,110105194912310021,\n"
        "c.png,0211,2014,GL,GL99,,登记,2014-05-06,,\n"
        "missing.png,0211,2014,GL,GL01,,不存在,2014-05-06,,\n", encoding="utf-8")
    code, rows = _run_cli(str(bundle), "--manifest", str(manifest))
    assert code == 1
    by_source = {r["source"].rsplit("/", 1)[-1]: r for r in rows}
    assert by_source["a.png"]["status"] == "ready"
    assert by_source["a.png"]["archive_code"] == "0211-GL·2013-Y-0001"
    assert "路径不安全" in by_source["evil.png"]["errors"][0]
    assert "member_ids" in by_source["b.jpg"]["errors"][0]
    assert "check_digit" in by_source["b.jpg"]["errors"][0]
    assert "未知业务环节代码GL99" in by_source["c.png"]["errors"][0]
    assert "文件中没有" in by_source["missing.png"]["errors"][0]
    assert set(rows[0]) >= {"id", "source", "archive_code", "status", "pages", "category",
                            "stage", "retention", "errors"}
    record = Record.objects.get(pk=by_source["a.png"]["id"])
    assert list(record.units.values_list("credit_code", flat=True)) == ["91350100M000100Y43"]


def test_cli_with_text_prints_each_page_text(tmp_path):
    path = tmp_path / "reg.png"
    path.write_bytes(samples.encode([samples.page_image(samples.REGISTRATION)], "PNG"))
    code, rows = _run_cli(str(path), "--stage", "GL01", "--with-text")
    assert code == 0
    assert rows[0]["status"] in ("ready", "needs_review")
    assert "参保单位登记表" in rows[0]["pages_text"][0]


def test_batch_items_remember_refusals():
    batch = batch_create(actor=None, source="test")
    file_ingest(actor=None, batch=batch, source=Source("x.png", b""), queue=False)
    assert BatchItem.objects.get(batch=batch).refused


def test_an_xlsx_manifest_supplies_metadata(tmp_path):
    from openpyxl import Workbook
    scan = tmp_path / "con.jpg"
    scan.write_bytes(samples.encode([samples.page_image(samples.CONTRIBUTION)], "JPEG"))
    book = Workbook()
    sheet = book.active
    sheet.append(["file", "fonds", "year", "category", "stage", "volume", "title", "date",
                  "member_ids", "unit_codes"])
    sheet.append(["con.jpg", "0211", 2009, "ZJ", "ZJ01", None, "缴费基数核定表",
                  __import__("datetime").date(2009, 3, 15), "11010519491231002x", None])
    book.save(tmp_path / "manifest.xlsx")
    code, rows = _run_cli(str(scan), "--manifest", str(tmp_path / "manifest.xlsx"))
    assert code == 0, rows
    assert rows[0]["archive_code"] == "0211-ZJ·2009-H-0001"
    record = Record.objects.get(pk=rows[0]["id"])
    assert record.title == "缴费基数核定表"
    assert record.recordmember_set.get().source == "manual"
