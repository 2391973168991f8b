"""The API docs and the core intake's admin pages in headless Chromium."""

import pytest

from tests.conftest import ARTIFACTS, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_api_docs_render_from_vendored_assets_only(browser, live_server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(live_server.url) and not r.url.startswith("data:") else None)
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector("text=/api/v1/core/documents/", timeout=20_000)
    page.click("text=Push a document of the core")
    page.wait_for_selector("text=Idempotency-Key", timeout=10_000)
    page.screenshot(path=ARTIFACTS / "core-api-docs.png", full_page=False)
    assert outside == [], outside  # no CDN: closed networks


def test_officer_sees_the_mapping_in_chinese(browser, live_server, officer):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "wang.fang")
    page.goto(f"{live_server.url}/admin/core_business_types/")
    body = page.inner_text("body")
    assert "核心系统对接" in body and "核心系统业务类型" in body
    assert "社会保险费申报表" in body and "ZJ03 社会保险基金征缴明细表和汇总表" in body
    page.screenshot(path=ARTIFACTS / "core-mapping.png", full_page=True)
