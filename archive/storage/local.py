"""Objects as files in a local directory: ``root/ab/cd/abcd…``."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .base import CHUNK, ObjectInfo, ObjectNotFound, ObjectStore, check_key, spooled


class LocalObjectStore(ObjectStore):
    def __init__(self, root: str):
        self.root = Path(root)
        # Objects are scanned personal records: readable by the archive's user only.
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _path(self, sha256: str) -> Path:
        check_key(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes | BinaryIO) -> ObjectInfo:
        with spooled(data) as (stream, digest, size):
            target = self._path(digest)
            # A damaged object of the same size is written again from these intact bytes.
            if self.intact(digest, size):
                return ObjectInfo(digest, size)
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # Write beside the target and rename, so a crash never leaves half an object.
            fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            try:
                with os.fdopen(fd, "wb") as out:
                    while chunk := stream.read(CHUNK):
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(temp, 0o400)
                os.replace(temp, target)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
            return ObjectInfo(digest, size)

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

    def list(self) -> Iterator[str]:
        for path in sorted(self.root.glob("??/??/*")):
            if not path.name.startswith(".") and len(path.name) == 64:
                yield path.name
