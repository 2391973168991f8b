"""The back office in headless Chromium: sign in, see the file plan and the records.

Screenshots are written to test-artifacts/ for a person to look at.
"""

import datetime as dt

import pytest

from tests.catalog import factories
from tests.conftest import ARTIFACTS, sign_in as _sign_in

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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_officer_retries_a_failed_record_from_its_page_and_the_trail_names_it(
        browser, live_server, officer, auditor):
    from catalog import services
    from catalog.models import Record, RecordStatus

    record = factories.record(stage_code="GL01", formed_on=dt.date(2013, 4, 1),
                              title="扫描失败的登记表", status=RecordStatus.PROCESSING)
    services.record_transition(actor=None, record=record, transition="fail",
                               errors=["第1页无法识别"])
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    _sign_in(page, live_server, "wang.fang")
    page.goto(f"{live_server.url}/admin/record/inspect/{record.pk}/")
    page.screenshot(path=ARTIFACTS / "admin-record-transitions.png", full_page=False)
    page.get_by_role("link", name="开始处理").click()
    page.wait_for_load_state()
    page.screenshot(path=ARTIFACTS / "admin-record-transition-confirm.png", full_page=False)
    page.get_by_role("button", name="开始处理").click()
    page.wait_for_load_state()
    assert Record.objects.get(pk=record.pk).status == RecordStatus.PROCESSING

    auditor_page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    _sign_in(auditor_page, live_server, "zhao.lei")
    auditor_page.goto(f"{live_server.url}/admin/auditevent/")
    auditor_page.screenshot(path=ARTIFACTS / "admin-audit-actions.png", full_page=False)
    body = auditor_page.inner_text("body")
    assert "开始处理" in body and "标记失败" in body and "创建" in body
    assert "process" not in body.split() and "fail" not in body.split()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_appraisal_member_sees_members_masked_and_the_clerk_has_no_member_menu(
        browser, live_server, clerk, django_user_model):
    from catalog import services
    from tests.conftest import _role_user

    _role_user(django_user_model, "sun.li", "appraisal_member")
    record = factories.record(stage_code="GL01", formed_on=dt.date(2013, 4, 1), title="参保登记表")
    number = factories.citizen_id(seq="005")
    services.record_link_member(actor=None, record=record, member=services.member_create(
        actor=None, id_number=number, name="李强"))
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    _sign_in(page, live_server, "sun.li")
    page.goto(f"{live_server.url}/admin/member/")
    page.screenshot(path=ARTIFACTS / "admin-members-masked.png", full_page=False)
    body = page.inner_text("body")
    assert number[:6] + "********" + number[14:] in body and number not in body

    clerk_page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    _sign_in(clerk_page, live_server, "li.na")
    clerk_page.screenshot(path=ARTIFACTS / "admin-clerk-home.png", full_page=False)
    assert "/admin/member/" not in clerk_page.content()
