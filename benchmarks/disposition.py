"""Benchmark disposition (issue 15): due records through appraisal, register and execution.

Creates N due records (GL04, formed 2010, so due since 2021) of 2 pages each, with
an original, two page images and two thumbnails stored in the configured object
store (S3 here), the text indexed; then runs the services as the admin and the
commands do: appraisal_open (3 members) → appraisal_submit → one bulk opinion per
member → appraisal_close → register_build → register_submit → register_approve
(another user) → register_file → the register PDF and XLSX → destruction_execute
(two supervisors with their passwords, queue=False) → destruction_item_execute per
item in this process. Prints the figures as ratios against references measured in
the same process:

- opinions: a plain ``Record.objects.filter(pk__in=ids).update(title=F("title"))``
  over the same N rows (one UPDATE statement);
- execution: a raw ``store.delete`` of the same number of objects per item (5),
  on objects put for the purpose into the same bucket.

At the end it checks that every item is destroyed and that the store lists none of
the records' objects any more.

    ARCHIVE_STORAGE=s3 S3_ENDPOINT=127.0.0.1:38333 S3_ACCESS_KEY=... S3_SECRET_KEY=... \\
    S3_BUCKET=bench-disposition DATABASE_URL=postgres://... \\
    .venv/bin/python benchmarks/disposition.py --records 10000

Migrates the database first; a database used before is fine (users get fresh names,
the batch takes only the records made by this run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import logging
import os
import resource
import sys
import time
import tracemalloc
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import F  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image  # noqa: E402

from archive.roles import group_name  # noqa: E402
from archive.services import stored_object_put  # noqa: E402
from archive.storage import object_store  # noqa: E402
from catalog import services as catalog  # noqa: E402
from catalog.models import Fonds, Page, Record, Stage  # noqa: E402
from kernel import clock  # noqa: E402
from retention import services as retention  # noqa: E402
from retention.models import DestructionItem, ItemState  # noqa: E402
from retention.reports.register import register_pdf, register_xlsx  # noqa: E402
from search.services import index_records_now  # noqa: E402

PASSWORD = "bench-horse-42"
OBJECTS_PER_RECORD = 5  # original, 2 page images, 2 thumbnails


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def png(seed: int, size: int) -> bytes:
    """A small PNG whose pixels carry ``seed`` (distinct bytes: no object is shared)."""
    image = Image.new("L", (size, size), 255)
    pixels = image.load()
    for bit in range(64):
        pixels[bit % size, bit // size] = 0 if (seed >> bit) & 1 else 255
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def user(role: str, name: str, run: str):
    made = get_user_model().objects.create_user(username=f"{name}.{run}", password=PASSWORD)
    made.groups.add(Group.objects.get(name=group_name(role)))
    return made


def create_records(n: int, run: str, fonds: Fonds, stage: Stage) -> tuple[list[int], set[str]]:
    """Return the ids of ``n`` due records with stored content, and every object they name."""
    ids, shas = [], set()
    base = (int(run, 16) % (1 << 40)) << 20
    for i in range(n):
        record = catalog.record_create(actor=None, fonds=fonds, stage=stage,
                                       formed_on=dt.date(2010, 3, 15),
                                       title=f"基准 {run} 第{i}件 参保登记表")
        original = stored_object_put(actor=None, data=f"%PDF-1.4 bench {run} {i}".encode(),
                                     content_type="application/pdf")
        shas.add(original.sha256)
        pages = []
        for number in (1, 2):
            seed = base + i * 8 + number * 2
            image = stored_object_put(actor=None, data=png(seed, 64), content_type="image/png",
                                      derived=True)
            thumb = stored_object_put(actor=None, data=png(seed + 1, 16),
                                      content_type="image/png", derived=True)
            shas |= {image.sha256, thumb.sha256}
            pages.append(Page(record=record, number=number, object_sha256=image.sha256,
                              thumbnail_sha256=thumb.sha256, width=64, height=64, dpi=150,
                              text=f"基准 {run} 第{i}件 第{number}页 参保单位登记表",
                              words=[], text_source="ocr", confidence=93.0,
                              text_done_at=timezone.now()))
        Page.objects.bulk_create(pages)
        Record.objects.filter(pk=record.pk).update(original_sha256=original.sha256)
        ids.append(record.pk)
    for start in range(0, n, 1000):
        assert index_records_now(ids[start:start + 1000]), "the search index took nothing"
    return ids, shas


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def render_with_peak(render, register, trace: bool):
    """Time ``render``; the peak as tracemalloc (Python heap) or as the growth of maxrss."""
    if trace:
        tracemalloc.start()
        start = time.perf_counter()
        data = render(register)
        elapsed = time.perf_counter() - start
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return elapsed, data, peak / 2**20
    before = rss_mb()
    start = time.perf_counter()
    data = render(register)
    return time.perf_counter() - start, data, rss_mb() - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--no-trace", action="store_true",
                        help="skip the second, tracemalloc-traced rendering of PDF and XLSX")
    args = parser.parse_args()
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    n = args.records
    load_start = os.getloadavg()
    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:8]
    store = object_store()
    figures: list[tuple[str, str]] = []

    def show(label: str, value: str) -> None:
        figures.append((label, value))
        print(f"{label:<34}{value}", flush=True)

    print(f"storage                           {settings.ARCHIVE_STORAGE['BACKEND'].rsplit('.', 1)[-1]} "
          f"{ {k: v for k, v in settings.ARCHIVE_STORAGE['OPTIONS'].items() if 'key' not in k} }")
    print(f"database                          {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} "
          f"{settings.DATABASES['default'].get('NAME')}")
    print(f"load at start                     {load_start[0]:.2f} {load_start[1]:.2f} "
          f"{load_start[2]:.2f} (1, 5, 15 min; {os.cpu_count()} cores)")
    print(f"records                           {n} (2 pages each, {OBJECTS_PER_RECORD} objects each)",
          flush=True)

    fonds = Fonds.objects.filter(code="0211").first() or catalog.fonds_create(
        actor=None, code="0211", name="某市社会保险事业管理中心")
    stage = Stage.objects.with_plan().get(code="GL04")
    officer = user("archive_officer", "officer", run)
    members = [user("appraisal_member", f"member{i}", run) for i in range(3)]
    approver = user("approver", "approver", run)
    supervisors = [user("destruction_supervisor", f"supervisor{i}", run) for i in range(2)]

    made, (ids, shas) = timed(create_records, n, run, fonds, stage)
    show("setup (records + objects + index)", f"{made:8.1f} s  ({n / made:.1f} records/s)")

    # Reference for the opinions: one plain UPDATE over the same rows.
    ref_update, _ = timed(lambda: Record.objects.filter(pk__in=ids).update(title=F("title")))

    today = clock.today()
    t_open, batch = timed(retention.appraisal_open, actor=officer, title=f"基准鉴定 {run}",
                          due_by=today, members=members, fonds=fonds, records=ids)
    t_submit, batch = timed(retention.appraisal_submit, actor=officer, batch=batch)
    show("appraisal_open", f"{t_open:8.2f} s")
    show("appraisal_submit", f"{t_submit:8.2f} s")
    opinion_times = []
    for member in members:
        took, covered = timed(retention.appraisal_opinion, actor=member, batch=batch,
                              decision="destroy")
        assert covered == n, covered
        opinion_times.append(took)
    for i, took in enumerate(opinion_times, 1):
        show(f"opinion (bulk) member {i}", f"{n / took:8.0f} items/s  ({took:.2f} s)")
    best = min(opinion_times)
    show("reference: plain UPDATE same rows", f"{n / ref_update:8.0f} rows/s  ({ref_update:.3f} s)")
    show("ratio opinion / plain UPDATE", f"{best / ref_update:8.1f} x the time (fastest member)")

    t_close, batch = timed(retention.appraisal_close, actor=officer, batch=batch)
    show("appraisal_close", f"{t_close:8.2f} s")
    t_build, registers = timed(retention.register_build, actor=officer, batch=batch)
    assert len(registers) == 1, registers
    register = registers[0]
    show("register_build", f"{t_build:8.2f} s")
    t_rsubmit, register = timed(retention.register_submit, actor=officer, register=register)
    show("register_submit", f"{t_rsubmit:8.2f} s")
    t_approve, register = timed(retention.register_approve, actor=approver, register=register)
    show("register_approve", f"{t_approve:8.2f} s")
    t_file, register = timed(retention.register_file, actor=officer, register=register,
                             filed_on=today, reference=f"人社备 {run}")
    show("register_file", f"{t_file:8.2f} s")

    t_pdf, pdf, rss_pdf = render_with_peak(register_pdf, register, trace=False)
    t_xlsx, xlsx, rss_xlsx = render_with_peak(register_xlsx, register, trace=False)
    show("register PDF", f"{t_pdf:8.2f} s  {len(pdf) / 2**20:.2f} MB  maxrss +{rss_pdf:.0f} MB")
    show("register XLSX", f"{t_xlsx:8.2f} s  {len(xlsx) / 2**20:.2f} MB  maxrss +{rss_xlsx:.0f} MB")
    if not args.no_trace:
        tt_pdf, _, peak_pdf = render_with_peak(register_pdf, register, trace=True)
        tt_xlsx, _, peak_xlsx = render_with_peak(register_xlsx, register, trace=True)
        show("register PDF  (traced)", f"{tt_pdf:8.2f} s  Python peak {peak_pdf:.0f} MB")
        show("register XLSX (traced)", f"{tt_xlsx:8.2f} s  Python peak {peak_xlsx:.0f} MB")
    print(f"maxrss of the process now         {rss_mb():8.0f} MB", flush=True)

    t_exec, register = timed(
        retention.destruction_execute, actor=officer, register=register, method="delete",
        place="基准机房", supervisors=[(s, PASSWORD) for s in supervisors], queue=False)
    show("destruction_execute (2 passwords)", f"{t_exec:8.2f} s")
    item_ids = list(register.items.filter(state=ItemState.QUEUED).order_by("serial")
                    .values_list("pk", flat=True))
    assert len(item_ids) == n, len(item_ids)
    start = time.perf_counter()
    removed = 0
    for item_id in item_ids:
        removed += len(retention.destruction_item_execute(item_id=item_id).removed)
    t_items = time.perf_counter() - start
    show("execution (per item, in-process)", f"{n / t_items:8.1f} items/s  ({t_items:.1f} s, "
         f"{removed} objects removed)")

    # Reference for the execution: raw deletes of as many objects per item, same store.
    ref_count = n * OBJECTS_PER_RECORD
    ref_keys = [store.put(f"bench reference {run} {i}".encode()).sha256 for i in range(ref_count)]
    ref_delete, _ = timed(lambda: [store.delete(k) for k in ref_keys])
    ref_items = n / ref_delete
    show("reference: raw store.delete", f"{ref_count / ref_delete:8.0f} objects/s = "
         f"{ref_items:.1f} items/s ({OBJECTS_PER_RECORD} objects each)")
    show("ratio execution / raw delete", f"{t_items / ref_delete:8.1f} x the time")

    states = dict(register.items.values("state").annotate(n=__import__(
        "django.db.models", fromlist=["Count"]).Count("pk")).values_list("state", "n"))
    register.refresh_from_db()
    listed = set(store.list())
    left = shas & listed
    left_ref = set(ref_keys) & listed
    show("items by state", f"{states}; register {register.state}")
    show("objects of the records listed", f"{len(left)} of {len(shas)} (reference {len(left_ref)})")
    alive = Record.objects.filter(pk__in=ids).exclude(status="destroyed").count()
    show("records not tombstoned", f"{alive}")
    problems = []
    if states.get(ItemState.DESTROYED, 0) != n:
        problems.append(f"{n - states.get(ItemState.DESTROYED, 0)} items not destroyed")
    if left:
        problems.append(f"{len(left)} objects still listed")
    if alive:
        problems.append(f"{alive} records not tombstoned")
    if DestructionItem.objects.filter(register=register, verified_at__isnull=True).exists():
        problems.append("items without verified_at")
    if problems:
        raise SystemExit("; ".join(problems))
    print("check                             every item destroyed and verified; S3 lists none "
          "of the objects")


if __name__ == "__main__":
    main()
