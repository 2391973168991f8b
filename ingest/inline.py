"""Process records in this process or a pool of child processes, when no worker runs."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor

from django.conf import settings
from django.db import connections

from . import pipeline


def _child_init() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import django
    django.setup()


def _in_child(fn, arg):
    try:
        return fn(arg)
    finally:
        connections.close_all()


def _extract(page_id: int) -> int:
    pipeline.extract_page_or_fail(page_id)
    return page_id


def _finish(record_id: int) -> str:
    return pipeline.finish_record(record_id).status


def process_records(record_ids: Iterable[int], *, processes: int | None = None,
                    on_page: Callable[[int], None] | None = None) -> None:
    """Prepare the records, extract every page, finish each record: each phase in parallel."""
    record_ids = list(record_ids)
    workers = processes or settings.INGEST_PROCESSES or os.cpu_count() or 1
    if workers == 1:
        pages = [p for r in record_ids for p in pipeline.prepare_record(r)]
        for page_id in pages:
            _extract(page_id)
            if on_page:
                on_page(page_id)
        for record_id in record_ids:
            _finish(record_id)
        return
    connections.close_all()  # children must not share the parent's database sockets
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_child_init) as pool:
        prepared = pool.map(_in_child, [pipeline.prepare_record] * len(record_ids), record_ids)
        pages = [p for page_ids in prepared for p in page_ids]
        for page_id in pool.map(_in_child, [_extract] * len(pages), pages):
            if on_page:
                on_page(page_id)
        list(pool.map(_in_child, [_finish] * len(record_ids), record_ids))
