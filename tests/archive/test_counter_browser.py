"""The counter in headless Chromium: a clerk serves a member from ID number to printed copy.

Screenshots go to test-artifacts/ (counter-*.png) for a person to look at.
"""

import datetime as dt

import pytest

from catalog import services
from catalog.models import Member, Record, Sensitivity
from ingest.inline import process_records
from ingest.services import Source, batch_create, file_ingest
from search.services import index_pending_process
from tests.archive import factories as pages
from tests.catalog import factories
from tests.conftest import ARTIFACTS, sign_in
from tests.ingest import samples
from tests.search.conftest import tantivy_search  # noqa: F401  (fixture)

ID = factories.citizen_id()  # 11010519491231002X
SCAN = [["养老保险待遇核定表", f"公民身份号码 {ID}", "姓名 张三 缴费年限 15年", "核定日期 2015年3月2日"],
        ["附件 缴费明细", "2014年 缴费基数 4500", "2015年 缴费基数 4800"]]


@pytest.fixture
def scanned(local_store, tantivy_search):
    """A two-page scan ingested for real (Tesseract), its member named, and indexed."""
    factories.fonds()
    batch = batch_create(actor=None, source="test")
    data = samples.encode([samples.page_image(lines) for lines in SCAN], "TIFF")
    item = file_ingest(actor=None, batch=batch, source=Source("pension.tif", data),
                       metadata={"stage": "YL01", "date": "2015-03-02", "title": "养老保险待遇核定表"},
                       queue=False)
    process_records([item.record_id], processes=1)
    record = Record.objects.get(pk=item.record_id)
    assert record.status == "ready", record.errors
    member = Member.objects.get(id_number=ID)  # linked from the OCR text
    services.member_update(actor=None, member=member, name="张三")
    restricted = factories.record(stage_code="GS01", formed_on=dt.date(2016, 7, 9),
                                  title="工伤认定决定书", members=[member],
                                  sensitivity=Sensitivity.RESTRICTED)
    pages.page(restricted, ["工伤认定决定书", f"公民身份号码 {ID}"])
    index_pending_process()
    return {"record": record, "restricted": restricted, "member": member}


def start_visit(page, live_server):
    page.goto(f"{live_server.url}/counter/")
    page.check("input[value=own_enquiry]")
    page.fill("input[name=detail]", "本人持身份证查询")
    page.click("button.ct-primary")
    page.wait_for_selector("#ct-q:focus")  # keyboard first: the box has the focus


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_clerk_goes_from_id_number_to_member_record_highlighted_page_and_print(
        browser, live_server, clerk, scanned):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    sign_in(page, live_server, "li.na")
    start_visit(page, live_server)
    page.keyboard.type(ID.lower())
    page.keyboard.press("Enter")
    page.wait_for_url("**/counter/member/**")
    body = page.inner_text("body")
    assert "张三" in body and "110105********002X" in body and ID not in body
    assert "养老保险待遇核定表" in body and "工伤认定决定书" not in body  # restricted: not listed
    page.screenshot(path=ARTIFACTS / "counter-member.png", full_page=True)

    page.click(f"text={scanned['record'].archive_code}")
    page.wait_for_url("**/counter/record/**")
    page.wait_for_function("() => document.querySelector('.ct-sheet:not([hidden]) img').complete")
    assert page.inner_text(".ct-pageno") == "1 / 2"
    hits = page.locator(".ct-sheet:not([hidden]) .ct-hit-box")
    assert hits.count() >= 1 and hits.first.is_visible()
    assert page.locator(".ct-text:not([hidden]) mark").first.inner_text().upper() == ID
    natural = page.evaluate("document.querySelector('.ct-sheet:not([hidden]) img').naturalWidth")
    assert natural > 0
    page.screenshot(path=ARTIFACTS / "counter-record.png", full_page=True)

    page.keyboard.press("ArrowRight")
    assert page.inner_text(".ct-pageno") == "2 / 2"
    page.wait_for_function("() => document.querySelector('.ct-sheet:not([hidden]) img').complete")
    assert "缴费明细" in page.inner_text(".ct-text:not([hidden])")
    page.keyboard.press("+")
    assert page.inner_text(".ct-zoom") == "125%"
    page.keyboard.press("r")

    page.keyboard.press("p")
    page.wait_for_url("**/copy/")
    page.screenshot(path=ARTIFACTS / "counter-copy.png", full_page=True)
    with page.expect_download() as download:
        page.click("#ct-make-copy")
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF") and download.value.suggested_filename.startswith("FZ")
    import pypdfium2 as pdfium
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 3  # certificate + two pages
    document[1].render(scale=1).to_pil().save(ARTIFACTS / "counter-copy-page1.png")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_counter_clerk_is_blocked_from_a_restricted_record(browser, live_server, clerk, scanned):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "li.na")
    start_visit(page, live_server)
    response = page.goto(f"{live_server.url}/counter/record/{scanned['restricted'].pk}/")
    assert response.status == 403
    assert "您无权打开此档案" in page.inner_text("body")
    page.screenshot(path=ARTIFACTS / "counter-blocked.png", full_page=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_record_view_fits_a_small_screen_at_150_percent_zoom(browser, live_server, clerk,
                                                                 scanned):
    # A 1280×800 window screen at 150% browser zoom lays out 853×533 CSS pixels.
    page = browser.new_page(viewport={"width": 853, "height": 533}, device_scale_factor=1.5)
    sign_in(page, live_server, "li.na")
    start_visit(page, live_server)
    for url in (f"/counter/member/{scanned['member'].pk}/",
                f"/counter/record/{scanned['record'].pk}/?q={ID}"):
        page.goto(live_server.url + url)
        overflow = page.evaluate("document.documentElement.scrollWidth - "
                                 "document.documentElement.clientWidth")
        assert overflow <= 1, f"{url} scrolls sideways by {overflow}px"
    assert page.locator(".ct-toolbar button[data-act=next]").is_visible()
    page.screenshot(path=ARTIFACTS / "counter-record-150.png", full_page=True)
