"""The register page in a real browser: submitted by its author, approved by the agency head."""

from __future__ import annotations

import pytest

from retention import services
from retention.models import DestructionRegister
from tests.conftest import ARTIFACTS, sign_in, watch_problems
from tests.retention.batches import closed_batch
from tests.retention.factories import due_record


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_register_is_submitted_and_approved_on_its_page(browser, live_server, officer,
                                                          approver):
    officer.last_name, officer.first_name = "王", "芳"
    officer.save()
    (register,) = services.register_build(actor=officer, batch=closed_batch(
        [due_record(title=f"社会保险登记证管理材料（第{i}件）") for i in range(1, 4)]))
    url = f"{live_server.url}/admin/destruction_registers/inspect/{register.pk}/"

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = watch_problems(page)
    sign_in(page, live_server, "wang.fang")
    page.goto(f"{live_server.url}/admin/destruction_registers/")
    assert register.number in page.inner_text("body")
    page.screenshot(path=ARTIFACTS / "register-listing.png", full_page=True)
    page.goto(url)
    body = page.inner_text("body")
    assert "封面" in body and "王芳" in body and "社会保险登记证管理材料（第1件）" in body
    page.click("button:has-text('提交清册')")
    page.wait_for_load_state()
    page.screenshot(path=ARTIFACTS / "register-submitted.png", full_page=True)
    assert DestructionRegister.objects.get(pk=register.pk).state == "submitted"

    approving = browser.new_page(viewport={"width": 1280, "height": 900})
    problems += watch_problems(approving)
    sign_in(approving, live_server, "chen.jie")
    approving.goto(url)
    approving.click("button:has-text('审批通过')")
    approving.wait_for_load_state()
    approving.screenshot(path=ARTIFACTS / "register-approved.png", full_page=True)
    assert "已审批" in approving.inner_text("body")
    assert DestructionRegister.objects.get(pk=register.pk).approved_by == approver
    assert not problems, problems
