"""Elasticsearch backend, through the official client.

An index template gives every ``<alias>-*`` index the Chinese analysis (the
standard tokenizer emits one token per ideograph; ``cjk_bigram`` pairs them, and
a ``.uni`` sub-field keeps the single characters: no plugin needed) and the
mappings derived from the models' SEARCH_FIELDS. Searches and incremental
writes go through the alias; a rebuild fills a new index and swaps the alias
atomically, then deletes the old index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from elasticsearch import Elasticsearch, helpers
from elasticsearch import exceptions as es_exceptions
from elastic_transport import TransportError

from .. import documents as docs_mod
from ..documents import CODE_FIELDS, PAGE, RECORD, TEXT_BOOSTS
from ..query import FACETS, Clause, RecordHit, SearchQuery
from .base import PageMatch, RecordMatches, SearchBackend, SearchUnavailable

# Each order the base asks for (_search_order), equal values in record order.
_SORTS = {
    "relevance": ["_score", {"record_id": "asc"}],
    "date": [{"formed_on": {"order": "asc", "missing": "_last"}}, {"record_id": "asc"}],
    "-date": [{"formed_on": {"order": "desc", "missing": "_last"}}, {"record_id": "asc"}],
}

ANALYSIS = {
    "filter": {"cjk_pairs": {"type": "cjk_bigram", "output_unigrams": False}},
    "analyzer": {
        # Same streams as search/analysis.py: bigrams (a lone ideograph stays itself)
        # and unigrams; Latin words and numbers whole, lower-cased, full width folded.
        "cjk_bigram": {"type": "custom", "tokenizer": "standard",
                       "filter": ["cjk_width", "lowercase", "cjk_pairs"]},
        "cjk_unigram": {"type": "custom", "tokenizer": "standard",
                        "filter": ["cjk_width", "lowercase"]},
    },
}


def _mapping_for(kind: str) -> dict:
    if kind == "text":
        return {"type": "text", "analyzer": "cjk_bigram",
                "fields": {"uni": {"type": "text", "analyzer": "cjk_unigram"}}}
    if kind == "keyword":
        return {"type": "keyword"}
    if kind == "date":
        return {"type": "date", "format": "strict_date"}
    return {"type": "long"}


def _errors(func):
    """Report the engine's failures as SearchUnavailable, naming what failed."""
    def wrapper(self, *args, **kwargs):
        try:
            return func(self, *args, **kwargs)
        except (TransportError, es_exceptions.ApiError, helpers.BulkIndexError) as exc:
            raise SearchUnavailable(f"Elasticsearch {func.__name__} failed: {exc}") from exc
    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


class ElasticsearchBackend(SearchBackend):
    def __init__(self, *, url: str, index: str = "si-archive-pages", ca_certs: str | None = None,
                 api_key: str | None = None, request_timeout: float = 30.0, shards: int = 1,
                 replicas: int = 0, **options):
        super().__init__(url=url, index=index, **options)
        self.alias = index
        self.client = Elasticsearch(url, ca_certs=ca_certs, api_key=api_key,
                                    request_timeout=request_timeout, retry_on_timeout=True,
                                    max_retries=3)
        self.kinds = docs_mod.field_kinds()
        self.index_settings = {"number_of_shards": shards, "number_of_replicas": replicas,
                               "analysis": ANALYSIS}
        self._ready = False

    # --- index management -------------------------------------------------------------

    def _template(self) -> dict:
        properties = {name: _mapping_for(kind) for name, kind in self.kinds.items()}
        properties["text"]["index_options"] = "positions"
        return {"settings": self.index_settings,
                "mappings": {"dynamic": "strict", "properties": properties}}

    def _new_index_name(self) -> str:
        return f"{self.alias}-{dt.datetime.now(dt.timezone.utc):%Y%m%d%H%M%S%f}"

    def _ensure(self) -> None:
        if self._ready:
            return
        self.client.indices.put_index_template(
            name=f"{self.alias}-template", index_patterns=[f"{self.alias}-*"],
            template=self._template(), priority=100)
        if not self.client.indices.exists_alias(name=self.alias):
            name = self._new_index_name()
            try:
                self.client.indices.create(index=name, aliases={self.alias: {}})
            except es_exceptions.BadRequestError as exc:
                # Another process created it first.
                if "resource_already_exists" not in str(exc):
                    raise
        else:
            # A field the models declare since the index was made (the mapping is strict, so
            # a document carrying it would be refused): adding fields is allowed in place.
            self.client.indices.put_mapping(
                index=self.alias, properties=self._template()["mappings"]["properties"])
        self._ready = True

    def _indices_behind_alias(self) -> list[str]:
        try:
            return list(self.client.indices.get_alias(name=self.alias).body)
        except es_exceptions.NotFoundError:
            return []

    # --- documents --------------------------------------------------------------------

    def _source(self, source: dict) -> dict:
        out = {}
        for name, kind in self.kinds.items():
            value = source.get(name)
            if kind == "date":
                out[name] = value.isoformat() if value else None
            elif kind == "keyword":
                out[name] = [value] if isinstance(value, str) else list(value or [])
            elif kind == "text":
                out[name] = value or ""
            else:
                out[name] = int(value or 0)
        return out

    @staticmethod
    def _doc_id(source: dict) -> str:
        return f"r{source['record_id']}" if source["kind"] == RECORD else f"p{source['page_id']}"

    def _actions(self, documents: Iterable[dict], index: str):
        for source in documents:
            yield {"_op_type": "index", "_index": index, "_id": self._doc_id(source),
                   "_source": self._source(source)}

    @_errors
    def replace(self, record_ids, documents):
        self._ensure()
        record_ids, documents = [int(r) for r in record_ids], list(documents)
        kept = [self._doc_id(d) for d in documents]
        if documents:
            helpers.bulk(self.client, self._actions(documents, self.alias), refresh=False)
        if record_ids:
            # Remove what the records no longer have (pages gone, destroyed records);
            # written after the new documents so the records never vanish meanwhile.
            query = {"bool": {"filter": [{"terms": {"record_id": record_ids}}],
                              "must_not": [{"ids": {"values": kept}}] if kept else []}}
            self.client.delete_by_query(index=self.alias, query=query, conflicts="proceed",
                                        refresh=True)
        else:
            self.client.indices.refresh(index=self.alias)

    @_errors
    def rebuild(self, documents):
        self._ensure()
        old = self._indices_behind_alias()
        name = self._new_index_name()
        self.client.indices.create(index=name, settings={"refresh_interval": "-1"})
        try:
            written, _failed = helpers.bulk(self.client.options(request_timeout=120),
                                            self._actions(documents, name), chunk_size=1000)
            self.client.indices.put_settings(index=name, settings={"refresh_interval": "1s"})
            self.client.indices.refresh(index=name)
            actions = [{"remove": {"index": i, "alias": self.alias}} for i in old]
            actions.append({"add": {"index": name, "alias": self.alias}})
            self.client.indices.update_aliases(actions=actions)
        except BaseException:
            self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        for index in old:
            self.client.indices.delete(index=index, ignore_unavailable=True)
        return written

    @_errors
    def clear(self):
        self._ensure()
        self.client.delete_by_query(index=self.alias, query={"match_all": {}}, refresh=True,
                                    conflicts="proceed")

    @_errors
    def counts(self):
        self._ensure()
        return {kind: self.client.count(index=self.alias,
                                        query={"term": {"kind": kind}})["count"]
                for kind in (RECORD, PAGE)}

    def close(self):
        self.client.close()

    # --- queries ----------------------------------------------------------------------

    @staticmethod
    def _clause_query(clause: Clause, *, page_text_only: bool = False) -> dict:
        should = []
        boosts = {"text": 1.0} if page_text_only else TEXT_BOOSTS
        for name, boost in boosts.items():
            if clause.single_char:
                should.append({"term": {f"{name}.uni": {"value": clause.unigrams[0],
                                                        "boost": boost}}})
            else:
                should.append({"match_phrase": {name: {"query": clause.raw, "boost": boost}}})
        if clause.code and not page_text_only:
            should.extend({"term": {name: {"value": clause.code, "boost": 10.0}}}
                          for name in CODE_FIELDS)
        return {"bool": {"should": should, "minimum_should_match": 1}}

    @staticmethod
    def _filters(query: SearchQuery, kind: str) -> list[dict]:
        filters = [{"term": {"kind": kind}}]
        filters += [{"terms": {field: values}}
                    for field, values in query.keyword_filters().items()]
        if query.year_from or query.year_to:
            bounds = {}
            if query.year_from:
                bounds["gte"] = query.year_from
            if query.year_to:
                bounds["lte"] = query.year_to
            filters.append({"range": {"year": bounds}})
        return filters

    @_errors
    def search(self, query):
        self._ensure()
        return super().search(query)

    def _find_records(self, query, clauses, *, sort, offset, limit, facet_size):
        bool_query = {"filter": self._filters(query, RECORD),
                      "must": [self._clause_query(c) for c in clauses] or [{"match_all": {}}]}
        response = self.client.search(
            index=self.alias, query={"bool": bool_query}, sort=_SORTS[sort],
            from_=offset, size=limit, track_total_hits=True,
            source=["record_id", "archive_code", "title", "year", "formed_on", "category",
                    "stage", "retention", "status"],
            aggs={name: {"terms": {"field": name, "size": facet_size}} for name in FACETS})
        # Sorted by a field, a hit's _score is null.
        hits = [_record_hit(h["_source"], h.get("_score") or 0.0)
                for h in response["hits"]["hits"]]
        facets = {name: [(b["key"], b["doc_count"])
                         for b in response["aggregations"][name]["buckets"]]
                  for name in FACETS}
        return RecordMatches(total=response["hits"]["total"]["value"], hits=hits, facets=facets)

    def _find_pages(self, found, clauses, record_ids, *, limit):
        response = self.client.search(
            index=self.alias,
            query={"bool": {
                "filter": [{"term": {"kind": PAGE}},
                           {"terms": {"record_id": record_ids}}],
                "should": [self._clause_query(c, page_text_only=True) for c in clauses],
                "minimum_should_match": 1}},
            size=limit, source=["record_id", "page_id", "page_number", "text"])
        pages = []
        for page in response["hits"]["hits"]:
            source = page["_source"]
            pages.append(PageMatch(record_id=int(source["record_id"]),
                                   page_id=int(source["page_id"]),
                                   number=int(source["page_number"]),
                                   score=page.get("_score") or 0.0, text=source.get("text") or ""))
        return pages


def _record_hit(source: dict, score: float) -> RecordHit:
    def first(name, default=""):
        value = source.get(name)
        if isinstance(value, list):
            return value[0] if value else default
        return default if value is None else value

    formed = source.get("formed_on")
    return RecordHit(
        record_id=int(source["record_id"]), archive_code=first("archive_code"),
        title=source.get("title", ""), year=int(source.get("year") or 0),
        formed_on=dt.date.fromisoformat(formed) if formed else None,
        category=first("category"), stage=first("stage"), retention=first("retention"),
        status=first("status"), score=float(score))
