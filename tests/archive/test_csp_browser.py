"""With the Content-Security-Policy on, the counter and the admin run in Chromium without a
console error or a blocked script, and their scripts still work.

Screenshots go to test-artifacts/ (csp-*.png) for a person to look at.
"""

import datetime as dt

import pytest

from tests.archive.test_counter_browser import ID, scanned, start_visit  # noqa: F401
from tests.conftest import ARTIFACTS, sign_in, watch_problems
from tests.search.conftest import tantivy_search  # noqa: F401  (fixture)


def goto(page, url):
    """Open ``url`` and check it came with the policy: a page without one proves nothing."""
    response = page.goto(url)
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy, policy
    return response


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_counter_runs_its_scripts_under_the_policy(browser, live_server, clerk, scanned):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = watch_problems(page)
    sign_in(page, live_server, "li.na")
    start_visit(page, live_server)
    page.keyboard.type("/")  # the script's shortcut keeps the box focused
    page.fill("#ct-q", ID)
    page.keyboard.press("Enter")
    page.wait_for_url("**/counter/member/**")
    page.screenshot(path=ARTIFACTS / "csp-counter-member.png", full_page=True)
    page.click(f"text={scanned['record'].archive_code}")
    page.wait_for_url("**/counter/record/**")
    page.wait_for_function("() => document.querySelector('.ct-sheet:not([hidden]) img').complete")
    box = page.locator(".ct-sheet:not([hidden]) .ct-hit-box").first
    assert box.is_visible() and box.bounding_box()["width"] > 5  # placed by counter.js
    page.click("button[data-act=zoom-in]")
    assert page.inner_text(".ct-zoom") == "125%"
    page.click("button[data-act=next]")
    assert page.inner_text(".ct-pageno") == "2 / 2"
    page.click("button[data-act=prev]")
    page.wait_for_function("() => document.querySelector('.ct-sheet:not([hidden]) img').complete")
    page.screenshot(path=ARTIFACTS / "csp-counter-record.png", full_page=True)
    goto(page, f"{live_server.url}/counter/find/?q=养老")
    page.screenshot(path=ARTIFACTS / "csp-counter-find.png", full_page=True)
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_admin_pages_run_under_the_policy(browser, live_server, officer, scanned):
    record = scanned["record"]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    problems = watch_problems(page)
    sign_in(page, live_server, "wang.fang")
    page.screenshot(path=ARTIFACTS / "csp-admin-dashboard.png")
    # The sidebar is drawn by Wagtail's scripts; its menus open.
    page.click("button:has-text('档案目录')")
    page.wait_for_selector("a[href='/admin/record/']", state="visible")
    page.wait_for_timeout(500)  # the flyout slides in
    page.screenshot(path=ARTIFACTS / "csp-admin-menu.png")

    goto(page, f"{live_server.url}/admin/record/inspect/{record.pk}/")
    page.screenshot(path=ARTIFACTS / "csp-admin-record.png", full_page=True)
    goto(page, f"{live_server.url}/admin/record/correct/{record.pk}/")
    page.screenshot(path=ARTIFACTS / "csp-admin-record-correct.png")

    goto(page, f"{live_server.url}/admin/archive-search/?q=养老")
    assert "个档案" in page.inner_text("body")
    page.screenshot(path=ARTIFACTS / "csp-admin-search.png", full_page=True)
    goto(page, f"{live_server.url}/admin/ingest/upload/")
    page.screenshot(path=ARTIFACTS / "csp-admin-upload.png")
    batch = record.batch_items.get().batch_id
    goto(page, f"{live_server.url}/admin/ingest/batch/{batch}/")
    page.screenshot(path=ARTIFACTS / "csp-admin-batch.png")
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_wagtails_date_chooser_starts_without_its_inline_script(browser, live_server, auditor):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    problems = watch_problems(page)
    sign_in(page, live_server, "zhao.lei")
    goto(page, f"{live_server.url}/admin/auditevent/")
    page.click("button[aria-label='显示过滤器']")
    page.click("button[aria-controls='drilldown-id_occurred_at']")
    page.click("#id_occurred_at")
    page.wait_for_selector(".xdsoft_datetimepicker", state="visible")
    page.screenshot(path=ARTIFACTS / "csp-admin-audit-date-chooser.png")
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_api_docs_render_under_the_policy(browser, live_server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = watch_problems(page)
    goto(page, f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=15000)
    page.screenshot(path=ARTIFACTS / "csp-api-docs.png")
    goto(page, f"{live_server.url}/api/v1/redoc/")
    page.wait_for_selector("[data-section-id]", timeout=15000)
    page.screenshot(path=ARTIFACTS / "csp-api-redoc.png")
    # ReDoc's "by Redocly" logo is on a CDN: the policy keeps the closed network closed.
    problems = [p for p in problems if "cdn.redoc.ly" not in p]
    assert problems == [], "\n".join(problems)
