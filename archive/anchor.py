"""Anchor the audit chain outside the database: a keyed MAC and checkpoints of its head.

The hash chain (``archive.audit``) shows an edited row only to someone who
cannot recompute every later hash, and write access to the database is enough
to do that. So the chain is anchored in what the database does not hold:

* every event carries an HMAC-SHA256 of its hash under a key kept outside the
  database (``ARCHIVE_AUDIT_KEY``, else a key file made 0600 in the data
  directory on first use): an edit fails its MAC, recomputed chain or not;
* now and then the head (sequence, hash) is written as a checkpoint, MACed too,
  to the object store and as a line appended to a file: cutting events off the
  end and moving the head back, which leaves every MAC intact, leaves a
  checkpoint naming an event that is gone.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .storage import ObjectStore, StoreUnavailable

KEY_SETTING = "ARCHIVE_AUDIT_KEY"
CHECKPOINT_PREFIX = "audit-checkpoints/"
_MIN_KEY = 32


def audit_key() -> bytes:
    """Return the MAC key: the setting, else the key file, made on first use."""
    return _key(settings.ARCHIVE_AUDIT_KEY, str(settings.ARCHIVE_AUDIT_KEY_FILE))


@lru_cache(maxsize=8)
def _key(value: str | None, path: str) -> bytes:
    if value:
        return value.encode("utf-8")
    return _key_file(Path(path)).encode("utf-8")


def _key_file(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Written whole beside the path, then linked: a reader never sees half a key,
        # and of two processes making it at once the first one's key is everyone's.
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".audit_key-")  # 0600
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32) + "\n")
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(temp, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(temp)
    key = path.read_text().strip()
    if len(key) < _MIN_KEY:
        # The value is a secret: name where it came from, never echo it.
        raise ImproperlyConfigured(f"{path} (the audit key, read when {KEY_SETTING} is unset) "
                                   f"is invalid: expected at least {_MIN_KEY} characters")
    return key


def _mac(kind: bytes, message: bytes) -> str:
    return hmac.new(audit_key(), kind + b":" + message, hashlib.sha256).hexdigest()


def event_mac(event_hash: str) -> str:
    """Return the MAC of an event, over its hash (which covers all its fields)."""
    return _mac(b"event", event_hash.encode("ascii"))


def event_mac_matches(mac: str, event_hash: str) -> bool:
    return hmac.compare_digest(mac, event_mac(event_hash))


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain's head at one moment; ``mac_from`` is the first event that must carry a MAC."""

    sequence: int
    hash: str
    mac_from: int
    written_at: str
    mac: str

    @classmethod
    def make(cls, *, sequence: int, hash: str, mac_from: int) -> Checkpoint:
        written_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        return cls(sequence, hash, mac_from, written_at,
                   _checkpoint_mac(sequence, hash, mac_from, written_at))

    @classmethod
    def parse(cls, data: bytes | str) -> Checkpoint | None:
        """Return the checkpoint written as ``data``, or None when malformed or its MAC fails."""
        try:
            fields = json.loads(data)
            checkpoint = cls(int(fields["sequence"]), str(fields["hash"]),
                             int(fields["mac_from"]), str(fields["written_at"]), str(fields["mac"]))
        except (ValueError, TypeError, KeyError):
            return None
        expected = _checkpoint_mac(checkpoint.sequence, checkpoint.hash, checkpoint.mac_from,
                                   checkpoint.written_at)
        return checkpoint if hmac.compare_digest(checkpoint.mac, expected) else None

    @property
    def name(self) -> str:
        """Return its name in the object store."""
        return f"{CHECKPOINT_PREFIX}{self.sequence:020d}-{self.hash}.json"

    def to_bytes(self) -> bytes:
        """Return it as one line of JSON (no newline): the file's line and the store's object."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode("ascii")

    def label(self) -> str:
        return f"checkpoint #{self.sequence} of {self.written_at}"


def _checkpoint_mac(sequence: int, hash: str, mac_from: int, written_at: str) -> str:
    return _mac(b"checkpoint", json.dumps([sequence, hash, mac_from, written_at]).encode("ascii"))


class CheckpointLog:
    """The append-only checkpoint file, open and locked against other writers."""

    def __init__(self, fd: int):
        self._fd = fd

    def last(self) -> Checkpoint | None:
        """Return the last line's checkpoint, or None when there is none or it is damaged."""
        size = os.fstat(self._fd).st_size
        start = max(0, size - 4096)  # a line is some 200 bytes
        tail = os.pread(self._fd, size - start, start).rstrip(b"\n")
        return Checkpoint.parse(tail.rsplit(b"\n", 1)[-1]) if tail else None

    def append(self, checkpoint: Checkpoint) -> None:
        line = checkpoint.to_bytes() + b"\n"
        size = os.fstat(self._fd).st_size
        if size and os.pread(self._fd, 1, size - 1) != b"\n":
            line = b"\n" + line  # a line cut short by a crash stays a line of its own
        if os.write(self._fd, line) != len(line):
            raise OSError(f"{checkpoint_file()}: short write of a checkpoint")
        os.fsync(self._fd)


def checkpoint_file() -> Path:
    return Path(settings.ARCHIVE_AUDIT_CHECKPOINT_FILE)


@contextmanager
def checkpoint_log_locked() -> Iterator[CheckpointLog]:
    """Open the checkpoint file to append (made 0600 if new) and hold its lock."""
    path = checkpoint_file()
    created = not path.exists()
    if created:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if created:  # the new name itself must survive a crash
            directory = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        yield CheckpointLog(fd)
    finally:
        os.close(fd)  # releases the lock


@dataclass
class Anchors:
    """The checkpoints found valid (file and store together) and what was wrong with the rest."""

    checkpoints: list[Checkpoint] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def mac_from(self) -> int | None:
        return min((c.mac_from for c in self.checkpoints), default=None)


def checkpoints_load(store: ObjectStore) -> Anchors:
    """Read every checkpoint in the file and in the store; report damaged or one-sided ones."""
    anchors = Anchors()
    in_file = _file_checkpoints(anchors.problems)
    try:
        in_store = _store_checkpoints(store, anchors.problems)
    except StoreUnavailable as exc:
        anchors.problems.append(f"the object store could not be read ({exc}): "
                                "its checkpoints were not checked")
        in_store = in_file
    for key in sorted(in_file.keys() - in_store.keys()):
        anchors.problems.append(f"{in_file[key].label()} is in the checkpoint file "
                                "but not in the object store")
    for key in sorted(in_store.keys() - in_file.keys()):
        anchors.problems.append(f"{in_store[key].label()} is in the object store "
                                "but not in the checkpoint file")
    anchors.checkpoints = sorted((in_file | in_store).values(), key=lambda c: c.sequence)
    return anchors


def _file_checkpoints(problems: list[str]) -> dict[tuple[int, str], Checkpoint]:
    found = {}
    try:
        with open(checkpoint_file(), "rb") as lines:
            for number, line in enumerate(lines, 1):
                if (checkpoint := Checkpoint.parse(line)) is None:
                    problems.append(f"checkpoint file line {number} is damaged or forged "
                                    f"(unreadable, or its MAC does not match)")
                else:
                    found[checkpoint.sequence, checkpoint.hash] = checkpoint
    except FileNotFoundError:
        pass  # no checkpoint written yet
    return found


def _store_checkpoints(store: ObjectStore, problems: list[str]) -> dict[tuple[int, str], Checkpoint]:
    found = {}
    for name in store.list_named(CHECKPOINT_PREFIX):
        checkpoint = Checkpoint.parse(store.get_named(name))
        if checkpoint is None or checkpoint.name != name:
            problems.append(f"checkpoint object {name} is damaged or forged "
                            f"(unreadable, its MAC does not match, or it names another event)")
        else:
            found[checkpoint.sequence, checkpoint.hash] = checkpoint
    return found
