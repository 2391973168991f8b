"""Gunicorn settings for the web process (the Dockerfile and the benchmarks use this file).

Threads in a few processes (gthread): the counter's clerks load a page's static
files and page images at once, and a thread waiting on the database or the
object store releases the interpreter. Measured on 2 cores with
benchmarks/counter.py and benchmarks/core_api.py running side by side, 3 × 4
threads served both at least as well as 6 single-request (sync) processes,
whose static files queued behind page renders (p50 102 ms against 12 ms); sync
processes gave the intake alone a shorter tail. ``WEB_WORKERS``,
``WEB_THREADS`` and ``WEB_WORKER_CLASS`` override.
"""

import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_WORKERS", (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("WEB_THREADS", 4))
worker_class = os.environ.get("WEB_WORKER_CLASS", "gthread")
timeout = 120
