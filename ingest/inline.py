"""Process records in this process or a pool of child processes, when no worker runs."""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed

from django.conf import settings
from django.db import connections

# No models imported at module level: a fresh child unpickles ``_child_init`` from this
# module before Django is set up.


# What a child takes over from the parent's settings (tests and benchmarks change them).
INHERITED = ("DATABASES", "ARCHIVE_STORAGE", "ARCHIVE_SEARCH", "ARCHIVE_OCR", "LANGUAGE_CODE")


def _child_init(inherited: dict) -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import django
    django.setup()
    from django.conf import settings as child_settings
    databases = inherited.pop("DATABASES")
    for name, value in inherited.items():
        setattr(child_settings, name, value)
    for alias, settings_dict in databases.items():  # the parent's databases (a test's too)
        connections[alias].close()
        connections[alias].settings_dict.update(settings_dict)
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)


def _in_child(fn, arg):
    # A child keeps its database connection from task to task (opening one costs more
    # than a page's queries) and closes it on exit; after a failure it starts afresh.
    try:
        return fn(arg)
    except BaseException:
        connections.close_all()
        raise


def _child_ready() -> None:
    """Nothing: submitted once per child so the pool starts its processes at once."""


def _prepare(record_id: int) -> list[int]:
    from . import pipeline
    return pipeline.prepare_record(record_id)


def _extract(page_id: int) -> int:
    from . import pipeline
    pipeline.extract_page_or_fail(page_id)
    return page_id


def _finish(record_id: int) -> str:
    from . import pipeline
    return pipeline.finish_record(record_id).status


def process_records(record_ids: Iterable[int], *, processes: int | None = None,
                    on_page: Callable[[int], None] | None = None) -> None:
    """Prepare each record (here), extract its pages and finish it (in the children)."""
    record_ids = list(record_ids)
    workers = processes or settings.INGEST_PROCESSES or os.cpu_count() or 1
    if workers == 1:
        pages = [p for r in record_ids for p in _prepare(r)]
        for page_id in pages:
            _extract(page_id)
            if on_page:
                on_page(page_id)
        for record_id in record_ids:
            _finish(record_id)
        return
    # Fresh children, not forks: a fork inherits the broker connection of the command's
    # worker ping, and kombu's after-fork cleanup then blocks on the parent's Redis socket.
    # They fork from a server that has Django set up already (ingest._forkserver).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", "ingest._forkserver"])
    inherited = {name: getattr(settings, name) for name in INHERITED}
    inherited["DATABASES"] = {alias: dict(connections[alias].settings_dict)
                              for alias in connections}
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_child_init, initargs=(inherited,)) as pool:
        # No phase waits for the whole batch: the children start, then read each record's
        # pages as soon as this process has prepared it, and a record is finished as soon
        # as its last page is read, so the engine is kept busy from the first page to the last.
        for _ in range(workers):
            pool.submit(_child_ready)
        waiting: dict[int, int] = {}  # record -> its pages still being read
        reading: dict[Future, int] = {}
        for record_id in record_ids:
            page_ids = _prepare(record_id)
            waiting[record_id] = len(page_ids)
            reading.update({pool.submit(_in_child, _extract, p): record_id for p in page_ids})
        finishing = [pool.submit(_in_child, _finish, r) for r, n in waiting.items() if n == 0]
        for future in as_completed(reading):
            page_id, record_id = future.result(), reading[future]
            if on_page:
                on_page(page_id)
            waiting[record_id] -= 1
            if waiting[record_id] == 0:
                finishing.append(pool.submit(_in_child, _finish, record_id))
        for future in finishing:
            future.result()
