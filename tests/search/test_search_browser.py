"""档案检索 in headless Chromium: search, narrow by a facet, and what a clerk may not see."""

import pytest

from search.documents import iter_documents
from tests.conftest import ARTIFACTS, sign_in
from tests.search import corpus


@pytest.fixture
def ids(tantivy_search):
    ids = corpus.load()
    tantivy_search.rebuild(iter_documents())
    return ids


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_officer_searches_narrows_by_category_and_opens_a_record(browser, live_server, officer,
                                                                 ids):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "wang.fang")
    # 档案检索, the menu item (the sidebar has no second search box).
    page.goto(f"{live_server.url}/admin/archive-search/?q=王")
    body = page.inner_text("body")
    assert "4 个档案" in body
    assert page.locator("mark", has_text="王").count() >= 4
    page.screenshot(path=ARTIFACTS / "search-results.png", full_page=True)
    page.click(".as-facets a:text-matches('^GS ')")  # the code with its name
    page.wait_for_url("**category=GS**")
    assert "2 个档案" in page.inner_text("body")
    page.click(".as-hit h2 a >> nth=0")
    page.wait_for_url("**/admin/record/inspect/**")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_counter_clerk_does_not_see_a_restricted_record_in_the_browser(browser, live_server,
                                                                       clerk, ids):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "li.na")
    page.goto(f"{live_server.url}/admin/archive-search/?q=陈静")
    assert "1 个档案" in page.inner_text("body")
    results = page.inner_text(".as-body")  # facets and hits, not the form's category list
    assert "生育津贴" not in results and "SY" not in results
    page.goto(f"{live_server.url}/admin/archive-search/?q=黄磊")
    assert "没有找到" in page.inner_text("body")
    page.screenshot(path=ARTIFACTS / "search-clerk.png", full_page=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_bad_year_is_named_on_the_page(browser, live_server, officer, ids):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "wang.fang")
    page.goto(f"{live_server.url}/admin/archive-search/?q=王&year_from=2020&year_to=2010")
    assert "起始年份：起始年份晚于截止年份" in page.inner_text("[role=alert]")
