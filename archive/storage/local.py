"""Objects as files in a local directory: ``root/ab/cd/abcd…``; named ones under ``root/named/``."""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .base import CHUNK, ObjectInfo, ObjectNotFound, ObjectStore, TempFile, check_key, check_name

TEMP_PREFIX = ".incoming-"


def _mtime(stat: os.stat_result) -> dt.datetime:
    return dt.datetime.fromtimestamp(stat.st_mtime, tz=dt.UTC)


class LocalObjectStore(ObjectStore):
    def __init__(self, root: str):
        self.root = Path(root)
        # Objects are scanned personal records: readable by the archive's user only.
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _path(self, sha256: str) -> Path:
        check_key(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _named_path(self, name: str) -> Path:
        return self.root / "named" / check_name(name)

    def _write(self, stream: BinaryIO, sha256: str, size: int) -> None:
        target = self._path(sha256)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Write beside the target and rename, so a crash never leaves half an object
        # (a killed process leaves the temporary file: temp_files finds it).
        _write_beside(target, stream, os.replace)

    def _create_named(self, name: str, data: bytes) -> bool:
        target = self._named_path(name)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            _write_beside(target, io.BytesIO(data), os.link)  # link() refuses an existing name
        except FileExistsError:
            return False
        return True

    def get_named(self, name: str) -> bytes:
        try:
            return self._named_path(name).read_bytes()
        except FileNotFoundError:
            raise ObjectNotFound(name) from None

    def list_named(self, prefix: str) -> Iterator[str]:
        base = self.root / "named"
        folder = base / check_name(prefix, prefix=True)
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                yield path.relative_to(base).as_posix()

    def open(self, sha256: str) -> BinaryIO:
        try:
            return open(self._path(sha256), "rb")
        except FileNotFoundError:
            raise ObjectNotFound(sha256) from None

    def stat(self, sha256: str) -> ObjectInfo:
        try:
            return ObjectInfo(sha256, self._path(sha256).stat().st_size)
        except FileNotFoundError:
            raise ObjectNotFound(sha256) from None

    def delete(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)

    def inventory(self) -> Iterator[ObjectInfo]:
        for path in sorted(self.root.glob("??/??/*")):
            if path.name.startswith(".") or len(path.name) != 64:
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:  # deleted while listing
                continue
            yield ObjectInfo(path.name, stat.st_size, _mtime(stat))

    def temp_files(self, *, before: dt.datetime) -> list[TempFile]:
        found = []
        for path in sorted(self.root.glob(f"??/??/{TEMP_PREFIX}*")):
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if _mtime(stat) < before:
                found.append(TempFile(str(path.relative_to(self.root)), stat.st_size,
                                      _mtime(stat)))
        return found

    def temp_remove(self, temp: TempFile) -> None:
        path = self.root / temp.name
        if not path.name.startswith(TEMP_PREFIX) or path.parent.parent.parent != self.root:
            raise ValueError(f"not a temporary file of this store: {temp.name!r}")
        path.unlink(missing_ok=True)


def _write_beside(target: Path, stream: BinaryIO, place) -> None:
    """Write ``stream`` to a read-only file beside ``target``, then ``place(temp, target)``.

    Whatever ``place`` does (replace, link), a crash never leaves half a file at
    ``target``; a killed process leaves its temporary file for the sweep.
    """
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o400)
        place(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)
