"""Benchmark ingest against the raw OCR engine on the same pages, in the same run.

Generates N scanned A4 pages with Chinese text (PNG or JPEG, 150 dpi), ingests them
end to end (store, split, normalise, thumbnails, OCR, four-properties check,
classification, status) with P processes, and runs the configured OCR backend
(``ARCHIVE_OCR``: the same engine, model and options) directly on the same files
with the same parallelism. Repetitions interleave (raw, pipeline, pipeline, raw …,
fresh pages each time) so a machine shared with others loads both alike; the median
of the per-repetition ratios is the figure (goal: pipeline / raw <= 1.10). The
pipeline's text must equal the raw engine's on every page (checked, with both CERs
against the printed text). Also counts the database queries per page and times
born-digital PDF pages per second.

    ARCHIVE_DATA_DIR=$(mktemp -d) .venv/bin/python benchmarks/ingest.py --pages 40 --processes 2

Runs on the embedded default (SQLite in a fresh data directory) unless
DATABASE_URL says otherwise; migrate first if the database is new.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import django

django.setup()

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from rapidfuzz.distance import Levenshtein

from catalog.models import Fonds, Page
from catalog.services import fonds_create
from ingest import pipeline
from ingest.inline import process_records
from ingest.ocr import build_backend
from ingest.services import Source, batch_create, file_ingest
from tests.ingest import samples

GOAL = 1.10
LINES = [
    ["参保单位登记表", "单位名称 某某科技有限公司 第{n}号", "统一社会信用代码 91350100M000100Y43",
     "经办日期 2013年4月1日", "经办人 张三  复核人 李四"],
    ["缴费基数核定表", "公民身份号码 11010519491231002X", "缴费基数 核定 补缴费 第{n}页",
     "核定日期 2009年3月15日", "单位盖章"],
]
FORMATS = {"png": "PNG", "jpeg": "JPEG"}


def page_lines(n: int) -> list[str]:
    return [line.format(n=n) for line in LINES[n % 2]]


def make_pages(numbers: range, folder: Path, fmt: str = "png") -> list[Path]:
    """Write one scanned page per number (distinct text, so no page is a duplicate)."""
    paths = []
    for n in numbers:
        path = folder / f"page-{n:05d}.{fmt}"
        path.write_bytes(samples.encode([samples.page_image(page_lines(n))], FORMATS[fmt]))
        paths.append(path)
    return paths


def time_ingest(paths: list[Path], processes: int) -> tuple[float, dict[str, str]]:
    """Ingest the files end to end; return the wall time and each file's page text."""
    batch = batch_create(actor=None, source="benchmark")
    start = time.perf_counter()
    ids = [file_ingest(actor=None, batch=batch, source=Source(p.name, p.read_bytes()),
                       queue=False).record_id for p in paths]
    process_records(ids, processes=processes)
    elapsed = time.perf_counter() - start
    texts = dict(Page.objects.filter(record_id__in=ids, number=1)
                 .values_list("record__source_name", "text"))
    return elapsed, texts


_RAW = None


def _raw_init(config: dict) -> None:
    global _RAW
    _RAW = build_backend(config)  # the engine's models load here, as in a pipeline process


def _raw_read(path: str) -> tuple[str, str]:
    return Path(path).name, _RAW.recognise_file(path).text


def time_raw(paths: list[Path], processes: int) -> tuple[float, dict[str, str]]:
    """The configured backend called directly on the files, ``processes`` at a time."""
    connections.close_all()  # forked children must not share the parent's sockets
    context = multiprocessing.get_context("fork")
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=_raw_init,
                             initargs=(settings.ARCHIVE_OCR,)) as pool:
        texts = dict(pool.map(_raw_read, [str(p) for p in paths]))
    return time.perf_counter() - start, texts


def cer(text: str, truth: str) -> float:
    """Character error rate against the printed lines (whitespace ignored)."""
    squash = "".join(truth.split())
    return Levenshtein.distance("".join(text.split()), squash) / max(len(squash), 1)


def count_queries(folder: Path, numbers: range, fmt: str) -> dict[str, float]:
    """Queries per page of each phase, in this process (one page per record, as above)."""
    paths = make_pages(numbers, folder, fmt)
    counts = {"file_ingest": 0, "prepare": 0, "extract": 0, "finish": 0}
    wrapped = {"prepare": "prepare_record", "extract": "extract_page_or_fail",
               "finish": "finish_record"}
    originals = {name: getattr(pipeline, attr) for name, attr in wrapped.items()}

    def counting(name):
        def run(arg):
            with CaptureQueriesContext(connection) as queries:
                result = originals[name](arg)
            counts[name] += len(queries.captured_queries)
            return result
        return run

    with ExitStack() as restore:
        for name, attr in wrapped.items():
            setattr(pipeline, attr, counting(name))
            restore.callback(setattr, pipeline, attr, originals[name])
        batch = batch_create(actor=None, source="benchmark")
        ids = []
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                ids.append(file_ingest(actor=None, batch=batch,
                                       source=Source(path.name, path.read_bytes()),
                                       queue=False).record_id)
            counts["file_ingest"] += len(queries.captured_queries)
        process_records(ids, processes=1)
    return {name: count / len(paths) for name, count in counts.items()}


def time_born_digital(pages: int) -> float:
    data = samples.born_digital_pdf([page_lines(n) for n in range(pages)])
    batch = batch_create(actor=None, source="benchmark")
    start = time.perf_counter()
    item = file_ingest(actor=None, batch=batch, source=Source("digital.pdf", data), queue=False)
    process_records([item.record_id], processes=1)
    return time.perf_counter() - start


def compare(paths: list[Path], ours: dict[str, str], raw: dict[str, str],
            numbers: range) -> tuple[int, float, float]:
    """Pages whose text differs from the raw engine's, and both mean CERs."""
    truths = {p.name: "\n".join(page_lines(n)) for p, n in zip(paths, numbers)}
    differ = sum(1 for p in paths if ours.get(p.name) != raw[p.name])
    mean = lambda texts: statistics.fmean(cer(texts.get(p.name, ""), truths[p.name])
                                          for p in paths)
    return differ, mean(ours), mean(raw)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repetitions")
    parser.add_argument("--format", choices=sorted(FORMATS), default="png")
    parser.add_argument("--query-pages", type=int, default=4)
    parser.add_argument("--pdf-pages", type=int, default=200)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if not Fonds.objects.exists():
        fonds_create(actor=None, code="0001", name="benchmark")
    base = int(time.time()) % 100000 * 1000  # fresh page texts in a database used before
    load_start = os.getloadavg()
    rows, failures = [], []
    with tempfile.TemporaryDirectory() as folder:
        for rep in range(args.repeats):
            numbers = range(base + rep * args.pages, base + (rep + 1) * args.pages)
            paths = make_pages(numbers, Path(folder), args.format)
            order = ("raw", "pipeline") if rep % 2 == 0 else ("pipeline", "raw")
            timed = {}
            for which in order:
                timed[which] = (time_raw if which == "raw" else time_ingest)(paths, args.processes)
            differ, cer_ours, cer_raw = compare(paths, timed["pipeline"][1], timed["raw"][1], numbers)
            if differ:
                failures.append(f"repetition {rep + 1}: {differ} of {len(paths)} pages' text "
                                "differs from the raw engine's")
            rows.append((timed["raw"][0], timed["pipeline"][0], cer_raw, cer_ours, os.getloadavg()[0]))
        queries = count_queries(Path(folder), range(base + 90000, base + 90000 + args.query_pages),
                                args.format)
    digital = time_born_digital(args.pdf_pages) if args.pdf_pages else None

    ocr = settings.ARCHIVE_OCR
    print(f"engine                    {ocr['BACKEND'].rsplit('.', 1)[-1]} {ocr.get('OPTIONS', {})}")
    print(f"pages                     {args.pages} {args.format} x {args.repeats} interleaved "
          f"repetitions (processes {args.processes}, {os.cpu_count()} cores)")
    print(f"load at start             {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f} "
          "(1, 5, 15 min)")
    print("rep  raw s/page  pipeline s/page  ratio   CER raw  CER pipeline  load")
    for i, (raw, ours, cer_raw, cer_ours, load) in enumerate(rows, 1):
        print(f"{i:3d}  {raw / args.pages:10.3f}  {ours / args.pages:15.3f}  {ours / raw:5.3f}"
              f"  {cer_raw:8.4f}  {cer_ours:12.4f}  {load:4.2f}")
    ratio = statistics.median(ours / raw for raw, ours, *_ in rows)
    print(f"raw engine                {statistics.median(r[0] for r in rows) / args.pages:8.3f} s/page"
          " (median)")
    print(f"pipeline end to end       {statistics.median(r[1] for r in rows) / args.pages:8.3f} s/page"
          " (median)")
    print(f"ratio pipeline/raw        {ratio:8.3f}  median (goal <= {GOAL:.2f})")
    print("queries per page          " + ", ".join(f"{k} {v:.1f}" for k, v in queries.items())
          + f"; total {sum(queries.values()):.1f}")
    print(f"text equal to raw engine  {'every page' if not failures else 'NO'}")
    if digital:
        print(f"born-digital PDF          {args.pdf_pages / digital:8.1f} pages/s "
              f"({args.pdf_pages} pages in {digital:.2f} s)")
    if failures:
        raise SystemExit("; ".join(failures))


if __name__ == "__main__":
    main()
