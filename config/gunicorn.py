"""Gunicorn settings for the web process (the Dockerfile and the benchmarks use this file).

Processes, one thread each: a request holding a database lock (the 档号 counter,
the audit chain's head) must not wait for the interpreter lock behind other
threads' work in the same process. With 3 processes of 4 threads, 8 pushing
clients got half the throughput of 6 single-threaded processes on 2 cores
(benchmarks/core_api.py). ``WEB_WORKERS`` / ``WEB_THREADS`` override.
"""

import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_WORKERS", 2 * (os.cpu_count() or 1) + 2))
threads = int(os.environ.get("WEB_THREADS", 1))
worker_class = "gthread"  # keeps idle keep-alive connections off the workers
timeout = 120
