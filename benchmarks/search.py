"""Benchmark the embedded search engine against SQLite FTS5 on the same pages, in one run.

Generates N Chinese pages (records of P pages: names, ID numbers, business terms,
dates, as OCR gives them), indexes them with the configured embedded backend
(tantivy) and with a baseline (SQLite FTS5 over the same unigram/bigram tokens,
so both do the same Chinese matching), then runs the same query mix on both —
each query doing the full work of a result page: record hits, total, facets for
year/category/stage/retention, matching pages and snippets — and prints
pages/s, p50/p95 latency and the ratios (goal: p95 < 50 ms at 100,000 pages,
and at least 5x the baseline).

    .venv/bin/python benchmarks/search.py --pages 100000

Needs no database: documents are generated in memory. The index and the
baseline live in a temporary directory that is removed at the end.
"""

from __future__ import annotations

import argparse
import collections
import heapq
import datetime as dt
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
_tmp = tempfile.TemporaryDirectory(prefix="search-bench-")
os.environ.setdefault("ARCHIVE_DATA_DIR", _tmp.name)

import django  # noqa: E402

django.setup()

from search import analysis  # noqa: E402
from search.backends.tantivy import TantivyBackend  # noqa: E402
from search.highlight import snippet  # noqa: E402
from search.query import FACETS, SearchQuery  # noqa: E402
from tests.catalog.factories import citizen_id  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红梅海波鹏辉"
STAGES = [("GL", "GL01", "参保单位登记"), ("GL", "GL02", "参保人员增减登记"),
          ("ZJ", "ZJ01", "缴费基数核定"), ("ZJ", "ZJ03", "社会保险费申报明细"),
          ("ZJ", "ZJ05", "限期补缴通知"), ("ZJ", "ZJ06", "参保缴费证明"),
          ("YL", "YL01", "养老保险待遇核定"), ("YL", "YL02", "个人账户一次性支付"),
          ("YB", "YB03", "住院待遇核定"), ("SB", "SB03", "失业保险金申领"),
          ("GS", "GS02", "工伤认定决定"), ("GS", "GS04", "伤残待遇核定"),
          ("SY", "SY03", "生育津贴核定")]
FILLER = ["经办人审核", "单位盖章", "情况属实", "本人签字", "缴费年限", "月缴费基数", "补缴金额",
          "退休时间", "银行账号", "联系电话", "社会保险经办机构", "备注", "经调查核实",
          "按照有关规定", "特此证明", "申请材料齐全", "同意办理", "年度结算", "城镇职工",
          "基本医疗保险", "失业保险", "工伤保险", "生育保险", "养老保险", "用人单位",
          "法定代表人", "统一社会信用代码", "参保地", "户籍所在地", "待遇标准", "发放"]
RETENTION = ["Y", "H", "C", "D", "E"]


def generate(pages: int, per_record: int, seed: int = 7) -> tuple[list[dict], list[str], list[str]]:
    """Return documents (record + page), some member names and ID numbers to query."""
    rng = random.Random(seed)
    docs, names, id_numbers = [], [], []
    for record_id in range(1, pages // per_record + 1):
        category, stage, term = rng.choice(STAGES)
        year = rng.randint(1995, 2025)
        formed = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        number = citizen_id("110105", f"{rng.randint(1950, 2000)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}",
                            f"{rng.randint(100, 999)}")
        if record_id % 97 == 0:
            names.append(name)
            id_numbers.append(number)
        texts = []
        for n in range(per_record):
            words = [term + ("表" if n == 0 else "")]
            words += [rng.choice(FILLER) for _ in range(rng.randint(25, 45))]
            words.insert(rng.randint(1, len(words)), f"姓名{name}公民身份号码{number}")
            words.insert(rng.randint(1, len(words)), f"{year}年{formed.month}月{formed.day}日")
            texts.append("，".join(words) + "。")
        base = {"record_id": record_id, "archive_code": [f"0211-{category}·{year}-Y-{record_id:06}"],
                "title": term + "表", "year": year, "formed_on": formed, "fonds": ["0211"],
                "category": [category], "stage": [stage], "retention": [rng.choice(RETENTION)],
                "status": ["ready"],
                "sensitivity": ["restricted" if rng.random() < 0.1 else "normal"],
                "member_ids": [number], "member_names": name, "unit_codes": [], "unit_names": ""}
        docs.append({**base, "kind": "record", "page_id": 0, "page_number": 0,
                     "text": "\n".join(texts)})
        for n, text in enumerate(texts, start=1):
            docs.append({**base, "kind": "page", "page_id": record_id * 100 + n,
                         "page_number": n, "text": text})
    return docs, names, id_numbers


def query_mix(names: list[str], id_numbers: list[str], rng: random.Random) -> list[dict]:
    mix = []
    for _ in range(12):
        mix += [
            {"text": rng.choice(SURNAMES[:10])},                       # surname, one character
            {"text": rng.choice(["养老", "工伤", "缴费", "失业", "生育"])},  # two characters
            {"text": rng.choice(["工伤认定", "缴费基数", "限期补缴", "待遇核定"])},
            {"text": rng.choice(names)},                               # a member's name
            {"text": rng.choice(id_numbers)},                          # ID number
            {"text": '"' + rng.choice(FILLER) + '"'},                  # phrase
            {"text": "养老 " + rng.choice(SURNAMES[:10]), "category": ["YL"]},
            {"text": rng.choice(["待遇", "核定"]), "year_from": 2005, "year_to": 2015},
            {"text": rng.choice(["缴费证明", "年度结算"]), "allowed_sensitivity": ["normal"]},
        ]
    rng.shuffle(mix)
    return mix


# --- the baseline: SQLite FTS5 over the same tokens ---------------------------------------

class Fts5Baseline:
    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)
        self.db.executescript("""
            PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
            CREATE TABLE doc(rowid INTEGER PRIMARY KEY, kind TEXT, record_id INT, page_number INT,
                             year INT, formed INT, category TEXT, stage TEXT, retention TEXT,
                             sensitivity TEXT, member_ids TEXT, title TEXT, text TEXT);
            CREATE VIRTUAL TABLE fts USING fts5(uni, bi, meta_uni, meta_bi, content='',
                                                tokenize='unicode61');
            CREATE INDEX doc_record ON doc(kind, record_id);
        """)

    def index(self, docs: list[dict]) -> None:
        rows, fts = [], []
        for i, d in enumerate(docs, start=1):
            meta = d["title"] + "\n" + d["member_names"]
            rows.append((i, d["kind"], d["record_id"], d["page_number"], d["year"],
                         d["formed_on"].toordinal(), d["category"][0], d["stage"][0],
                         d["retention"][0], d["sensitivity"][0], d["member_ids"][0], d["title"],
                         d["text"]))
            fts.append((i, " ".join(analysis.unigrams(d["text"])),
                        " ".join(analysis.bigrams(d["text"])),
                        " ".join(analysis.unigrams(meta)), " ".join(analysis.bigrams(meta))))
        self.db.executemany("INSERT INTO doc VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        self.db.executemany("INSERT INTO fts(rowid, uni, bi, meta_uni, meta_bi) VALUES (?,?,?,?,?)",
                            fts)
        self.db.commit()

    @staticmethod
    def _match(query: SearchQuery) -> str:
        parts = []
        for clause in query.clauses:
            if clause.single_char:
                term = f'"{clause.unigrams[0]}"'
                parts.append(f"({{uni meta_uni}} : {term})")
            else:
                phrase = '"' + " ".join(clause.bigrams) + '"'
                parts.append(f"({{bi meta_bi}} : {phrase})")
        return " AND ".join(parts)

    def search(self, query: SearchQuery) -> dict:
        match = self._match(query)
        where, args = ["d.kind = 'record'"], [match]
        for field, values in query.keyword_filters().items():
            column = {"member_ids": "member_ids"}.get(field, field)
            if column in ("category", "stage", "retention", "sensitivity", "member_ids"):
                where.append(f"d.{column} IN ({','.join('?' * len(values))})")
                args += values
        if query.year_from:
            where.append("d.year >= ?")
            args.append(query.year_from)
        if query.year_to:
            where.append("d.year <= ?")
            args.append(query.year_to)
        # One pass over the matches gives hits, total and facets (as the engine's one query
        # does); CROSS JOIN makes SQLite run the full-text match first, once.
        rows = self.db.execute(
            f"SELECT d.record_id, d.year, d.category, d.stage, d.retention, bm25(fts) "
            f"FROM fts CROSS JOIN doc d ON d.rowid = fts.rowid "
            f"WHERE fts MATCH ? AND {' AND '.join(where)}", args).fetchall()
        hits = heapq.nsmallest(query.per_page, rows, key=lambda r: r[5])
        total = len(rows)
        facets = {name: collections.Counter(r[i] for r in rows).most_common()
                  for i, name in enumerate(FACETS, start=1)}
        pages = []
        if hits:
            ids = [h[0] for h in hits]
            any_clause = " OR ".join(f"({p})" for p in match.split(" AND "))
            rows = self.db.execute(
                f"SELECT d.record_id, d.page_number, d.text FROM fts CROSS JOIN doc d ON d.rowid = fts.rowid "
                f"WHERE fts MATCH ? AND d.kind = 'page' AND d.record_id IN "
                f"({','.join('?' * len(ids))}) ORDER BY bm25(fts) LIMIT {len(ids) * 30}",
                [any_clause.replace("{uni meta_uni}", "uni").replace("{bi meta_bi}", "bi"), *ids]
            ).fetchall()
            clauses = query.clauses
            pages = [(r[0], r[1], snippet(r[2], clauses)) for r in rows]
        return {"hits": hits, "total": total, "facets": facets, "pages": pages}


def timed(func, queries) -> tuple[list[float], list[int]]:
    latencies, totals = [], []
    for params in queries:
        query = SearchQuery(**params)
        started = time.perf_counter()
        result = func(query)
        latencies.append((time.perf_counter() - started) * 1000)
        totals.append(result.total if hasattr(result, "total") else result["total"])
    return latencies, totals


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--pages-per-record", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    work = Path(_tmp.name)
    started = time.perf_counter()
    docs, names, id_numbers = generate(args.pages, args.pages_per_record, args.seed)
    pages = sum(1 for d in docs if d["kind"] == "page")
    records = len(docs) - pages
    print(f"generated {pages} pages in {records} records "
          f"({time.perf_counter() - started:.1f} s)")
    queries = query_mix(names, id_numbers, random.Random(args.seed))

    engine = TantivyBackend(path=str(work / "tantivy"))
    started = time.perf_counter()
    engine.rebuild(docs)
    engine_index_s = time.perf_counter() - started

    baseline = Fts5Baseline(work / "fts5.sqlite3")
    started = time.perf_counter()
    baseline.index(docs)
    baseline_index_s = time.perf_counter() - started

    # Warm both (first-touch of files), then measure.
    timed(engine.search, queries[:10])
    timed(baseline.search, queries[:10])
    engine_ms, engine_totals = timed(engine.search, queries)
    baseline_ms, baseline_totals = timed(baseline.search, queries)
    # The engines must agree on what they found, or the timing compares different work.
    disagreements = sum(1 for a, b in zip(engine_totals, baseline_totals) if a != b)

    def line(name, index_s, latencies):
        print(f"{name:10} index {pages / index_s:8.0f} pages/s ({index_s:6.1f} s)   "
              f"query p50 {pct(latencies, 50):7.1f} ms  p95 {pct(latencies, 95):7.1f} ms  "
              f"max {max(latencies):7.1f} ms")

    print(f"{len(queries)} queries: surnames, words, terms, names, ID numbers, phrases, "
          "with filters and access limits; each with total, 4 facets, pages and snippets")
    line("tantivy", engine_index_s, engine_ms)
    line("FTS5", baseline_index_s, baseline_ms)
    print(f"ratio (baseline / tantivy): p50 {pct(baseline_ms, 50) / pct(engine_ms, 50):.1f}x  "
          f"p95 {pct(baseline_ms, 95) / pct(engine_ms, 95):.1f}x  "
          f"indexing {baseline_index_s / engine_index_s:.2f}x (higher is better for tantivy)")
    print(f"goal p95 < 50 ms: {'met' if pct(engine_ms, 95) < 50 else 'NOT met'}; "
          f"goal >= 5x baseline p95: "
          f"{'met' if pct(baseline_ms, 95) >= 5 * pct(engine_ms, 95) else 'NOT met'}; "
          f"result totals differing between engines: {disagreements}/{len(queries)}")


if __name__ == "__main__":
    main()
