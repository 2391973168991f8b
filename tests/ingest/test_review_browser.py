"""Review and correction in headless Chromium, as an archive officer works through them.

Screenshots go to test-artifacts/ (review-*.png) for a person to look at.
"""

import datetime as dt

import pytest

from catalog import services
from catalog.models import Record, RecordStatus
from tests.archive import factories as pages
from tests.catalog import factories
from tests.conftest import ARTIFACTS, sign_in

ID = factories.citizen_id()


def waiting(title: str, lines: list[str]) -> Record:
    record = factories.record(title=title, stage_code="GL04", status=RecordStatus.PROCESSING,
                              formed_on=dt.date(2015, 1, 1))
    pages.page(record, lines)
    factories.in_review(record)
    return record


def wait_for_page_image(page):
    page.wait_for_function(
        "() => { const i = document.querySelector('.ct-sheet:not([hidden]) img');"
        " return i && i.complete && i.naturalWidth > 0; }")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_officer_works_through_the_queue_from_the_scan(browser, live_server, officer,
                                                        local_store):
    first = waiting("zhangsan-dengji", ["社会保险登记证管理 验证换证", f"公民身份号码 {ID}", "姓名 张三"])
    member = services.member_create(actor=None, id_number=ID, name="张三")
    services.record_link_member(actor=None, record=first, member=member, source="suggested")
    second = waiting("lisi-dengji", ["社会保险登记证 补证", "单位 某某公司"])
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    sign_in(page, live_server, "wang.fang")
    page.click("a[href='/admin/ingest/review/']")
    page.wait_for_selector("#review-queue")
    rows = page.locator("#review-queue tbody tr")
    assert rows.count() == 2 and "zhangsan-dengji" in rows.first.inner_text()
    page.screenshot(path=ARTIFACTS / "review-queue.png", full_page=True)

    rows.first.locator("a").click()
    page.wait_for_url(f"**/admin/ingest/review/{first.pk}/")
    wait_for_page_image(page)
    boxes = page.locator(".ct-sheet:not([hidden]) .ct-hit-box")
    assert boxes.count() >= 1 and boxes.first.is_visible()  # the suggested ID number, boxed
    assert page.locator(".ct-text:not([hidden]) mark").first.inner_text() == ID
    assert page.locator("[data-suggestion=stage]").is_visible()
    page.fill("input[name=title]", "张三 社会保险登记证")
    page.screenshot(path=ARTIFACTS / "review-form.png", full_page=True)
    # The stage's long name stays inside the form's pane, not under the viewer.
    pane = page.locator(".ct-meta-pane").bounding_box()
    select = page.locator("select[name=stage]").bounding_box()
    assert select["x"] + select["width"] <= pane["x"] + pane["width"]
    page.click("#ingest-file")

    page.wait_for_url(f"**/admin/ingest/review/{second.pk}/")
    wait_for_page_image(page)
    first.refresh_from_db()
    assert first.status == RecordStatus.READY and first.title == "张三 社会保险登记证"
    assert first.archive_code in page.inner_text(".messages")  # "filed as …" above the next
    page.screenshot(path=ARTIFACTS / "review-next.png", full_page=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_record_refiled_under_another_stage_is_still_found_by_its_old_code(
        browser, live_server, officer, local_store):
    record = factories.record(stage_code="GL04", formed_on=dt.date(2015, 3, 2),
                              title="养老保险待遇核定表")
    pages.page(record, ["养老保险待遇核定表", "核定日期 2015年3月2日"])
    old = record.archive_code
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    sign_in(page, live_server, "wang.fang")
    page.goto(f"{live_server.url}/admin/record/inspect/{record.pk}/")
    wait_for_page_image(page)
    page.locator(".ingest-scan").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "review-inspect-scan.png")
    page.click(f"a[href='/admin/record/correct/{record.pk}/']")
    page.select_option("select[name=stage]", str(factories.stage("YL01").pk))
    page.fill("input[name=reason]", "业务环节分错，应为养老保险待遇核定材料")
    page.screenshot(path=ARTIFACTS / "review-correct.png", full_page=True)
    page.click("#record-correct button[type=submit]")
    page.wait_for_url(f"**/admin/record/inspect/{record.pk}/")
    record.refresh_from_db()
    assert record.stage.code == "YL01" and record.archive_code != old
    body = page.inner_text("body")
    assert record.archive_code in body and old in body
    page.screenshot(path=ARTIFACTS / "review-corrected.png", full_page=True)

    page.goto(f"{live_server.url}/counter/")
    page.check("input[value=official]")
    page.fill("input[name=detail]", "核对档号")
    page.click("button.ct-primary")
    page.wait_for_selector("#ct-q:focus")
    page.keyboard.type(old)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/counter/record/{record.pk}/")
    meta = page.inner_text(".ct-meta-pane")
    assert record.archive_code in meta and "原档号" in meta and old in meta
    page.screenshot(path=ARTIFACTS / "review-counter-old-code.png", full_page=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_batch_page_keeps_the_review_links_when_it_refreshes(browser, live_server, officer,
                                                                 local_store):
    from ingest.services import Source, batch_create, file_ingest
    from tests.ingest import samples
    factories.fonds()
    batch = batch_create(actor=None, source="upload", label="a.png, b.png")
    items = [file_ingest(actor=None, batch=batch, queue=False, source=Source(
        name, samples.encode([samples.page_image([name])], "PNG"))) for name in ("a.png", "b.png")]
    held = Record.objects.get(pk=items[0].record_id)
    held = services.record_transition(actor=None, record=held, transition="process")
    services.record_transition(actor=None, record=held, transition="review")
    # b.png stays received: the batch is unfinished, so the page refreshes itself.
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, live_server, "wang.fang")
    page.goto(f"{live_server.url}/admin/ingest/batch/{batch.pk}/")
    page.evaluate("document.querySelector('[data-rows] tr').dataset.old = '1'")
    page.wait_for_function("() => !document.querySelector('[data-rows] tr[data-old]')")
    link = page.locator(f"[data-rows] a[href='/admin/ingest/review/{held.pk}/']")
    assert link.count() == 1 and link.inner_text() == "待审核"
    page.screenshot(path=ARTIFACTS / "review-batch-refreshed.png", full_page=True)
    link.click()
    page.wait_for_url(f"**/admin/ingest/review/{held.pk}/")
