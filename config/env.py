"""Read settings from the environment, failing at start with the variable's name.

Every helper raises ``ImproperlyConfigured`` whose message starts with the
variable name, so an operator knows which line of the environment to fix.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def _fail(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}={value!r} is invalid: expected {expected}")


def env_str(name: str, default: str | None = None) -> str | None:
    """Return the variable, or ``default`` when unset or empty."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    """Return the variable, which must be one of ``choices``."""
    value = env_str(name, default)
    if value not in choices:
        raise _fail(name, value, "one of " + ", ".join(choices))
    return value


def env_bool(name: str, default: bool) -> bool:
    """Return a boolean written as 1/0, true/false, yes/no or on/off."""
    value = env_str(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise _fail(name, value, "a boolean (1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """Return a whole number not below ``minimum``."""
    value = env_str(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise _fail(name, value, "a whole number") from None
    if number < minimum:
        raise _fail(name, value, f"a whole number >= {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated list."""
    value = env_str(name)
    if value is None:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def env_networks(name: str) -> list[str]:
    """Return a comma-separated list of IP addresses or networks (``10.0.0.5,172.16.0.0/12``)."""
    import ipaddress

    entries = env_list(name, [])
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise _fail(name, entry, "IP addresses or networks, comma-separated") from None
    return entries


def env_data_dir(name: str, default: str) -> Path:
    """Return the data directory, private to this user; refuse one we cannot write.

    The directory holds personal data (the SQLite file, objects, the search index,
    queued tasks) and the secret key, so it is created 0700 and the process's umask
    becomes 0077: everything written afterwards is readable by this user only. A
    directory left readable by an older version is tightened here, at start.
    """
    path = Path(env_str(name, default)).expanduser().resolve()
    os.umask(0o077)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(name, str(path), f"a directory that can be created ({exc.strerror})") from None
    if not os.access(path, os.W_OK):
        raise _fail(name, str(path), "a writable directory")
    try:
        make_private(path)
    except OSError as exc:
        raise _fail(name, str(path), f"a directory we can make private ({exc.strerror})") from None
    return path


def make_private(path: Path) -> None:
    """Take group and other permissions off ``path`` and the entries directly in it.

    The directory itself at 0700 already keeps everyone else out of the whole tree;
    the entries are tightened too so that copying the directory keeps them private.
    The object store's fan-out below them is left alone: walking it would slow
    every start, and the closed directories above it guard it.
    """
    for entry in (path, *path.iterdir()):
        if entry.is_symlink():
            continue
        mode = entry.stat().st_mode & 0o7777
        if mode & 0o077:
            entry.chmod(mode & ~0o077)


def env_database(name: str, sqlite_path: Path) -> dict:
    """Return a Django DATABASES entry from a URL, or SQLite under the data directory.

    Accepted: ``postgres://user:pass@host:port/db`` (also ``postgresql://``) and
    ``sqlite:///absolute/path.sqlite3``.
    """
    url = env_str(name)
    if url is None:
        return _sqlite(sqlite_path)
    parts = urlsplit(url)
    if parts.scheme in {"postgres", "postgresql"}:
        db_name = unquote(parts.path.lstrip("/"))
        if not db_name:
            raise _fail(name, url, "postgres://user:password@host:port/database (database missing)")
        try:
            port = parts.port
        except ValueError:
            raise _fail(name, url, "a numeric port") from None
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": db_name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    if parts.scheme == "sqlite":
        if not parts.path or parts.path == "/":
            raise _fail(name, url, "sqlite:///absolute/path/to/file.sqlite3")
        return _sqlite(Path(parts.path))
    raise _fail(name, url, "a postgres:// or sqlite:/// URL")


def _sqlite(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # A web process and a worker share the file: wait for the lock instead of failing.
        # WAL: the web process reads while the worker writes, and a commit writes (and syncs)
        # the log once instead of a rollback journal and the database; synchronous=FULL keeps
        # every committed transaction across a power cut, as the archive needs.
        "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE",
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"},
        # Tests use a file too, not shared-cache memory, so locking behaves as in production.
        "TEST": {"NAME": str(path.with_name(path.stem + "-test.sqlite3"))},
    }
