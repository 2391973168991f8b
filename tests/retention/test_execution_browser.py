"""The execution page in headless Chromium: two supervisors re-authenticate, progress shows.

Screenshots go to test-artifacts/ (execution-*.png) for a person to look at.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from retention.models import ItemState, RegisterState
from retention.services import destruction_item_execute
from tests.conftest import ARTIFACTS, sign_in, watch_problems
from tests.retention.filed import filed_register
from tests.retention.stored import stored_record

PASSWORD = "correct-horse-42"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_executor_and_two_supervisors_destroy_a_register_on_the_page(
        browser, live_server, local_store, officer, approver, second_officer, supervisors,
        empty_broker, settings, tmp_path):
    settings.ARCHIVE_SEARCH = {"BACKEND": "search.backends.tantivy.TantivyBackend",
                               "OPTIONS": {"path": str(tmp_path / "search")}}
    records = [stored_record(f"页面销毁{n}", pages_count=1) for n in range(3)]
    register = filed_register(records, prepared_by=officer, approved_by=approver)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    problems = watch_problems(page)
    sign_in(page, live_server, "ma.lin")
    url = live_server.url + reverse("retention_register_execute", args=[register.pk])
    page.goto(url)
    assert "执行销毁" in page.content() and register.number in page.content()

    page.select_option("select[name=method]", "shred")
    page.fill("input[name=place]", "本中心档案库房销毁室")
    for n in (1, 2):
        page.fill(f"input[name=supervisor_{n}]", "liu.yang")
        page.fill(f"input[name=password_{n}]", PASSWORD)
    page.click("[data-execute-form] button[type=submit]")
    error = page.locator("[data-error=supervisor_2]")
    assert "两名监销人须为不同的人" in error.inner_text() and "supervisors_distinct" in error.inner_text()
    page.screenshot(path=str(ARTIFACTS / "execution-refused.png"), full_page=True)

    page.fill("input[name=supervisor_2]", "huang.wei")
    page.fill("input[name=password_1]", PASSWORD)
    page.fill("input[name=password_2]", "wrong-password")
    page.click("[data-execute-form] button[type=submit]")
    assert "监销人 huang.wei 的密码不正确" in page.locator("[data-error=supervisor_2]").inner_text()

    page.fill("input[name=password_1]", PASSWORD)
    page.fill("input[name=password_2]", PASSWORD)
    page.click("[data-execute-form] button[type=submit]")
    page.wait_for_selector("[data-progress]")
    register.refresh_from_db()
    assert register.state == RegisterState.EXECUTING
    assert "liu.yang、huang.wei" in page.locator("[data-supervisors]").inner_text()
    assert page.locator("tr[data-item-state=queued]").count() == 3
    page.screenshot(path=str(ARTIFACTS / "execution-queued.png"), full_page=True)

    for item in register.items.all():  # what the worker does
        destruction_item_execute(item_id=item.pk)
    page.wait_for_selector("tr[data-item-state=destroyed] >> nth=2", timeout=15000)
    assert "3 / 3" in page.locator("[data-progress]").inner_text()
    assert "已销毁并核验" in page.content()
    page.screenshot(path=str(ARTIFACTS / "execution-done.png"), full_page=True)
    assert register.items.filter(state=ItemState.DESTROYED).count() == 3
    assert not problems, problems
