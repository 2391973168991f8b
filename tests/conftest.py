"""Shared fixtures: named users per role, the real services' addresses."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from archive.roles import group_name


def _role_user(django_user_model, username: str, role: str):
    user = django_user_model.objects.create_user(username=username, password="correct-horse-42")
    user.groups.add(Group.objects.get(name=group_name(role)))
    return user


@pytest.fixture
def officer(db, django_user_model):
    """Wang Fang, archive officer (档案管理员)."""
    return _role_user(django_user_model, "wang.fang", "archive_officer")


@pytest.fixture
def clerk(db, django_user_model):
    """Li Na, counter staff (窗口经办人员)."""
    return _role_user(django_user_model, "li.na", "counter_staff")


@pytest.fixture
def auditor(db, django_user_model):
    """Zhao Lei, auditor (审计人员)."""
    return _role_user(django_user_model, "zhao.lei", "auditor")


def required_env(name: str) -> str:
    """Return a service address set by scripts/services; fail loudly when it is missing."""
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the tests with scripts/test, which starts the services")
    return value


@pytest.fixture
def local_store(settings, tmp_path):
    """A fresh local object store for this test only."""
    from archive.storage import object_store
    settings.ARCHIVE_STORAGE = {"BACKEND": "archive.storage.local.LocalObjectStore",
                                "OPTIONS": {"root": str(tmp_path / "objects")}}
    return object_store()


ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def start_worker(*, env: dict | None = None, concurrency: int = 2, queues: str = "celery,ocr"):
    """Start a real Celery worker on the Redis broker, sharing the test database."""
    import subprocess
    import sys

    from django.db import connection

    required_env("CELERY_BROKER_URL")
    db = connection.settings_dict
    full_env = {**os.environ, "DATABASE_URL":
                f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}", **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency",
         str(concurrency), "-Q", queues, "--loglevel", "WARNING", "--without-gossip",
         "--without-mingle", "--prefetch-multiplier", "1"],
        cwd=ROOT, env=full_env, start_new_session=True)


@pytest.fixture
def empty_broker():
    """Messages left by earlier tests name rows that no longer exist: start from none."""
    import redis
    redis.Redis.from_url(required_env("CELERY_BROKER_URL")).flushdb()


def stop_worker(process, *, kill: bool = False) -> None:
    """Stop a worker and all its children; with ``kill``, as a crash would (SIGKILL)."""
    import signal
    import subprocess

    try:
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian chromium is not installed: scripts/system-packages installs it")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # test around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolation(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile}:${e.lineNumber}`));
"""


def watch_problems(page) -> list[str]:
    """Collect the page's console errors, uncaught exceptions and CSP violations, on every page."""
    problems: list[str] = []
    page.expose_function("__cspViolation", lambda text: problems.append(f"CSP {text}"))
    page.add_init_script(CSP_LISTENER)
    page.on("console", lambda m: problems.append(f"console {m.text} @ {m.location}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"exception {e}"))
    return problems


def sign_in(page, live_server, username: str):
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "correct-horse-42")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


@pytest.fixture(autouse=True)
def fresh_lockout_counters():
    """Start each test with no sign-in failures or refused API calls counted."""
    yield
    from django.core.cache import cache
    from django.core.cache.backends.redis import RedisCache
    if not isinstance(cache, RedisCache) and not isinstance(getattr(cache, "_wrapped", None),
                                                             RedisCache):
        cache.clear()
        return
    # The cache's Redis database may be the broker's too: delete only these counters.
    client = cache._cache.get_client(write=True)
    for pattern in ("*lockout:*", "*core-refused:*"):
        keys = list(client.scan_iter(match=pattern))
        if keys:
            client.delete(*keys)
