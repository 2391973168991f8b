"""The hold pages in a real browser: no console errors or CSP violations; screenshots looked at."""

import pytest
from django.urls import reverse

from tests.conftest import ARTIFACTS, sign_in, watch_problems
from tests.retention.factories import due_record
from tests.retention.holds import hold

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_listing_detail_and_release_pages(browser, live_server, officer):
    officer.first_name, officer.last_name = "芳", "王"
    officer.save()
    placed = hold(officer, records=[due_record(), due_record()], name="稽核冻结")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = watch_problems(page)
    sign_in(page, live_server, officer.username)
    page.goto(live_server.url + reverse("hold:index"))
    assert page.get_by_text("稽核冻结").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "hold-listing.png"), full_page=True)
    page.goto(live_server.url + reverse("hold:inspect", args=[placed.pk]))
    assert "共涉及 2 件" in page.content()
    page.screenshot(path=str(ARTIFACTS / "hold-detail.png"), full_page=True)
    page.get_by_role("link", name="解除冻结").first.click()
    page.fill("textarea[name=reason]", "稽核已结")
    page.get_by_role("button", name="解除冻结").click()
    page.wait_for_url(live_server.url + reverse("hold:inspect", args=[placed.pk]))
    assert "已解除" in page.content()
    page.goto(live_server.url + reverse("wagtailadmin_home"))
    page.screenshot(path=str(ARTIFACTS / "hold-dashboard.png"), full_page=True)
    assert problems == []
