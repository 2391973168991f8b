"""The back office in headless Chromium: sign in, see the file plan and the records.

Screenshots are written to test-artifacts/ for a person to look at.
"""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from tests.catalog import factories

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian chromium is not installed: scripts/system-packages installs it")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # test around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _sign_in(page, live_server, username: str):
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "correct-horse-42")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_officer_signs_in_and_sees_the_file_plan_and_records(browser, live_server, officer):
    factories.record(stage_code="GL01", formed_on=dt.date(2013, 4, 1), title="参保单位登记表")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    _sign_in(page, live_server, "wang.fang")

    page.goto(f"{live_server.url}/admin/stage/?category=1")
    page.screenshot(path=ARTIFACTS / "admin-stages.png", full_page=False)
    body = page.inner_text("body")
    assert "业务环节" in body and "GL01" in body and "参保单位登记材料" in body

    page.goto(f"{live_server.url}/admin/record/")
    page.screenshot(path=ARTIFACTS / "admin-records.png", full_page=False)
    body = page.inner_text("body")
    assert "0211-GL·2013-Y-0001" in body and "参保单位登记表" in body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_wrong_password_keeps_the_officer_out(browser, live_server, officer):
    page = browser.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "wang.fang")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/admin/login/" in page.url
    page.goto(f"{live_server.url}/admin/record/")
    assert "/admin/login/" in page.url
