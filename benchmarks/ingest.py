"""Benchmark ingest against raw Tesseract on the same pages, in the same run.

Generates N scanned A4 pages with Chinese text (PNG, 150 dpi), ingests them end
to end (store, split, normalise, thumbnails, OCR, four-properties check,
classification, status) with P processes, then runs the `tesseract` command
itself on the same pages with the same parallelism, and prints the ratio
(goal: ingest / raw <= 1.15). Also times born-digital PDF pages per second.

    ARCHIVE_DATA_DIR=$(mktemp -d) .venv/bin/python benchmarks/ingest.py --pages 40 --processes 2

Runs on the embedded default (SQLite in a fresh data directory) unless
DATABASE_URL says otherwise; migrate first if the database is new.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from catalog.models import Fonds  # noqa: E402
from catalog.services import fonds_create  # noqa: E402
from ingest.inline import process_records  # noqa: E402
from ingest.services import Source, batch_create, file_ingest  # noqa: E402
from tests.ingest import samples  # noqa: E402

LINES = [
    ["参保单位登记表", "单位名称 某某科技有限公司 第{n}号", "统一社会信用代码 91350100M000100Y43",
     "经办日期 2013年4月1日", "经办人 张三  复核人 李四"],
    ["缴费基数核定表", "公民身份号码 11010519491231002X", "缴费基数 核定 补缴费 第{n}页",
     "核定日期 2009年3月15日", "单位盖章"],
]


def make_pages(count: int, folder: Path) -> list[Path]:
    paths = []
    for n in range(count):
        lines = [line.format(n=n) for line in LINES[n % 2]]
        path = folder / f"page-{n:04d}.png"
        path.write_bytes(samples.encode([samples.page_image(lines)], "PNG"))
        paths.append(path)
    return paths


def time_ingest(paths: list[Path], processes: int) -> float:
    batch = batch_create(actor=None, source="benchmark")
    start = time.perf_counter()
    ids = [file_ingest(actor=None, batch=batch, source=Source(p.name, p.read_bytes()),
                       queue=False).record_id for p in paths]
    process_records(ids, processes=processes)
    return time.perf_counter() - start


def time_raw_tesseract(paths: list[Path], processes: int) -> float:
    def run(path: Path) -> None:
        subprocess.run(["tesseract", str(path), "stdout", "-l", "chi_sim+eng", "tsv"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env={**os.environ, "OMP_THREAD_LIMIT": "1"})

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=processes) as pool:
        list(pool.map(run, paths))
    return time.perf_counter() - start


def time_born_digital(pages: int) -> float:
    data = samples.born_digital_pdf([[line.format(n=n) for line in LINES[n % 2]]
                                     for n in range(pages)])
    batch = batch_create(actor=None, source="benchmark")
    start = time.perf_counter()
    item = file_ingest(actor=None, batch=batch, source=Source("digital.pdf", data), queue=False)
    process_records([item.record_id], processes=1)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--pdf-pages", type=int, default=200)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if not Fonds.objects.exists():
        fonds_create(actor=None, code="0001", name="benchmark")
    with tempfile.TemporaryDirectory() as folder:
        paths = make_pages(args.pages, Path(folder))
        raw = time_raw_tesseract(paths, args.processes)
        ours = time_ingest(paths, args.processes)
    digital = time_born_digital(args.pdf_pages)
    print(f"pages                     {args.pages} (processes {args.processes})")
    print(f"raw tesseract             {raw:8.2f} s  {args.pages / raw:6.2f} pages/s")
    print(f"ingest end to end         {ours:8.2f} s  {args.pages / ours:6.2f} pages/s")
    print(f"ratio ingest/raw          {ours / raw:8.3f}  (goal <= 1.15)")
    print(f"born-digital PDF          {args.pdf_pages / digital:8.1f} pages/s "
          f"({args.pdf_pages} pages in {digital:.2f} s)")


if __name__ == "__main__":
    main()
