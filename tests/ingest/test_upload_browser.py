"""Uploading in headless Chromium: choose files, watch the batch finish."""

import pytest

from catalog.models import Record
from ingest.inline import process_records
from tests.catalog import factories
from tests.conftest import ARTIFACTS, sign_in
from tests.ingest import samples


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_officer_uploads_in_the_browser_and_watches_the_batch(browser, live_server, officer,
                                                              tmp_path, local_store):
    factories.fonds()
    scan = tmp_path / "参保单位登记表.png"
    scan.write_bytes(samples.encode([samples.page_image(samples.REGISTRATION)], "PNG"))
    bad = tmp_path / "setup.jpg"
    bad.write_bytes(b"MZ" + b"\x00" * 200)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "wang.fang")
    page.goto(f"{live_server.url}/admin/ingest/upload/")
    page.set_input_files("input[type=file]", [str(scan), str(bad)])
    page.fill("input[name=formed_on]", "2013-04-01")
    page.screenshot(path=ARTIFACTS / "ingest-upload.png")
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/ingest/batch/*/")

    process_records(list(Record.objects.values_list("pk", flat=True)), processes=1)
    page.wait_for_function("() => document.querySelector('[data-rows]').innerText.includes('已就绪')",
                           timeout=15000)
    page.screenshot(path=ARTIFACTS / "ingest-batch.png")
    body = page.inner_text("body")
    assert "0211-GL·2013-Y-0001" in body
    assert "可执行程序" in body
    assert "1 / 1" in body
