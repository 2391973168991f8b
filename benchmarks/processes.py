"""Start what a benchmark needs and always stop it: gunicorn, Celery workers.

Every benchmark waits for its server the same way (any request error, a
timeout included, means "not yet"), and every process it started is stopped
— its whole process group — when the benchmark ends, fails or is interrupted.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# As in docker-compose.yml and scripts/run: background work yields the CPU to people waiting.
WORKER_NICENESS = 10


def gunicorn_command(port: int, workers: int | None = None,
                     threads: int | None = None) -> list[str]:
    """The web server as deployed (config/gunicorn.py), on ``port``; workers/threads override."""
    extra = [*(["--workers", str(workers)] if workers else []),
             *(["--threads", str(threads)] if threads else [])]
    return [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "config/gunicorn.py",
            "--bind", f"127.0.0.1:{port}", *extra, "--log-level", "warning"]


def worker_command(concurrency: int, nice: int = WORKER_NICENESS) -> list[str]:
    """A Celery worker as deployed: below the web server's CPU priority (``nice``)."""
    return ["nice", "-n", str(nice), sys.executable, "-m", "celery", "-A", "config", "worker",
            "--concurrency",
            str(concurrency), "-Q", "celery,ocr", "--loglevel", "WARNING", "--without-gossip",
            "--without-mingle", "--prefetch-multiplier", "1"]


def start(command: list[str], env: dict) -> subprocess.Popen:
    """Start ``command`` in a process group of its own (so ``stop`` ends its children too)."""
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def stop(process: subprocess.Popen | None, *, grace: float = 30) -> None:
    """Stop ``process`` and its group: SIGTERM, then SIGKILL after ``grace`` seconds."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def running(command: list[str], env: dict) -> Iterator[subprocess.Popen]:
    """Run ``command`` for the block; it is stopped however the block ends."""
    process = start(command, env)
    try:
        yield process
    finally:
        stop(process)


def wait_for_http(url: str, process: subprocess.Popen, *, timeout: float = 120) -> None:
    """Wait until ``url`` answers; fail at once if ``process`` died, or after ``timeout``."""
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args[2]} exited with {process.returncode} before {url} "
                             "answered")
        try:
            requests.get(url, timeout=5)
            return
        except requests.RequestException:  # refused, reset, or a timeout while it starts
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> tuple[str, int, int, float] | None:
    """Return (command, process group, session, CPU seconds) of a process, or None if gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    command = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    # utime, stime, cutime, cstime: fields 14-17 of proc(5), 12-15 after the command.
    return command, int(fields[2]), int(fields[3]), sum(int(x) for x in fields[11:15]) / _TICKS


def cpu_seconds(groups: dict[str, subprocess.Popen | None]) -> dict[str, float]:
    """CPU seconds used so far by each named process group, PostgreSQL's server and this process.

    Read from /proc: for where a benchmark's time goes, taken before and after a phase.
    """
    totals = {name: 0.0 for name in groups} | {"postgresql": 0.0, "benchmark": 0.0}
    sessions = {p.pid: name for name, p in groups.items() if p is not None}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        stat = _stat(pid)
        if stat is None:
            continue
        command, _, session, seconds = stat
        if session in sessions:
            totals[sessions[session]] += seconds
        elif command == "postgres":
            totals["postgresql"] += seconds
        elif int(pid) == os.getpid():
            totals["benchmark"] += seconds
    return totals
