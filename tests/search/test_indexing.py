"""Keeping the index true: on commit, on every catalogue change, on ingest, through outages."""

import json
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from archive.models import AuditEvent
from catalog import services as catalog
from catalog.models import Member, Record
from ingest.inline import process_records
from ingest.services import Source, batch_create, file_ingest
from search.backends.base import SearchUnavailable, search_backend
from search.models import IndexQueue
from search.query import SearchQuery
from search.services import index_enqueue, index_pending_process
from tests.catalog import factories
from tests.conftest import start_worker, stop_worker
from tests.ingest import samples
from tests.search import corpus
from tests.search.conftest import use_backend


def found(text: str, **params) -> set[int]:
    return {hit.record_id for hit in search_backend().search(SearchQuery(text=text,
                                                                          **params)).hits}


@pytest.mark.django_db
def test_a_catalogue_write_queues_its_record_and_the_queue_makes_it_searchable(tantivy_search):
    record = factories.record(title="退休审批表 周建华")
    assert IndexQueue.objects.filter(record_id=record.pk).exists()
    assert found("周建华") == set()
    assert index_pending_process() == 1
    assert found("周建华") == {record.pk}
    assert not IndexQueue.objects.exists()


@pytest.mark.django_db
def test_renaming_a_member_reindexes_every_record_linked_to_them(tantivy_search):
    member = catalog.member_create(actor=None, id_number=factories.citizen_id(), name="吴敏")
    first = factories.record(members=[member])
    second = factories.record(stage_code="GL02", members=[member])
    index_pending_process()
    assert found("吴敏") == {first.pk, second.pk}
    catalog.member_update(actor=None, member=Member.objects.get(pk=member.pk), name="吴敏华")
    assert set(IndexQueue.objects.values_list("record_id", flat=True)) == {first.pk, second.pk}
    index_pending_process()
    assert found("吴敏华") == {first.pk, second.pk}


@pytest.mark.django_db
def test_restricting_a_record_takes_it_out_of_counter_results(tantivy_search):
    record = factories.record(title="工伤认定决定书 郑强")
    index_pending_process()
    catalog.record_sensitivity_set(actor=None, record=record, sensitivity="restricted",
                                   reason="含病历")
    index_pending_process()
    assert found("郑强", allowed_sensitivity=["normal"]) == set()
    assert found("郑强") == {record.pk}


@pytest.mark.django_db
def test_a_destroyed_record_leaves_the_index(tantivy_search):
    record = factories.record(title="失业保险金申领表 冯丽")
    index_pending_process()
    assert tantivy_search.counts()["record"] == 1
    factories.destroyed(record)  # its transition queues it; the indexer must drop it
    index_pending_process()
    assert found("冯丽") == set()
    assert tantivy_search.counts() == {"record": 0, "page": 0}


@pytest.mark.django_db
def test_a_search_outage_loses_no_catalogue_write(settings, tmp_path, tantivy_search):
    healthy = settings.ARCHIVE_SEARCH
    use_backend(settings, {"BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
                           "OPTIONS": {"url": "http://127.0.0.1:9", "request_timeout": 2}})
    record = factories.record(title="缴费证明 何静")  # the catalogue write succeeds
    with pytest.raises(SearchUnavailable):
        index_pending_process()
    row = IndexQueue.objects.get(record_id=record.pk)
    assert row.attempts == 1 and "Connection refused" in row.last_error
    use_backend(settings, healthy)  # the engine is back
    assert index_pending_process() == 1
    assert found("何静") == {record.pk}


@pytest.mark.django_db
def test_a_change_made_while_indexing_is_not_cleared_by_it(tantivy_search):
    record = factories.record(title="第一版标题")
    stale = IndexQueue.objects.get(record_id=record.pk)
    index_enqueue(record_ids=[record.pk])  # a newer change re-queues with a new token
    assert IndexQueue.objects.get(record_id=record.pk).token != stale.token
    IndexQueue.objects.filter(pk=stale.pk, token=stale.token).delete()
    assert IndexQueue.objects.filter(record_id=record.pk).exists()


@pytest.mark.django_db
def test_an_ingested_record_is_searchable_by_the_text_of_its_pages(tantivy_search, local_store):
    factories.fonds()
    batch = batch_create(actor=None, source="test")
    item = file_ingest(actor=None, batch=batch, source=Source(
        "reg.pdf", samples.born_digital_pdf([samples.REGISTRATION])), metadata={},
        queue=False)
    process_records([item.record_id], processes=1)
    index_pending_process()
    results = search_backend().search(SearchQuery(text="某某科技"))
    assert [hit.record_id for hit in results.hits] == [item.record_id]
    assert [page.number for page in results.hits[0].pages] == [1]
    assert found("91350100M000100Y43") == {item.record_id}


@pytest.mark.django_db
def test_search_rebuild_restores_the_index_from_the_database(tantivy_search):
    ids = corpus.load()
    index_pending_process()
    before = search_backend().search(SearchQuery(text="王", per_page=50)).as_dict()
    tantivy_search.clear()
    assert found("王") == set()
    out = StringIO()
    call_command("search_rebuild", stdout=out)
    assert out.getvalue().strip() == "indexed 17 records, 19 pages"
    assert search_backend().search(SearchQuery(text="王", per_page=50)).as_dict()["hits"] == \
        before["hits"]
    assert {ids["R1"], ids["R15"]} <= found("王")
    assert AuditEvent.objects.filter(action="search_rebuild").exists()


@pytest.mark.django_db
def test_archive_setup_rebuilds_an_index_built_for_other_fields(tantivy_search):
    ids = corpus.load()
    index_pending_process()
    generation = (tantivy_search.root / "CURRENT").read_text().strip()
    # As an index built before a field was added to SEARCH_FIELDS: another version.
    (tantivy_search.root / generation / "schema-version").write_text("1")
    assert not tantivy_search.is_current()
    out = StringIO()
    call_command("archive_setup", stdout=out)
    assert "search index rebuilt for this version: 17 records, 19 pages" in out.getvalue()
    assert tantivy_search.is_current()
    assert {ids["R1"], ids["R15"]} <= found("王")
    out = StringIO()
    call_command("archive_setup", stdout=out)  # current now: no second rebuild
    assert "rebuilt" not in out.getvalue()


@pytest.mark.django_db
def test_search_command_prints_record_code_page_score_and_snippet(tantivy_search):
    ids = corpus.load()
    index_pending_process()
    out = StringIO()
    call_command("search", "送达回证", "--member", corpus.IDS["王小明"], stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "# 1 records"
    assert lines[1] == "record_id\tarchive_code\tpage\tscore\tsnippet"
    record_id, code, page, score, snippet = lines[2].split("\t")
    assert (int(record_id), code, page) == (ids["R1"], Record.objects.get(pk=ids["R1"]).archive_code, "2")
    assert float(score) > 0 and "【送达回证】" in snippet
    out = StringIO()
    call_command("search", "保险", "--category", "YL", "--year-from", "2016", "--json",
                 "--limit", "5", stdout=out)
    body = json.loads(out.getvalue())
    assert [h["record_id"] for h in body["hits"]] == [ids["R4"]]
    with pytest.raises(CommandError, match="--year-from"):
        call_command("search", "x", "--year-from", "2020", "--year-to", "2019")
    with pytest.raises(CommandError, match="no user named"):
        call_command("search", "x", "--as-user", "nobody")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_indexes_a_change_after_commit(empty_broker):
    if connection.vendor != "postgresql":
        pytest.skip("workers share the test database only on PostgreSQL")
    search_backend().clear()  # the index the worker also uses (same data directory)
    worker = start_worker(concurrency=1, queues="celery")
    try:
        record = factories.record(title="养老保险待遇核定表 钱国梁")
        deadline = time.monotonic() + 60
        while found("钱国梁") != {record.pk}:
            assert time.monotonic() < deadline, "the worker did not index the record"
            time.sleep(0.3)
    finally:
        stop_worker(worker)
    assert not IndexQueue.objects.exists()
