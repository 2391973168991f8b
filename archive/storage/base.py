"""The object-store interface: content addressed by its SHA-256.

``put`` hashes the content and stores it under that key, so storing the same
bytes twice is harmless and gives the same key. Keys are lower-case hex.

Beside them a store keeps a few small *named* objects (the audit chain's
checkpoints), written once: ``put_named`` never replaces different content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

CHUNK = 1024 * 1024
_KEY = re.compile(r"^[0-9a-f]{64}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$")


class ObjectStoreError(Exception):
    """Base of the store's errors."""


class ObjectNotFound(ObjectStoreError):
    """No object has this key."""


class StoreUnavailable(ObjectStoreError):
    """The store could not be reached; the operation may succeed later."""


class ObjectCorrupted(ObjectStoreError):
    """The stored bytes no longer hash to their key."""

    def __init__(self, sha256: str, actual: str):
        super().__init__(f"object {sha256} now hashes to {actual}")
        self.sha256 = sha256
        self.actual = actual


class NameTaken(ObjectStoreError):
    """A named object exists with other content; named objects are written once."""


@dataclass(frozen=True)
class ObjectInfo:
    sha256: str
    size: int
    # When the bytes were last written (listings give it; put and stat leave it None).
    modified: dt.datetime | None = None


@dataclass(frozen=True)
class TempFile:
    """Something a write left behind: a partial file, an unfinished multipart upload."""

    name: str
    size: int
    modified: dt.datetime


def check_key(sha256: str) -> str:
    if not _KEY.match(sha256 or ""):
        raise ValueError(f"not a SHA-256 key: {sha256!r}")
    return sha256


def check_name(name: str, *, prefix: bool = False) -> str:
    """Return a named object's name (or, with ``prefix``, a listing prefix ending in ``/``)."""
    bare = name[:-1] if prefix and name.endswith("/") else name
    if not _NAME.match(bare or "") or (prefix and bare == name):
        raise ValueError(f"not an object {'prefix' if prefix else 'name'}: {name!r}")
    return name


def hash_stream(stream: BinaryIO) -> tuple[str, int]:
    """Return the SHA-256 hex digest and the size of a stream read to its end."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


@contextmanager
def spooled(data: bytes | BinaryIO) -> Iterator[tuple[BinaryIO, str, int]]:
    """Yield a seekable copy of ``data`` with its hash and size, read once."""
    if isinstance(data, (bytes, bytearray)):
        import io
        buffer = io.BytesIO(data)
        digest, size = hashlib.sha256(data).hexdigest(), len(data)
        yield buffer, digest, size
        return
    with tempfile.SpooledTemporaryFile(max_size=16 * CHUNK) as copy:
        digest = hashlib.sha256()
        size = 0
        while chunk := data.read(CHUNK):
            digest.update(chunk)
            copy.write(chunk)
            size += len(chunk)
        copy.seek(0)
        yield copy, digest.hexdigest(), size


class ObjectStore(ABC):
    """Put, get, stat, delete, check and list objects addressed by SHA-256."""

    def put(self, data: bytes | BinaryIO) -> ObjectInfo:
        """Store ``data`` and return its key and size; a second put of the same bytes is a no-op."""
        with spooled(data) as (stream, digest, size):
            return self.put_spooled(stream, digest, size)

    def put_spooled(self, stream: BinaryIO, sha256: str, size: int) -> ObjectInfo:
        """Store a copy made by ``spooled`` (its hash and size are trusted), read from its start.

        An object already stored intact is left as it is; a damaged one of the
        same key is written again from these bytes.
        """
        if not self.intact(sha256, size):
            stream.seek(0)
            self._write(stream, sha256, size)
        return ObjectInfo(sha256, size)

    @abstractmethod
    def _write(self, stream: BinaryIO, sha256: str, size: int) -> None:
        """Write the object whole under its key, replacing any stored one."""

    @abstractmethod
    def open(self, sha256: str) -> BinaryIO:
        """Return a readable stream of the object; the caller closes it."""

    @abstractmethod
    def stat(self, sha256: str) -> ObjectInfo:
        """Return the stored size; raise ``ObjectNotFound`` when absent."""

    @abstractmethod
    def delete(self, sha256: str) -> None:
        """Remove the object; deleting an absent object is not an error."""

    @abstractmethod
    def inventory(self) -> Iterator[ObjectInfo]:
        """Yield every stored object with its size and the time it was written."""

    def list(self) -> Iterator[str]:
        """Yield every stored key."""
        for info in self.inventory():
            yield info.sha256

    def temp_files(self, *, before: dt.datetime) -> list[TempFile]:
        """Return what interrupted writes left behind, last changed before ``before``."""
        return []

    def temp_remove(self, temp: TempFile) -> None:
        """Remove one of ``temp_files``; one already gone is not an error."""

    def put_named(self, name: str, data: bytes) -> None:
        """Store a small object under ``name`` once; the same bytes again are a no-op.

        Raise ``NameTaken`` when the name holds other bytes: nothing is replaced.
        """
        check_name(name)
        try:
            existing = self.get_named(name)
        except ObjectNotFound:
            if self._create_named(name, bytes(data)):
                return
            existing = self.get_named(name)
        if existing != data:
            raise NameTaken(f"{name} is stored with other content")

    @abstractmethod
    def _create_named(self, name: str, data: bytes) -> bool:
        """Write a named object not yet stored; return False when another writer got there first."""

    @abstractmethod
    def get_named(self, name: str) -> bytes:
        """Return a named object; raise ``ObjectNotFound`` when absent."""

    @abstractmethod
    def list_named(self, prefix: str) -> Iterator[str]:
        """Yield the names under ``prefix`` (which ends in ``/``) in sorted order."""

    def exists(self, sha256: str) -> bool:
        try:
            self.stat(sha256)
        except ObjectNotFound:
            return False
        return True

    def get(self, sha256: str) -> bytes:
        """Return the whole object (for small objects; use ``open`` to stream)."""
        with self.open(sha256) as stream:
            return stream.read()

    def get_verified(self, sha256: str) -> bytes:
        """Return the whole object after checking it still hashes to its key.

        Raise ``ObjectCorrupted`` when it does not: the bytes must not be used.
        """
        data = self.get(sha256)
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise ObjectCorrupted(sha256, actual)
        return data

    def intact(self, sha256: str, size: int) -> bool:
        """Return whether the object is stored with this size and really hashes to its key."""
        try:
            if self.stat(sha256).size != size:
                return False
            return self.rehash(sha256) == sha256
        except ObjectNotFound:
            return False

    def rehash(self, sha256: str) -> str:
        """Read the object back and return the SHA-256 of what is really stored."""
        with self.open(sha256) as stream:
            return hash_stream(stream)[0]
