"""The embedded engine: a tantivy index on disk under the data directory.

Layout: ``<path>/CURRENT`` names the live generation directory; a rebuild
writes a new generation and switches CURRENT atomically, so searches never see
a half-built index. An index has one writer across processes: every write holds
an exclusive ``flock`` on ``<path>/write.lock`` (and a thread lock in-process).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import shutil
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path

import tantivy
from tantivy import Occur, Query

from .. import analysis
from .. import documents as docs_mod
from ..documents import CODE_FIELDS, PAGE, RECORD, TEXT_BOOSTS
from ..query import FACETS, Clause, RecordHit, SearchQuery
from .base import PageMatch, RecordMatches, SearchBackend, SearchUnavailable

TOKENIZER = "cjk_ws"  # tokens come pre-analysed (search/analysis.py), split on spaces
# Bumped by hand when the layout of the fields changes; the field list is part of the
# version too, so a new SEARCH_FIELDS entry makes older indexes stale (see ``is_current``).
SCHEMA_LAYOUT = 1


def schema_version() -> str:
    """Return the version an index built now carries: layout and the fields' kinds."""
    kinds = ",".join(f"{name}:{kind}" for name, kind in sorted(docs_mod.field_kinds().items()))
    return f"{SCHEMA_LAYOUT}-{hashlib.sha256(kinds.encode()).hexdigest()[:16]}"


def _uni(name: str) -> str:
    return f"{name}__uni"


def _bi(name: str) -> str:
    return f"{name}__bi"


class TantivyBackend(SearchBackend):
    def __init__(self, *, path: str, writer_heap_mb: int = 64, **options):
        super().__init__(path=path, writer_heap_mb=writer_heap_mb, **options)
        self.root = Path(path)
        self.root.mkdir(parents=True, exist_ok=True)
        self.heap = writer_heap_mb * 1_000_000
        self.kinds = docs_mod.field_kinds()
        self.schema = self._build_schema()
        self.version = schema_version()
        self._thread_lock = threading.RLock()
        self._index: tantivy.Index | None = None
        self._generation: str | None = None

    # --- schema and files ------------------------------------------------------------

    def _build_schema(self) -> tantivy.Schema:
        builder = tantivy.SchemaBuilder()
        for name, kind in self.kinds.items():
            if kind == "text":
                builder.add_text_field(_uni(name), tokenizer_name=TOKENIZER)
                builder.add_text_field(_bi(name), tokenizer_name=TOKENIZER)
                if name == "text":  # page text is kept for snippets
                    builder.add_bytes_field(name, stored=True)
                elif name == "title":
                    builder.add_text_field(name, stored=True, tokenizer_name="raw")
            elif kind == "keyword":
                builder.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
            else:  # int, date (as YYYYMMDD)
                builder.add_integer_field(name, stored=True, indexed=True, fast=True)
        return builder.build()

    def _current(self) -> str | None:
        try:
            return (self.root / "CURRENT").read_text().strip() or None
        except FileNotFoundError:
            return None

    def _open(self, generation: str, *, create: bool) -> tantivy.Index:
        directory = self.root / generation
        if create:
            directory.mkdir(parents=True, exist_ok=True)
            (directory / "schema-version").write_text(self.version)
        elif (directory / "schema-version").read_text().strip() != self.version:
            raise SearchUnavailable(
                f"the search index at {directory} was built by another version; "
                "run `python manage.py search_rebuild`")
        index = tantivy.Index(self.schema, path=str(directory), reuse=not create)
        index.register_tokenizer(
            TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
        return index

    def is_current(self) -> bool:
        generation = self._current()
        if generation is None:
            return True  # nothing built yet: the first write builds it with today's fields
        try:
            return (self.root / generation / "schema-version").read_text().strip() == self.version
        except FileNotFoundError:
            return False

    def _switch(self, generation: str) -> None:
        tmp = self.root / f"CURRENT.{uuid.uuid4().hex}"
        tmp.write_text(generation)
        os.replace(tmp, self.root / "CURRENT")

    def _live(self) -> tantivy.Index:
        """Return the live index, reopening it when a rebuild switched generation."""
        with self._thread_lock:
            generation = self._current()
            if generation is None:
                with self._write_lock():
                    generation = self._current()
                    if generation is None:
                        generation = self._new_generation()
                        self._open(generation, create=True)
                        self._switch(generation)
            if generation != self._generation:
                self._index = self._open(generation, create=False)
                self._generation = generation
            return self._index

    @staticmethod
    def _new_generation() -> str:
        return "gen-" + dt.datetime.now().strftime("%Y%m%d%H%M%S%f") + "-" + uuid.uuid4().hex[:6]

    @contextlib.contextmanager
    def _write_lock(self):
        with self._thread_lock, open(self.root / "write.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # --- documents --------------------------------------------------------------------

    def _document(self, source: dict) -> tantivy.Document:
        doc = tantivy.Document()
        for name, kind in self.kinds.items():
            value = source.get(name)
            if kind == "text":
                text = value or ""
                doc.add_text(_uni(name), " ".join(analysis.unigrams(text)))
                doc.add_text(_bi(name), " ".join(analysis.bigrams(text)))
                if name == "text":
                    doc.add_bytes(name, text.encode())
                elif name == "title":
                    doc.add_text(name, text)
            elif kind == "keyword":
                for item in [value] if isinstance(value, str) else value or []:
                    doc.add_text(name, item)
            elif kind == "date":
                doc.add_integer(name, docs_mod.date_number(value))
            else:
                doc.add_integer(name, int(value or 0))
        return doc

    def _write(self, index: tantivy.Index, record_ids: Iterable[int],
               documents: Iterable[dict]) -> int:
        writer = index.writer(heap_size=self.heap, num_threads=1)
        try:
            for record_id in record_ids:
                writer.delete_documents_by_term("record_id", int(record_id))
            written = 0
            for source in documents:
                writer.add_document(self._document(source))
                written += 1
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        writer.wait_merging_threads()
        return written

    def replace(self, record_ids, documents):
        record_ids, documents = list(record_ids), list(documents)
        self._live()  # create the first generation before taking the (non-reentrant) flock
        with self._write_lock():
            index = self._live()
            self._write(index, record_ids, documents)
            index.reload()

    def rebuild(self, documents):
        with self._write_lock():
            old = self._current()
            generation = self._new_generation()
            index = self._open(generation, create=True)
            try:
                writer = index.writer(heap_size=max(self.heap, 200_000_000), num_threads=1)
                written = 0
                for source in documents:
                    writer.add_document(self._document(source))
                    written += 1
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                shutil.rmtree(self.root / generation, ignore_errors=True)
                raise
            self._switch(generation)
            self._index, self._generation = None, None
            if old and old != generation:
                shutil.rmtree(self.root / old, ignore_errors=True)
        return written

    def clear(self):
        self.rebuild([])

    def counts(self):
        searcher = self._searcher()
        return {kind: searcher.search(self._term("kind", kind), 1, count=True).count
                for kind in (RECORD, PAGE)}

    # --- queries ----------------------------------------------------------------------

    def _searcher(self) -> tantivy.Searcher:
        index = self._live()
        index.reload()
        return index.searcher()

    def _term(self, field: str, value) -> Query:
        return Query.term_query(self.schema, field, value, index_option="basic")

    def _clause_query(self, clause: Clause, *, page_text_only: bool = False) -> Query:
        should = []
        boosts = {"text": 1.0} if page_text_only else TEXT_BOOSTS
        for name, boost in boosts.items():
            if clause.single_char:
                q = Query.term_query(self.schema, _uni(name), clause.unigrams[0])
            elif len(clause.bigrams) == 1:
                q = Query.term_query(self.schema, _bi(name), clause.bigrams[0])
            else:
                q = Query.phrase_query(self.schema, _bi(name), list(clause.bigrams))
            should.append((Occur.Should, Query.boost_query(q, boost)))
        if clause.code and not page_text_only:
            for name in CODE_FIELDS:
                should.append((Occur.Should,
                               Query.boost_query(self._term(name, clause.code), 10.0)))
        return Query.boolean_query(should)

    def _filters(self, query: SearchQuery, kind: str) -> list[tuple]:
        must = [(Occur.Must, self._term("kind", kind))]
        for field, values in query.keyword_filters().items():
            must.append((Occur.Must, Query.term_set_query(self.schema, field, values)))
        if query.year_from or query.year_to:
            must.append((Occur.Must, Query.range_query(
                self.schema, "year", tantivy.FieldType.Integer,
                lower_bound=query.year_from, upper_bound=query.year_to)))
        return must

    def _find_records(self, query, clauses, *, sort, offset, limit, facet_size):
        searcher = self._searcher()
        must = [(Occur.Must, self._clause_query(c)) for c in clauses]
        record_query = Query.boolean_query(must + self._filters(query, RECORD))
        kwargs = {}
        if sort != "relevance":
            kwargs = {"order_by_field": "formed_on",
                      "order": tantivy.Order.Asc if sort == "date" else tantivy.Order.Desc}
        result = searcher.search(record_query, limit=limit, offset=offset, count=True, **kwargs)
        # Sorted by a field, the first of each pair is the field's value, not a score.
        hits = [_record_hit(searcher.doc(address).to_dict(), score)
                for score, address in result.hits]
        spec = {name: {"terms": {"field": name, "size": facet_size}} for name in FACETS}
        raw = searcher.aggregate(record_query, spec)
        facets = {name: [(b["key"], b["doc_count"]) for b in raw.get(name, {}).get("buckets", [])]
                  for name in FACETS}
        return RecordMatches(total=result.count, hits=hits, facets=facets, snapshot=searcher)

    def _find_pages(self, found, clauses, record_ids, *, limit):
        searcher = found.snapshot  # the records' view of the index, not a newer one
        any_clause = Query.boolean_query([(Occur.Should, self._clause_query(c, page_text_only=True))
                                          for c in clauses])
        page_query = Query.boolean_query([
            (Occur.Must, any_clause),
            (Occur.Must, self._term("kind", PAGE)),
            (Occur.Must, Query.term_set_query(self.schema, "record_id", record_ids)),
        ])
        result = searcher.search(page_query, limit=limit, count=False)
        pages = []
        for score, address in result.hits:
            stored = searcher.doc(address).to_dict()
            pages.append(PageMatch(record_id=stored["record_id"][0], page_id=stored["page_id"][0],
                                   number=stored["page_number"][0], score=score,
                                   text=bytes(stored.get("text", [b""])[0]).decode()))
        return pages


def _first(stored: dict, name: str, default=None):
    values = stored.get(name) or [default]
    return values[0]


def _record_hit(stored: dict, score: float) -> RecordHit:
    formed = _first(stored, "formed_on", 0)
    return RecordHit(
        record_id=_first(stored, "record_id"), archive_code=_first(stored, "archive_code", ""),
        title=_first(stored, "title", ""), year=_first(stored, "year", 0),
        formed_on=dt.date(formed // 10000, formed // 100 % 100, formed % 100) if formed else None,
        category=_first(stored, "category", ""), stage=_first(stored, "stage", ""),
        retention=_first(stored, "retention", ""), status=_first(stored, "status", ""),
        score=float(score))

