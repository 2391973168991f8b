"""Gunicorn settings for the web process (the Dockerfile and the benchmarks use this file).

Processes, one request each (sync workers): a request holding a database lock
(the 档号 counter, the audit chain's head) must not wait for the interpreter lock
behind other threads' work in the same process, and a kept-alive connection
must not tie a client to a busy worker while others are idle (both seen as
long tails in benchmarks/core_api.py with 8 pushing clients on 2 cores).
``WEB_WORKERS``, ``WEB_THREADS`` and ``WEB_WORKER_CLASS`` override.
The agency's proxy in front buffers slow clients, as sync workers need.
"""

import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_WORKERS", 2 * (os.cpu_count() or 1) + 2))
threads = int(os.environ.get("WEB_THREADS", 1))
worker_class = os.environ.get("WEB_WORKER_CLASS", "sync")
timeout = 120
