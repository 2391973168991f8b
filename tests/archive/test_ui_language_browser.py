"""The back office as an officer sees it in Chromium, in zh-hans: sign-in, menu, record, search.

Screenshots go to test-artifacts/ui-*.png for a person to look at.
"""

import datetime as dt

import pytest

from catalog.models import Record
from tests.archive import factories as pages
from tests.archive.visible_text import english_words
from tests.catalog import factories
from tests.conftest import ARTIFACTS, sign_in
from tests.search.conftest import tantivy_search  # noqa: F401 (a fixture)

UTC_INSTANT = dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC)  # 2026-03-02 01:30 in Shanghai


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_officer_reads_the_archive_in_chinese(browser, live_server, officer, local_store,
                                                 tantivy_search):
    record = factories.record(stage_code="YL01", formed_on=dt.date(2015, 3, 2),
                              title="养老保险待遇核定表")
    pages.page(record, ["养老保险待遇核定表", "姓名 张三"])
    Record.objects.filter(pk=record.pk).update(created_at=UTC_INSTANT)
    from search.documents import iter_documents
    tantivy_search.rebuild(iter_documents())
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")

    page.goto(f"{live_server.url}/admin/login/")
    page.screenshot(path=ARTIFACTS / "ui-sign-in.png")
    assert page.title().endswith("社会保险业务档案管理系统")
    assert "登录社会保险业务档案管理系统" in page.inner_text("body")
    assert not english_words(page.inner_text("body"))

    sign_in(page, live_server, "wang.fang")
    page.screenshot(path=ARTIFACTS / "ui-dashboard.png")
    menu = page.inner_text("#wagtail-sidebar")
    assert "档案检索" in menu and menu.count("窗口查档") == 1
    assert "Wagtail" not in page.title()

    page.goto(f"{live_server.url}/admin/record/inspect/{record.pk}/")
    page.screenshot(path=ARTIFACTS / "ui-record.png", full_page=True)
    body = page.inner_text("main")
    assert "2026年3月2日 01:30" in body and "None" not in body

    page.goto(f"{live_server.url}/admin/archive-search/?q=养老")
    page.screenshot(path=ARTIFACTS / "ui-search.png", full_page=True)
    main = page.inner_text("main")
    assert "YL 养老保险待遇类" in main and "养老保险待遇核定表" in main
    assert not english_words(main, allowed={record.archive_code})
