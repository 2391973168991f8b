"""A record's visibility is true at once in every search, with no indexing worker running."""

import datetime as dt

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import Record, Sensitivity
from search.documents import iter_documents
from search.models import IndexQueue
from tests.archive import factories as pages
from tests.archive.test_counter import start_visit
from tests.catalog import factories

pytestmark = pytest.mark.django_db

ID = factories.citizen_id()


@pytest.fixture
def two(tantivy_search, local_store):
    """Two open records of one member, both naming the ID number; indexed, queue empty."""
    member = services.member_create(actor=None, id_number=ID, name="张三")
    first = factories.record(stage_code="YL01", formed_on=dt.date(2015, 3, 2),
                             title="养老保险待遇核定表", members=[member])
    pages.page(first, ["养老保险待遇核定表", f"公民身份号码 {ID}", "姓名 张三"])
    second = factories.record(stage_code="GS01", formed_on=dt.date(2016, 7, 9),
                              title="工伤认定决定书", members=[member])
    pages.page(second, ["工伤认定决定书", f"公民身份号码 {ID}", "姓名 张三"])
    tantivy_search.rebuild(iter_documents())
    IndexQueue.objects.all().delete()  # as if the worker had run: nothing pending
    return {"open": Record.objects.get(pk=first.pk), "hidden": Record.objects.get(pk=second.pk)}


def assert_hidden_everywhere(client, clerk, two):
    hidden, shown = two["hidden"], two["open"]
    client.force_login(clerk)
    response = client.get("/api/v1/search/", {"q": ID, "boxes": "true"})
    body, text = response.json(), response.content.decode()
    assert [h["record_id"] for h in body["hits"]] == [shown.pk]
    assert body["total"] == 1
    assert {f["value"]: f["count"] for f in body["facets"]["category"]} == {"YL": 1}
    assert {f["value"]: f["count"] for f in body["facets"]["stage"]} == {"YL01": 1}
    assert hidden.archive_code not in text and "工伤认定" not in text

    html = client.get("/admin/archive-search/", {"q": ID}).content.decode()
    assert hidden.archive_code not in html and "工伤认定" not in html
    assert shown.archive_code in html

    start_visit(client, clerk)
    page = client.get(reverse("counter:find"), {"q": "公民身份号码 张三"})
    html = page.content.decode()
    assert page.context["results"].total == 1
    assert hidden.archive_code not in html and "工伤认定" not in html


def test_a_restricted_record_leaves_every_search_at_once_without_a_worker(
        client, clerk, two, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.record_sensitivity_set(actor=None, record=two["hidden"],
                                        sensitivity=Sensitivity.RESTRICTED, reason="工伤隐私")
    assert not IndexQueue.objects.filter(record_id=two["hidden"].pk).exists()  # indexed on commit
    assert_hidden_everywhere(client, clerk, two)


def test_results_are_rechecked_against_the_database_when_the_index_lags(client, clerk, two):
    # A change the index has not seen (no signal, no worker): the database still decides.
    Record.objects.filter(pk=two["hidden"].pk).update(sensitivity=Sensitivity.RESTRICTED)
    assert_hidden_everywhere(client, clerk, two)


def test_a_sensitivity_change_with_the_engine_down_stays_queued(
        settings, two, django_capture_on_commit_callbacks):
    settings.ARCHIVE_SEARCH = {"BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
                               "OPTIONS": {"url": "http://127.0.0.1:9", "request_timeout": 1}}
    with django_capture_on_commit_callbacks(execute=True):
        services.record_sensitivity_set(actor=None, record=two["hidden"],
                                        sensitivity=Sensitivity.RESTRICTED, reason="工伤隐私")
    assert Record.objects.get(pk=two["hidden"].pk).sensitivity == Sensitivity.RESTRICTED
    assert IndexQueue.objects.filter(record_id=two["hidden"].pk).exists()
