"""Benchmark the counter: 100,000 records, 10 clerks at once on loopback, p50/p95 per view.

Loads N records (one page each, text with the member's name and ID number) into
a fresh PostgreSQL database, builds the search index, starts the app under
gunicorn on 127.0.0.1, and lets C simulated clerks each sign in, open a visit
and repeat what a counter does all day: type an ID number (search), open the
member, open a record, load its watermarked page image, and now and then look
a member up by name. Prints p50/p95 response time per view (goal: p95 under
200 ms for search and member views), the errors (goal 0), and each view's p50
as a ratio against a static file served by the same server in the same run.

    eval "$(scripts/services start)"
    DATABASE_URL=$TEST_DATABASE_URL .venv/bin/python benchmarks/counter.py --records 100000

Needs PostgreSQL (DATABASE_URL): the database ``counter_bench`` beside it is
dropped and made again. The data directory is temporary and removed at the end.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import processes  # noqa: E402  (start and always stop what the benchmark runs)
from config import gunicorn as web  # noqa: E402  (the web server's settings as deployed)
PASSWORD = "correct-horse-42"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红梅海波鹏辉"
FILLER = "经办人审核 单位盖章 情况属实 本人签字 缴费年限 月缴费基数 补缴金额 退休时间 同意办理 年度结算"


def bench_database(url: str) -> str:
    """Drop and create ``counter_bench`` on the server of ``url``; return its URL."""
    import psycopg
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS counter_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE counter_bench")
    return urlunsplit(parts._replace(path="/counter_bench"))


def load(n_records: int, n_clerks: int, seed: int) -> dict:
    """Fill the database: members, units, records with one page each, clerks; index them."""
    import django
    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.utils import timezone

    from archive.roles import group_name
    from archive.services import stored_object_put
    from catalog.identifiers import citizen_id_check_char
    from catalog.models import (Fonds, Member, Page, Record, RecordMember, RecordUnit,
                                RetentionPeriod, Stage, Unit)
    from search.backends.base import search_backend
    from search.documents import iter_documents
    from tests.catalog.factories import credit_code
    from tests.ingest import samples

    rng = random.Random(seed)
    FILLER_LINES = [" ".join(rng.sample(FILLER.split(), 4)) for _ in range(50)]

    def boxes_of(lines: list[str]) -> list[list]:
        # Word boxes as OCR gives them, without measuring type 100,000 times: the page
        # image is shared, so only their count and shape matter for the timings.
        return [[ch, 120 + 44 * j, 150 + 90 * i, 44, 48, 95.0]
                for i, line in enumerate(lines) for j, ch in enumerate(line.split())]

    call_command("migrate", verbosity=0)
    fonds = Fonds.objects.create(code="0211", name="某市社会保险事业管理中心")
    codes = {p.years: p for p in RetentionPeriod.objects.all()}
    stages = [(s, codes[s.current_version().years]) for s in Stage.objects.with_plan()
              if s.current_version()]
    n_members = max(1, n_records // 4)
    members, seen = [], set()
    while len(members) < n_members:
        body = (f"{rng.choice(['110105', '350102', '440305', '320106'])}"
                f"{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
                f"{rng.randint(0, 999):03d}")
        number = body + citizen_id_check_char(body)
        if number not in seen:
            seen.add(number)
            members.append(Member(id_number=number,
                                  name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2))))
    Member.objects.bulk_create(members, batch_size=5000)
    members = list(Member.objects.all())
    units = [Unit(name=f"某某{i}号科技有限公司", credit_code=credit_code(org_body=f"M{i:07d}"))
             for i in range(1, max(2, n_records // 50))]
    Unit.objects.bulk_create(units, batch_size=5000)
    units = list(Unit.objects.all())
    image = samples.page_image(["养老保险待遇核定表", "公民身份号码 示例", "核定日期 2015年3月2日"])
    png = io.BytesIO()
    image.save(png, format="PNG")
    thumb = image.copy()
    thumb.thumbnail((256, 256))
    thumb_png = io.BytesIO()
    thumb.save(thumb_png, format="PNG")
    page_sha = stored_object_put(actor=None, data=png.getvalue(), derived=True).sha256
    thumb_sha = stored_object_put(actor=None, data=thumb_png.getvalue(), derived=True).sha256
    now = timezone.now()
    started = time.perf_counter()
    for start in range(0, n_records, 5000):
        batch, owners = [], []
        for i in range(start, min(start + 5000, n_records)):
            stage, retention = stages[i % len(stages)]
            year = 1995 + i % 30
            member = members[i % len(members)]
            batch.append(Record(
                fonds=fonds, year=year, category=stage.category, stage=stage,
                retention=retention, title=f"{stage.name}（{member.name}）",
                formed_on=f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}", status="ready",
                sensitivity="restricted" if rng.random() < 0.1 else "normal", code_fonds="0211",
                code_category=stage.category.code, code_stage=stage.code,
                code_retention=retention.code, item_number=i + 1,
                archive_code=f"0211-{stage.category.code}·{year}-{retention.code}-{i + 1:06d}"))
            owners.append((member, units[i % len(units)]))
        records = Record.objects.bulk_create(batch)
        RecordMember.objects.bulk_create(
            [RecordMember(record=r, member=m, source="manual") for r, (m, _) in zip(records, owners)])
        RecordUnit.objects.bulk_create(
            [RecordUnit(record=r, unit=u, source="manual") for r, (_, u) in zip(records, owners)])
        pages = []
        for record, (member, _) in zip(records, owners):
            lines = [record.stage.name, f"姓名 {member.name}", f"公民身份号码 {member.id_number}",
                     FILLER_LINES[record.pk % len(FILLER_LINES)]]
            pages.append(Page(record=record, number=1, object_sha256=page_sha,
                              thumbnail_sha256=thumb_sha, width=image.width, height=image.height,
                              dpi=150, text="\n".join(lines), words=boxes_of(lines),
                              text_source="ocr", confidence=92.0, text_done_at=now))
        Page.objects.bulk_create(pages)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    search_backend().rebuild(iter_documents())
    indexed = time.perf_counter() - started
    group = Group.objects.get(name=group_name("counter_staff"))
    for i in range(n_clerks):
        user = User.objects.create_user(f"clerk{i}", password=PASSWORD)
        user.groups.add(group)
    sample = rng.sample(members, min(2000, len(members)))
    from django.db import connections
    connections.close_all()
    return {"ids": [m.id_number for m in sample], "names": [m.name for m in sample[:300]],
            "load_s": loaded, "index_s": indexed}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clerk(threading.Thread):
    def __init__(self, base: str, username: str, data: dict, rounds: int, seed: int, timings):
        super().__init__()
        self.base, self.username, self.data, self.rounds = base, username, data, rounds
        self.rng, self.timings, self.errors = random.Random(seed), timings, []

    def call(self, view: str, method: str, url: str, expect=(200,), **kwargs):
        started = time.perf_counter()
        try:
            response = self.session.request(method, self.base + url, allow_redirects=False,
                                            timeout=30, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
            self.errors.append(f"{view}: {exc}")
            return None
        self.timings[view].append(time.perf_counter() - started)
        if response.status_code not in expect:
            self.errors.append(f"{view}: HTTP {response.status_code} {url} "
                               f"{response.headers.get('Location', '')}")
            return None
        return response

    def sign_in(self) -> None:
        import requests
        self.session = requests.Session()
        self.session.get(self.base + "/admin/login/")
        token = self.session.cookies["csrftoken"]
        self.session.post(self.base + "/admin/login/", data={
            "username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.base + "/admin/login/"})
        token = self.session.cookies["csrftoken"]  # rotated at sign-in
        visit = self.session.post(self.base + "/counter/", data={
            "purpose": "own_enquiry", "detail": "基准测试", "csrfmiddlewaretoken": token},
            headers={"Referer": self.base + "/counter/"}, allow_redirects=False)
        if visit.status_code != 302:
            raise SystemExit(f"{self.username} could not start a visit: HTTP {visit.status_code}")

    def run(self) -> None:
        self.sign_in()
        for _ in range(self.rounds):
            self.call("static (baseline)", "GET", "/static/counter/counter.css")
            number = self.rng.choice(self.data["ids"])
            found = self.call("search: ID number", "GET", f"/counter/find/?q={number}", expect=(302,))
            if found is None:
                continue
            if not found.headers["Location"].startswith("/counter/member/"):
                self.errors.append(f"search: ID number went to {found.headers['Location']}")
                continue
            member = self.call("member view", "GET", found.headers["Location"])
            if member is None:
                continue
            records = re.findall(r'href="(/counter/record/\d+/)', member.text)
            if records:
                record = self.call("record view", "GET", self.rng.choice(records) + f"?q={number}")
                if record is not None:
                    page = re.search(r'data-src="(/counter/page/\d+/image/)"', record.text)
                    if page:
                        self.call("page image (watermarked)", "GET", page.group(1))
            if self.rng.random() < 0.3:
                self.call("search: name", "GET", f"/counter/find/?q={self.rng.choice(self.data['names'])}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--clerks", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=40, help="visits per clerk")
    parser.add_argument("--workers", type=int, default=web.workers,
                        help="gunicorn workers (default from config/gunicorn.py)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server (eval \"$(scripts/services start)\")")
    data_dir = tempfile.mkdtemp(prefix="counter-bench-")
    os.environ.update({"DATABASE_URL": bench_database(os.environ["DATABASE_URL"]),
                       "ARCHIVE_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "config.settings"})
    os.environ.pop("CELERY_BROKER_URL", None)
    try:
        print(f"loading {args.records:,} records …", flush=True)
        data = load(args.records, args.clerks, args.seed)
        print(f"loaded in {data['load_s']:.1f} s, indexed in {data['index_s']:.1f} s", flush=True)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                       cwd=ROOT, env=os.environ, check=True)
        port = free_port()
        with processes.running(processes.gunicorn_command(port, args.workers),
                               dict(os.environ)) as server:
            processes.wait_for_http(f"http://127.0.0.1:{port}/admin/login/", server)
            from collections import defaultdict
            timings: dict[str, list[float]] = defaultdict(list)
            clerks = [Clerk(f"http://127.0.0.1:{port}", f"clerk{i}", data, args.rounds,
                            args.seed + i, timings) for i in range(args.clerks)]
            started = time.perf_counter()
            for clerk in clerks:
                clerk.start()
            for clerk in clerks:
                clerk.join()
            elapsed = time.perf_counter() - started
        errors = [e for c in clerks for e in c.errors]
        baseline = statistics.median(timings["static (baseline)"])
        total = sum(len(v) for v in timings.values())
        print(f"\n{args.records:,} records, {args.clerks} clerks × {args.rounds} visits, "
              f"{args.workers} gunicorn workers ({web.worker_class}) × {web.threads} threads, {os.cpu_count()} cores; {total} requests "
              f"in {elapsed:.1f} s ({total / elapsed:.0f}/s)")
        print(f"{'view':28} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p50 ÷ static':>13}")
        for view in ("search: ID number", "member view", "search: name", "record view",
                     "page image (watermarked)", "static (baseline)"):
            values = timings.get(view) or [0.0]
            print(f"{view:28} {len(timings.get(view, [])):>6} {1000 * statistics.median(values):>8.1f} "
                  f"{1000 * percentile(values, 0.95):>8.1f} {1000 * max(values):>8.1f} "
                  f"{statistics.median(values) / baseline:>12.1f}×")
        goal = all(percentile(timings[v], 0.95) < 0.2 for v in ("search: ID number", "member view"))
        print(f"\nerrors: {len(errors)} (goal 0)" + "".join(f"\n  {e}" for e in errors[:10]))
        print(f"p95 of search and member views under 200 ms: {'met' if goal else 'NOT met'}")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
