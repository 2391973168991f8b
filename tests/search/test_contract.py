"""The search contract: every backend answers the same questions the same way.

Subclassed per backend: the embedded engine always, Elasticsearch when
ELASTICSEARCH_URL is set.
"""

import datetime as dt

import pytest

from catalog.models import Page, Record
from search.documents import iter_documents
from search.query import QueryError, SearchQuery
from tests.search import corpus

pytestmark = pytest.mark.django_db


class SearchContract:
    """Subclasses provide a ``backend`` fixture: a fresh, configured backend."""

    @pytest.fixture
    def ids(self, backend):
        ids = corpus.load()
        backend.rebuild(iter_documents())
        return ids

    @staticmethod
    def keys(ids, results):
        by_id = {v: k for k, v in ids.items()}
        return [by_id[hit.record_id] for hit in results.hits]

    def search(self, backend, ids, text="", **params):
        return self.keys(ids, backend.search(SearchQuery(text=text, **params)))

    # --- relevance ------------------------------------------------------------------

    def test_relevance_set_recall_at_10_is_at_least_95_percent(self, backend, ids):
        found = expected = 0
        misses = []
        for text, filters, wanted, _unwanted in corpus.RELEVANCE:
            top = set(self.search(backend, ids, text, per_page=10, **filters))
            found += len(wanted & top)
            expected += len(wanted)
            if wanted - top:
                misses.append((text, sorted(wanted - top)))
        assert found / expected >= 0.95, misses

    def test_no_query_in_the_relevance_set_returns_a_wrong_record(self, backend, ids):
        wrong = []
        for text, filters, _wanted, unwanted in corpus.RELEVANCE:
            top = set(self.search(backend, ids, text, per_page=100, **filters))
            if top & unwanted:
                wrong.append((text, sorted(top & unwanted)))
        assert wrong == []

    def test_a_single_character_surname_finds_every_record_with_it(self, backend, ids):
        assert set(self.search(backend, ids, "王")) == {"R1", "R5", "R13", "R15"}

    def test_a_word_matches_as_a_whole_not_as_scattered_characters(self, backend, ids):
        # R2 has 工伤 and 认定 apart; only the records with 工伤认定 come back.
        assert set(self.search(backend, ids, "工伤认定")) == {"R1", "R17"}

    def test_id_number_matches_exactly_in_either_case(self, backend, ids):
        number = corpus.IDS["张伟"]
        assert number.endswith("X")
        assert set(self.search(backend, ids, number)) == {"R2", "R14"}
        assert set(self.search(backend, ids, number.lower())) == {"R2", "R14"}
        # One digit off finds nothing.
        other = number[:-2] + str((int(number[-2]) + 1) % 10) + number[-1]
        assert self.search(backend, ids, other) == []

    def test_credit_code_and_archive_code_match_exactly(self, backend, ids):
        code = corpus.CREDIT["某市第一建筑工程有限公司"]
        assert set(self.search(backend, ids, code)) == {"R6", "R7"}
        archive_code = Record.objects.get(pk=ids["R8"]).archive_code
        assert self.search(backend, ids, archive_code)[0] == "R8"
        assert self.search(backend, ids, archive_code.lower())[0] == "R8"

    def test_a_refiled_record_is_found_by_its_former_code(self, backend, ids, officer):
        from catalog.services import record_refile
        from tests.catalog import factories

        record = Record.objects.get(pk=ids["R8"])
        old = record.archive_code
        other_stage = "YL01" if record.stage.code != "YL01" else "GL01"
        record_refile(actor=officer, record=record, stage=factories.stage(other_stage),
                      reason="业务环节著录有误")
        backend.replace([record.pk], iter_documents([record.pk]))
        record.refresh_from_db()
        assert record.archive_code != old
        assert self.search(backend, ids, old)[0] == "R8"
        assert self.search(backend, ids, record.archive_code)[0] == "R8"

    def test_name_in_the_title_ranks_above_a_passing_mention(self, backend, ids):
        # R3's title is the 养老 form itself; R5 only lists 养老 among insurances.
        order = self.search(backend, ids, "养老")
        assert order.index("R3") < order.index("R5")

    # --- results --------------------------------------------------------------------

    def test_results_group_by_record_and_say_which_pages_matched(self, backend, ids):
        results = backend.search(SearchQuery(text="送达回证"))
        assert [hit.record_id for hit in results.hits] == [ids["R1"]]
        assert [page.number for page in results.hits[0].pages] == [2]
        both = backend.search(SearchQuery(text="王小明")).hits
        r1 = next(hit for hit in both if hit.record_id == ids["R1"])
        assert [page.number for page in r1.pages] == [1, 2]
        page_ids = set(Page.objects.filter(record_id=ids["R1"]).values_list("pk", flat=True))
        assert {page.page_id for page in r1.pages} == page_ids

    def test_record_fields_come_back_with_each_hit(self, backend, ids):
        hit = backend.search(SearchQuery(text="限期补缴")).hits[0]
        record = Record.objects.get(pk=ids["R8"])
        assert (hit.record_id, hit.archive_code, hit.title, hit.year, hit.formed_on) == (
            record.pk, record.archive_code, record.title, 2019, dt.date(2019, 7, 8))
        assert (hit.category, hit.stage, hit.retention, hit.status) == (
            "ZJ", "ZJ05", record.retention.code, "ready")

    def test_snippets_mark_the_matched_words(self, backend, ids):
        hit = backend.search(SearchQuery(text="伤残 补助金")).hits[0]
        snippet = hit.pages[0].snippet
        assert "<mark>伤残</mark>" in snippet and "<mark>补助金</mark>" in snippet
        assert "王小明" in snippet

    def test_filters_narrow_by_year_category_stage_retention_fonds_status_member_unit(
            self, backend, ids):
        s = lambda **kw: set(self.search(backend, ids, **kw))  # noqa: E731
        assert s(year_from=2020) == {"R9", "R12", "R14", "R17"}
        assert s(year_from=2011, year_to=2012) == {"R5", "R11"}
        assert s(category=["GS"]) == {"R1", "R2", "R13", "R17"}
        assert s(stage=["GS02"]) == {"R1", "R17"}
        assert s(text="保险", category=["YL", "SB"]) == {"R3", "R4", "R11"}
        retention = Record.objects.get(pk=ids["R3"]).retention.code
        assert "R3" in s(retention=[retention])
        assert s(fonds=["0211"]) == set(corpus.RECORDS)
        assert s(fonds=["9999"]) == set()
        assert s(status=["needs_review"]) == set()
        assert s(member=[corpus.IDS["陈静"]]) == {"R4", "R12"}
        assert s(member=[corpus.IDS["张伟"].lower()]) == {"R2", "R14"}
        assert s(unit=[corpus.CREDIT["某某机械有限公司"]]) == {"R2", "R8"}

    def test_facets_count_records_for_year_category_stage_and_retention(self, backend, ids):
        facets = backend.search(SearchQuery(text="")).facets
        assert dict(facets["year"])["2018"] == 3  # R1 (two pages), R13, R16
        assert dict(facets["category"]) == {"GS": 4, "YL": 3, "ZJ": 4, "GL": 3, "YB": 1,
                                            "SB": 1, "SY": 1}
        assert dict(facets["stage"])["GS02"] == 2
        assert sum(dict(facets["retention"]).values()) == len(corpus.RECORDS)
        narrowed = backend.search(SearchQuery(text="工伤")).facets
        assert dict(narrowed["category"]) == {"GS": 4, "GL": 1}

    def test_sort_by_date_either_way(self, backend, ids):
        newest = self.search(backend, ids, "保险", sort="-date", per_page=100)
        dates = [dt.date.fromisoformat(corpus.RECORDS[k][1]) for k in newest]
        assert dates == sorted(dates, reverse=True)
        oldest = self.search(backend, ids, "保险", sort="date", per_page=100)
        assert oldest == list(reversed(newest))

    def test_an_empty_query_lists_every_record_newest_first(self, backend, ids):
        results = backend.search(SearchQuery(text="", per_page=100))
        assert results.total == len(corpus.RECORDS)
        assert self.keys(ids, results)[0] == "R14"  # 2022

    def test_pages_of_results_cover_every_record_once(self, backend, ids):
        seen, page = [], 1
        while True:
            results = backend.search(SearchQuery(text="保险", per_page=3, page=page))
            assert results.total == 11
            if not results.hits:
                break
            seen += self.keys(ids, results)
            page += 1
        assert len(seen) == len(set(seen)) == 11

    # --- access and keeping it true -------------------------------------------------

    def test_records_outside_the_allowed_sensitivity_never_come_back_nor_count(
            self, backend, ids):
        limited = backend.search(SearchQuery(text="陈静", allowed_sensitivity=["normal"]))
        assert self.keys(ids, limited) == ["R4"] and limited.total == 1
        assert dict(limited.facets["category"]) == {"YL": 1}
        everything = backend.search(SearchQuery(text="", allowed_sensitivity=["normal"],
                                                per_page=100))
        assert everything.total == len(corpus.RECORDS) - 2
        assert "YB" not in dict(everything.facets["category"])

    def test_allowed_status_limits_results_even_when_a_filter_asks_for_more(self, backend, ids):
        query = SearchQuery(text="", status=["needs_review", "ready"], allowed_status=["ready"])
        assert backend.search(query).total == len(corpus.RECORDS)
        assert backend.search(SearchQuery(text="", allowed_status=[])).total == 0

    def test_replace_rewrites_a_records_documents(self, backend, ids):
        Page.objects.filter(record_id=ids["R1"], number=2).delete()
        Record.objects.filter(pk=ids["R1"]).update(title="工伤认定决定书（更正）")
        backend.replace([ids["R1"]], iter_documents([ids["R1"]]))
        assert self.search(backend, ids, "送达回证") == []
        assert self.search(backend, ids, "更正") == ["R1"]
        assert backend.counts() == {"record": 17, "page": 18}

    def test_delete_removes_a_record_and_its_pages(self, backend, ids):
        backend.delete([ids["R13"]])
        assert "R13" not in self.search(backend, ids, "王")
        assert backend.counts() == {"record": 16, "page": 18}

    def test_rebuild_gives_the_same_results(self, backend, ids):
        def run():
            return [_rounded(backend.search(SearchQuery(text=text, per_page=10, **f)).as_dict())
                    for text, f, _w, _u in corpus.RELEVANCE]
        before = run()
        backend.rebuild(iter_documents())
        after = run()
        for a, b in zip(after, before):
            assert a == b, (a, b)

    def test_a_bad_request_names_its_field(self, backend):
        with pytest.raises(QueryError) as error:
            SearchQuery(text="x", year_from=2020, year_to=2010)
        assert error.value.field == "year_from"
        with pytest.raises(QueryError) as error:
            SearchQuery(sort="size")
        assert error.value.field == "sort"


def _rounded(results: dict) -> dict:
    """Scores to 4 significant places: engines sum floats in segment order."""
    for hit in results["hits"]:
        hit["score"] = float(f"{hit['score']:.4g}")
        for page in hit["pages"]:
            page["score"] = float(f"{page['score']:.4g}")
    return results


class TestTantivyBackend(SearchContract):
    @pytest.fixture
    def backend(self, tantivy_search):
        return tantivy_search

    def test_a_second_process_sees_writes_and_waits_for_the_writer_lock(self, backend, ids,
                                                                       tmp_path):
        from search.backends.tantivy import TantivyBackend
        other = TantivyBackend(path=str(backend.root))  # as a worker process would open it
        other.delete([ids["R3"]])
        assert "R3" not in self.search(backend, ids, "李")


class TestElasticsearchBackend(SearchContract):
    @pytest.fixture
    def backend(self, elasticsearch_search):
        return elasticsearch_search
