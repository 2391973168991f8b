"""Deep paging is refused at every entry to search, naming the field, before the engine."""

import io

import pytest
from django.core.management import CommandError, call_command

from search.query import QueryError, SearchQuery
from search import query as query_module
from search.selectors import search_records
from tests.search import corpus

pytestmark = pytest.mark.django_db

ABSURD = [100_000_000, 2**63 - 1, 10**30]


@pytest.fixture
def ids(tantivy_search):
    from search.documents import iter_documents
    ids = corpus.load()
    tantivy_search.rebuild(iter_documents())
    return ids


@pytest.mark.parametrize("page", ABSURD)
def test_a_query_refuses_pages_beyond_the_maximum_depth(page):
    with pytest.raises(QueryError) as refused:
        SearchQuery(text="参保", page=page)
    assert refused.value.field == "page"


def test_the_maximum_depth_bounds_page_times_per_page():
    assert getattr(query_module, "MAX_DEPTH", None) == 1000
    assert SearchQuery(page=10, per_page=100).offset == 900
    assert SearchQuery(page=50, per_page=20).offset == 980
    with pytest.raises(QueryError) as refused:
        SearchQuery(page=11, per_page=100)
    assert refused.value.field == "page"


@pytest.mark.parametrize("page", ABSURD)
def test_the_selector_refuses_deep_pages_before_the_engine(ids, clerk, page):
    with pytest.raises(QueryError):
        search_records(user=clerk, text="参保", page=page)


@pytest.mark.parametrize("params", [{"page": 100_000_000}, {"page": 2**63 - 1},
                                    {"page": 11, "per_page": 100}, {"page": 51}])
def test_api_answers_deep_paging_with_a_400_naming_page(ids, client, clerk, params):
    client.force_login(clerk)
    response = client.get("/api/v1/search/", {"q": "参保", **params})
    assert response.status_code == 400 and "page" in response.json()


def test_api_still_serves_the_last_page_within_the_depth(ids, client, clerk):
    client.force_login(clerk)
    response = client.get("/api/v1/search/", {"q": "参保", "page": 10, "per_page": 100})
    assert response.status_code == 200 and response.json()["hits"] == []


@pytest.mark.parametrize("page", [100_000_000, 2**63 - 1])
def test_admin_search_answers_deep_paging_with_a_form_error(ids, client, clerk, page):
    client.force_login(clerk)
    response = client.get("/admin/archive-search/", {"q": "参保", "page": page})
    assert response.status_code == 200
    form = response.context["form"]
    assert "page" in form.errors and response.context["results"] is None


def test_cli_refuses_deep_paging_naming_the_option(ids):
    with pytest.raises(CommandError, match="--page"):
        call_command("search", "参保", "--page", str(2**63 - 1), stdout=io.StringIO())
    with pytest.raises(CommandError, match="--limit"):
        call_command("search", "参保", "--limit", "100000000", stdout=io.StringIO())
    out = io.StringIO()
    call_command("search", "参保", "--page", "2", "--limit", "5", stdout=out)
    assert out.getvalue().startswith("#")
