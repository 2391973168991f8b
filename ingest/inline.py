"""Process records in this process and a pool of child processes, when no worker runs."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed

from django.conf import settings
from django.db import connections

from . import pipeline


def _child_init() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import django
    django.setup()


def _extract(page_id: int) -> int:
    try:
        return pipeline.extract_page(page_id).record_id
    finally:
        connections.close_all()


def _extract_reporting(page_id: int, on_page) -> None:
    _report(page_id, lambda: pipeline.extract_page(page_id), on_page)


def _report(page_id: int, get_result, on_page) -> None:
    try:
        get_result()
    except pipeline.StepFailed as exc:
        from catalog.models import Page
        pipeline.fail_record(Page.objects.get(pk=page_id).record_id, str(exc))
    if on_page:
        on_page(page_id)


def process_records(record_ids: Iterable[int], *, processes: int | None = None,
                    on_page: Callable[[int], None] | None = None) -> None:
    """Prepare every record, extract their pages in parallel, then finish each record."""
    record_ids = list(record_ids)
    pages: list[int] = []
    for record_id in record_ids:
        pages.extend(pipeline.prepare_record(record_id))
    workers = processes or settings.INGEST_PROCESSES or os.cpu_count() or 1
    if pages and workers == 1:
        for page_id in pages:
            _extract_reporting(page_id, on_page)
    elif pages:
        connections.close_all()  # children must not share the parent's database sockets
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, len(pages)), mp_context=context,
                                 initializer=_child_init) as pool:
            futures = {pool.submit(_extract, page_id): page_id for page_id in pages}
            for future in as_completed(futures):
                _report(futures[future], future.result, on_page)
    for record_id in record_ids:
        pipeline.finish_record(record_id)
