"""Benchmark the core intake API: 1,000 pushes of small PDFs by 8 concurrent clients.

Starts the app under gunicorn on 127.0.0.1 with a real Celery worker on Redis
and a fresh PostgreSQL database, registers a core client whose callback URL is
a receiver in this process, then lets C threads push N one-page born-digital
PDFs (each with its own idempotency key, unit and members). Prints accepted/s
and the p50/p95 accept latency (goal: p95 under 100 ms — acceptance does not
wait for text extraction), each as a ratio against a static file fetched by the
same C threads from the same server in the same run; repeats some pushes to
show they are answered from the first answer; then waits until every document
is ready and confirms each reached ``ready`` exactly once (one status change
in the audit trail, one delivered callback).

    eval "$(scripts/services start)"
    DATABASE_URL=$TEST_DATABASE_URL CELERY_BROKER_URL=$REDIS_URL \\
        .venv/bin/python benchmarks/core_api.py --documents 1000 --clients 8

The database ``core_bench`` beside DATABASE_URL is dropped and made again; the
broker uses Redis database 3 (flushed); the data directory is temporary.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from counter import free_port, percentile  # noqa: E402  (same helpers as the counter bench)
import processes  # noqa: E402  (start and always stop what the benchmark runs)
from config import gunicorn as web  # noqa: E402  (the web server's settings as deployed)


def bench_database(url: str) -> str:
    import psycopg
    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS core_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE core_bench")
    return urlunsplit(parts._replace(path="/core_bench"))


def documents(n: int) -> list[tuple[str, dict, bytes]]:
    """N (key, metadata, pdf) triples: each a different declaration, unit and member."""
    from catalog.identifiers import citizen_id_check_char
    from tests.catalog.factories import credit_code
    from tests.ingest import samples

    out = []
    for i in range(n):
        first17 = f"3501021980{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}"
        member = first17 + citizen_id_check_char(first17)
        unit = credit_code(org_body=f"M{i:07d}")
        declaration = f"SB2026{i:08d}"
        meta = {"business_type": "contribution_declaration", "declaration_id": declaration,
                "unit": {"credit_code": unit, "computer_code": f"35{i:08d}", "name": f"单位{i}"},
                "members": [{"id_number": member, "name": "王芳"}], "period": "202610",
                "payment_nature": "正常申报", "declaration_kind": "正常",
                "formed_at": "2026-11-03T10:15:00+08:00"}
        pdf = samples.born_digital_pdf([["社会保险费申报表", f"申报单号 {declaration}",
                                         f"统一社会信用代码 {unit}", f"公民身份号码 {member}"]])
        out.append((f"{declaration}-1", meta, pdf))
    return out


def run_threads(n_threads: int, jobs: list, work) -> list:
    """Run ``work(job)`` over jobs on n threads; return the results in job order."""
    results: list = [None] * len(jobs)
    lock, position = threading.Lock(), iter(range(len(jobs)))

    def loop():
        while True:
            with lock:
                index = next(position, None)
            if index is None:
                return
            results[index] = work(jobs[index])

    threads = [threading.Thread(target=loop) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8, help="concurrent pushing threads")
    parser.add_argument("--workers", type=int, default=web.workers,
                        help="gunicorn workers (default from config/gunicorn.py)")
    parser.add_argument("--threads", type=int, default=web.threads,
                        help="threads per gunicorn worker (default from config/gunicorn.py)")
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--worker-nice", type=int, default=processes.WORKER_NICENESS,
                        help="the Celery worker's niceness (as deployed by default)")
    parser.add_argument("--repeats", type=int, default=100, help="pushes sent again")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for ready")
    parser.add_argument("--worker-after-push", action="store_true",
                        help="start the worker once the pushes are in (as when workers run on "
                             "other machines: acceptance then has the 2 cores to itself)")
    args = parser.parse_args()
    args.load_at_start = os.getloadavg()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server (eval \"$(scripts/services start)\")")
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"):
        raise SystemExit("CELERY_BROKER_URL must name Redis (eval \"$(scripts/services start)\")")
    data_dir = tempfile.mkdtemp(prefix="core-bench-")
    redis_base = os.environ["CELERY_BROKER_URL"].rsplit("/", 1)[0]
    os.environ.update({"DATABASE_URL": bench_database(os.environ["DATABASE_URL"]),
                       "ARCHIVE_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "config.settings",
                       "CELERY_BROKER_URL": f"{redis_base}/3", "CACHE_URL": f"{redis_base}/4",
                       "CORE_CALLBACK_BACKOFF_SECONDS": "1", "LOG_LEVEL": "WARNING"})
    import redis
    redis.Redis.from_url(f"{redis_base}/3").flushdb()
    try:
        import django
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)
        from catalog.models import Fonds
        Fonds.objects.create(code="0211", name="某市社会保险事业管理中心")
        from ingest.core.client import CoreAPIClient
        from ingest.core.services import core_client_create
        from tests.ingest.callback_receiver import Receiver

        print(f"making {args.documents} PDFs …", flush=True)
        docs = documents(args.documents)
        with Receiver() as receiver:
            _, token = core_client_create(actor=None, name="core-bench", scopes=["push", "read"],
                                          rate_limit=1_000_000, callback_url=receiver.url)
            port = free_port()
            env = dict(os.environ)
            server = processes.start(
                processes.gunicorn_command(port, args.workers, args.threads), env)
            worker = (None if args.worker_after_push
                      else processes.start(processes.worker_command(args.concurrency, args.worker_nice), env))
            base = f"http://127.0.0.1:{port}"
            try:
                processes.wait_for_http(f"{base}/static/counter/counter.css", server)
                clients = threading.local()

                def api() -> CoreAPIClient:
                    if not hasattr(clients, "api"):
                        clients.api = CoreAPIClient(base, token)
                    return clients.api

                def static(_):
                    started = time.perf_counter()
                    response = api().session.get(f"{base}/static/counter/counter.css", timeout=30)
                    return response.status_code, time.perf_counter() - started

                def push(doc):
                    key, meta, pdf = doc
                    answer = api().push(key=key, metadata=meta, file_name=f"{key}.pdf", data=pdf,
                                        content_type="application/pdf")
                    return answer

                # Warm up: every gunicorn worker loads the API's code before the clock starts.
                run_threads(args.clients, list(range(50)), static)
                run_threads(args.clients, list(range(10 * args.workers)),
                            lambda _: api().links(declaration_id="SB-warm-up"))
                baseline = run_threads(args.clients, list(range(args.documents)), static)
                groups = {"web (gunicorn)": server, "worker (Celery)": worker}
                cpu_before = processes.cpu_seconds(groups)
                started = time.perf_counter()
                answers = run_threads(args.clients, docs, push)
                push_seconds = time.perf_counter() - started
                cpu = {name: used - cpu_before[name]
                       for name, used in processes.cpu_seconds(groups).items()}
                repeats = run_threads(args.clients, docs[:args.repeats], push)
                if worker is None:
                    worker = processes.start(processes.worker_command(args.concurrency, args.worker_nice), env)
                print(f"pushed; waiting for every document to be ready …", flush=True)
                ids = [a.body.get("id") for a in answers if a.status == 201]
                ready_started = time.perf_counter()
                wait_ready(ids, args.timeout, receiver)
                ready_seconds = time.perf_counter() - ready_started + push_seconds
            finally:
                processes.stop(server)
                processes.stop(worker, grace=60)
        report(args, answers, repeats, baseline, push_seconds, ready_seconds, ids, receiver, cpu)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def wait_ready(ids: list[int], timeout: float, receiver) -> None:
    from catalog.models import Record, RecordStatus
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = Record.objects.filter(pk__in=ids, status__in=[
            RecordStatus.READY, RecordStatus.FAILED, RecordStatus.NEEDS_REVIEW]).count()
        delivered = len({c["json"]["document"]["id"] for c in receiver.calls})
        if done == len(ids) and delivered >= len(ids):
            time.sleep(3)  # a second delivery of anything would arrive now
            return
        time.sleep(1)
    print(f"timed out: {done} of {len(ids)} finished, {delivered} callbacks")


def report(args, answers, repeats, baseline, push_seconds, ready_seconds, ids, receiver, cpu):
    from archive.models import AuditEvent
    from catalog.models import Record, RecordStatus
    from ingest.core.models import CallbackDelivery, CoreDocument, DeliveryState

    accepted = [a for a in answers if a.status == 201]
    latencies = [a.seconds for a in accepted]
    static = [s for code, s in baseline if code == 200]
    refused = Counter(a.status for a in answers if a.status != 201)
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    s50, s95 = statistics.median(static), percentile(static, 0.95)
    when = "started after the pushes" if args.worker_after_push else "running during the pushes"
    print(f"\n{len(answers)} pushes of one-page PDFs by {args.clients} concurrent clients; "
          f"gunicorn ({web.worker_class}) {args.workers}×{args.threads} threads and a Celery worker ({args.concurrency} processes "
          f"at nice {args.worker_nice}, "
          f"{when}) on the same {os.cpu_count()} cores; load average at the start "
          + " / ".join(f"{x:.2f}" for x in args.load_at_start))
    print(f"accepted: {len(accepted)} in {push_seconds:.1f} s = {len(accepted) / push_seconds:.1f}/s"
          + (f"; refused {dict(refused)}" if refused else ""))
    print(f"{'':22} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    print(f"{'accept (POST)':22} {p50 * 1000:>8.1f} {p95 * 1000:>8.1f} {max(latencies) * 1000:>8.1f}")
    print(f"{'static file (baseline)':22} {s50 * 1000:>8.1f} {s95 * 1000:>8.1f} {max(static) * 1000:>8.1f}")
    print(f"ratio accept ÷ static: p50 {p50 / s50:.1f}×, p95 {p95 / s95:.1f}×")
    print(f"p95 accept latency under 100 ms: {'met' if p95 < 0.1 else 'NOT met'}")
    print(f"CPU while pushing (ms per push; {os.cpu_count()} cores give "
          f"{os.cpu_count() * push_seconds * 1000 / len(answers):.1f}): " + ", ".join(
              f"{name} {seconds * 1000 / len(answers):.1f}" for name, seconds in cpu.items()))
    replayed = sum(1 for r in repeats if r.replayed and r.status == 201)
    print(f"repeated pushes answered from the first answer: {replayed} of {len(repeats)}")
    records = Record.objects.filter(pk__in=ids)
    ready = records.filter(status=RecordStatus.READY).count()
    transitions = Counter(AuditEvent.objects.filter(
        action="ready", object_type="catalog.Record",
        object_id__in=[str(i) for i in ids]).values_list("object_id", flat=True))
    callbacks = Counter(c["json"]["document"]["id"] for c in receiver.calls
                        if c["headers"]["X-Archive-Event"] == "document.ready")
    delivered = CallbackDelivery.objects.filter(state=DeliveryState.DELIVERED).count()
    once = (ready == len(ids) and len(transitions) == len(ids) and set(transitions.values()) == {1}
            and len(callbacks) == len(ids) and set(callbacks.values()) == {1})
    print(f"records: {Record.objects.count()} for {CoreDocument.objects.count()} accepted pushes; "
          f"ready {ready} of {len(ids)} within {ready_seconds:.0f} s of the first push "
          f"({len(ids) / ready_seconds:.1f} documents/s through the pipeline)")
    print(f"status → ready in the audit trail: {sum(transitions.values())} events for "
          f"{len(transitions)} records; ready callbacks received: {sum(callbacks.values())} for "
          f"{len(callbacks)} records ({delivered} deliveries recorded)")
    print(f"every document reached ready exactly once: {'yes' if once else 'NO'}")


if __name__ == "__main__":
    main()
