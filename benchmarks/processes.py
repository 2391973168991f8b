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


def gunicorn_command(port: int, workers: int, threads: int = 4) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
            "--log-level", "warning"]


def worker_command(concurrency: int) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency",
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
