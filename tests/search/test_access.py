"""Access inside the query: a counter clerk never sees a restricted record or its count."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from archive.models import AuditEvent
from search.documents import iter_documents
from search.selectors import search_records
from tests.search import corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def ids(tantivy_search):
    ids = corpus.load(in_review={"R16"})
    tantivy_search.rebuild(iter_documents())
    return ids


def keys(ids, results):
    by_id = {v: k for k, v in ids.items()}
    return {by_id[hit.record_id] for hit in results.hits}


def test_counter_clerk_never_sees_a_restricted_record_nor_counts_it(ids, clerk):
    results = search_records(user=clerk, text="陈静")
    assert keys(ids, results) == {"R4"} and results.total == 1
    assert dict(results.facets["category"]) == {"YL": 1}
    assert search_records(user=clerk, text="黄磊").total == 0
    assert search_records(user=clerk, text="", member=[corpus.IDS["黄磊"]]).total == 0
    everything = search_records(user=clerk, text="", per_page=100)
    assert not {"R10", "R12"} & keys(ids, everything)
    assert "YB" not in dict(everything.facets["category"])
    assert "SY" not in dict(everything.facets["category"])


def test_counter_clerk_sees_only_records_in_the_archive_not_those_under_review(ids, clerk):
    assert search_records(user=clerk, text="201806").total == 0
    assert search_records(user=clerk, text="", status=["needs_review"]).total == 0


def test_archive_officer_sees_restricted_records_and_work_in_progress(ids, officer):
    assert keys(ids, search_records(user=officer, text="陈静")) == {"R4", "R12"}
    assert keys(ids, search_records(user=officer, text="201806")) == {"R16"}


def test_auditor_sees_restricted_records_but_not_work_in_progress(ids, auditor):
    assert keys(ids, search_records(user=auditor, text="黄磊")) == {"R10"}
    assert search_records(user=auditor, text="201806").total == 0


def test_a_user_without_catalogue_access_cannot_search(ids, django_user_model):
    stranger = django_user_model.objects.create_user("stranger", password="x")
    with pytest.raises(PermissionDenied):
        search_records(user=stranger, text="王")


def test_api_answers_with_the_users_view_and_logs_the_search(ids, client, clerk):
    client.force_login(clerk)
    response = client.get("/api/v1/search/", {"q": "陈静"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1 and [h["record_id"] for h in body["hits"]] == [ids["R4"]]
    event = AuditEvent.objects.filter(action="search").latest("sequence")
    assert event.actor_id == clerk.pk and event.details["text"] == "陈静"
    assert event.details["total"] == 1


def test_api_refuses_anonymous_callers(ids, client):
    response = client.get("/api/v1/search/", {"q": "王"})
    assert response.status_code == 403
    assert "hits" not in response.json()


def test_api_names_the_bad_parameter(ids, client, officer):
    client.force_login(officer)
    response = client.get("/api/v1/search/", {"q": "王", "year_from": "二〇一〇"})
    assert response.status_code == 400 and "year_from" in response.json()
    response = client.get("/api/v1/search/", {"q": "王", "year_from": 2020, "year_to": 2010})
    assert response.status_code == 400 and "year_from" in response.json()
    response = client.get("/api/v1/search/", {"q": "王", "per_page": 1000})
    assert response.status_code == 400 and "per_page" in response.json()


def test_api_page_hits_carry_word_boxes_for_the_viewer(ids, client, officer):
    client.force_login(officer)
    body = client.get("/api/v1/search/", {"q": "送达回证", "boxes": "true"}).json()
    page = body["hits"][0]["pages"][0]
    # "送达回证" is the first line of page 2: four characters, 20 px apart.
    assert page["number"] == 2
    assert page["boxes"] == [[10, 10, 18, 24], [30, 10, 18, 24], [50, 10, 18, 24],
                             [70, 10, 18, 24]]
    assert "<mark>送达回证</mark>" in page["snippet"]


def test_api_filters_by_member_and_repeats_list_parameters(ids, client, officer):
    client.force_login(officer)
    body = client.get("/api/v1/search/?category=YL&category=SB&q=保险").json()
    assert {h["category"] for h in body["hits"]} == {"YL", "SB"} and body["total"] == 3
    body = client.get("/api/v1/search/", {"member": corpus.IDS["张伟"].lower()}).json()
    assert {h["record_id"] for h in body["hits"]} == {ids["R2"], ids["R14"]}


def test_roles_that_may_see_restricted_records(db):
    allowed = set(Group.objects.filter(permissions__codename="view_restricted_record")
                  .values_list("name", flat=True))
    assert "窗口经办人员" not in allowed
    assert {"档案管理员", "审计人员", "系统管理员"} <= allowed
