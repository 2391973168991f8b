"""What the page says becomes the record's data: heading, names, units, dates, stage."""

import datetime as dt

import pypdfium2 as pdfium
import pytest
from django.urls import reverse

from catalog import services
from catalog.models import Member, RecordStatus, Unit
from ingest.extract import extract
from tests.archive.test_counter import member, records, start_visit, unit  # noqa: F401 (fixtures)
from tests.catalog import factories
from tests.ingest import samples
from tests.ingest.test_pipeline import ingest

pytestmark = pytest.mark.django_db
ID = factories.citizen_id("350102", "19760118", "457")
CODE = factories.credit_code("91350102", "M0001000")

# Tesseract's reading of a 缴费基数核定表: spaces between Chinese characters, a label's
# cell apart from its value, 0 read as O in the ID number, 日 dropped from a date.
TESSERACT_TEXT = "\n".join([
    "表 号 : ZJ-2705",
    "社 会 保 险 缴 费 基 数 核 定 表",
    "经 办 机 构 : 福 州 市 鼓 楼 区 社 会 保 险 事 业 管 理 中 心 金 额 单 位 ; 元",
    "参 保 人 员 基 本 信 息",
    "姓 名 唐 珍 华 性 别 男",
    f"公 民 身 份 号 码 {ID[:4]}O{ID[5:]}",
    "出 生 日 期 1976 年 1 月 18 日",
    "单 位 名 称 福 州 市 恒 信 机 械 制 造 有 限 公 司",
    f"统 一 社 会 信 用 代 码 {CODE}",
    "基 本 养 老 保 险 20,648.75 0.5% 4,707.79 489.09",
    "申 请 人 ( 签 字 ) : 唐 珍 华 单 位 〈 盖 章 ) :",
    "填 表 日 期 : 2005 年 4 月 18",
    "经 办 人 : 程 霞 华 复 核 人 : 段 志 审 核 日 期 : 2005 年 5 月 10 日",
])


def words(*rows):
    """Word boxes as OCR gives them: each (text, left) on a row 60 px below the last."""
    out = []
    for r, row in enumerate(rows):
        for text, left in row:
            out.append([text, left, 100 + r * 60, 30 * len(text), 30, 91.0])
    return out


def test_tesseract_text_gives_title_stage_member_unit_and_fill_in_date():
    found = extract([(TESSERACT_TEXT, [])])
    assert found.title[0] == "社会保险缴费基数核定表" and found.title[1] >= 0.7
    assert found.stage[0] == "ZJ01" and found.stage[1] >= 0.6
    assert found.members == [{"id_number": ID, "name": "唐珍华", "confidence": pytest.approx(
        found.members[0]["confidence"])}]
    assert found.members[0]["confidence"] >= 0.7
    assert [(u["credit_code"], u["name"]) for u in found.units] == [(CODE, "福州市恒信机械制造有限公司")]
    # The form's own date, not the later review date nor the birth date.
    assert found.formed_on[0] == dt.date(2005, 4, 18) and found.formed_on[1] >= 0.7


def test_word_boxes_put_a_label_beside_its_value_when_the_text_lines_part_them():
    # The engine's lines came out cell by cell; only the boxes say 姓名 and 李四 share a row.
    text = "失业保险金申领登记表\n姓名\n性别\n李四\n男\n公民身份号码\n" + ID
    boxes = words([("失业保险金申领登记表", 300)], [("姓名", 100), ("李四", 400), ("性别", 800)],
                  [("公民身份号码", 100), (ID, 400)])
    assert extract([(text, [])]).members[0]["name"] == ""
    found = extract([(text, boxes)])
    assert found.members[0]["name"] == "李四" and found.members[0]["confidence"] >= 0.7
    assert found.stage[0] == "SB03"


def test_a_name_not_beside_a_label_is_an_unsure_suggestion_and_the_latest_date_is_not_trusted():
    text = "工伤认定申请表\n" + f"{ID}\n王小明 李大同\n2019年3月1日 2019年4月2日"
    found = extract([(text, [])])
    assert found.stage[0] == "GS02"
    assert found.members[0]["id_number"] == ID and found.members[0]["confidence"] < 0.7
    assert found.formed_on[1] < 0.7


@pytest.mark.parametrize("written", ["申请日期 2013 年 4 月 :日", "申请日期:2013年4月I日",
                                     "申请日期 2013 年 4 月 1"])
def test_a_fill_in_date_is_read_through_common_ocr_slips(written):
    found = extract([(f"审核日期 2013年4月20日\n{written}", [])])
    assert found.formed_on[0] == dt.date(2013, 4, 1) and found.formed_on[1] >= 0.7


def test_suggestions_have_the_shape_the_review_form_reads():
    shape = extract([(TESSERACT_TEXT, [])]).suggestions
    assert set(shape) == {"title", "formed_on", "stage", "members", "units"}
    assert shape["formed_on"] == {"value": "2005-04-18", "confidence": shape["formed_on"]["confidence"]}
    assert set(shape["members"][0]) == {"id_number", "name", "confidence"}
    assert set(shape["units"][0]) == {"credit_code", "name", "confidence"}
    assert isinstance(shape["stage"]["value"], str) and isinstance(shape["title"]["confidence"], float)


FORM = ["社会保险费补缴申请表", f"姓名 张三丰 公民身份号码 {ID}", "单位名称 福州市恒信机械制造有限公司",
        f"统一社会信用代码 {CODE}", "出生日期 1976年1月18日", "申请日期 2013年4月8日",
        "审核日期 2013年4月20日"]


@pytest.fixture
def archive(local_store):
    factories.fonds()
    return local_store


def test_pipeline_applies_confident_readings_title_names_date_and_stage(archive):
    item = ingest("zhangsan-jiaofei.png", samples.encode([samples.page_image(FORM)], "PNG"))
    record = item.record
    assert record.status == RecordStatus.READY, record.errors
    assert record.title == "社会保险费补缴申请表"
    assert record.stage.code == "ZJ01" and record.formed_on == dt.date(2013, 4, 8)
    assert Member.objects.get(id_number=ID).name == "张三丰"
    assert Unit.objects.get(credit_code=CODE).name == "福州市恒信机械制造有限公司"
    assert record.suggestions["members"][0]["name"] == "张三丰"
    assert record.suggestions["title"]["value"] == "社会保险费补缴申请表"


def test_pipeline_never_overwrites_a_name_an_officer_set_nor_a_manifest_title(archive):
    services.member_create(actor=None, id_number=ID, name="张三")
    item = ingest("scan-0001.png", samples.encode([samples.page_image(FORM)], "PNG"),
                  title="张三 补缴申请")
    assert Member.objects.get(id_number=ID).name == "张三"
    assert item.record.title == "张三 补缴申请"
    assert item.record.suggestions["members"][0]["name"] == "张三丰"  # still shown to review


def test_unsure_readings_stay_suggestions_and_the_record_waits_for_review(archive, settings):
    settings.INGEST_EXTRACT_THRESHOLD = 0.99
    item = ingest("zhangsan-jiaofei.png", samples.encode([samples.page_image(FORM)], "PNG"))
    record = item.record
    assert record.status == RecordStatus.NEEDS_REVIEW
    assert record.title == "zhangsan-jiaofei" and record.formed_on is None
    assert Member.objects.get(id_number=ID).name == ""
    assert record.members.filter(id_number=ID).exists()  # linked, as a suggestion
    assert record.suggestions["formed_on"]["value"] == "2013-04-08"
    assert "形成日期不确定" in " ".join(record.errors) or "formation date uncertain" in " ".join(
        record.errors)


def test_the_certified_copy_names_the_officer_by_full_name(client, clerk, records):  # noqa: F811
    clerk.last_name, clerk.first_name = "李", "娜"
    clerk.save()
    start_visit(client, clerk)
    response = client.post(reverse("counter:copy", args=[records["pension"].pk]), {"pages": [1]})
    assert response.status_code == 200
    pdf = pdfium.PdfDocument(response.content)
    first = "".join(pdf[0].get_textpage().get_text_range().split())
    assert "经办人李娜" in first and "li.na" not in first
    page = client.get(reverse("counter:home"))
    assert "李娜" in page.content.decode()
