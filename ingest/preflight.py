"""The one check of a file before the archive takes it: size, format, pages.

Upload and ``manage.py ingest`` (through ``file_ingest``), the pipeline's
validation and the core API each call ``file_preflight`` with their own limits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from kernel.errors import DomainError

from .formats import MIME, UnsupportedFormat, detect
from .parsers import InvalidFile, Parser, open_parser

MB = 1024 * 1024
# The rules a refusal names, besides the parsers' own (encrypted, broken_pdf, ...).
EMPTY, TOO_LARGE, FILE_TYPE = "empty", "too_large", "file_type"
UNREADABLE, TOO_MANY_PAGES = "unreadable", "too_many_pages"


class FileRefused(DomainError):
    """A file the archive does not take; ``rule`` names the check, ``message`` says why."""

    def __init__(self, message: str, *, rule: str):
        super().__init__(message, field="file", rule=rule)


@dataclass
class Preflight:
    """What the checks found: the bytes, their format and, when opened, the page count."""

    name: str
    data: bytes
    kind: str
    pages: int | None = None
    parser: Parser | None = None  # open when the pages were counted; close() releases it

    @property
    def content_type(self) -> str:
        return MIME[self.kind]

    def close(self) -> None:
        if self.parser is not None:
            self.parser.close()


def ingest_max_bytes() -> int:
    """Return the size limit of one file (``INGEST_MAX_FILE_MB``) in bytes."""
    return settings.INGEST_MAX_FILE_MB * MB


def file_preflight(*, source: bytes | BinaryIO, name: str, max_bytes: int,
                   max_pages: int | None = None, check_pages: bool = True) -> Preflight:
    """Check ``source`` (bytes, or a binary file such as an upload) and say what it is.

    Always: not empty, at most ``max_bytes`` (a file is measured before it is
    read), a format the archive takes, recognised by content. With ``max_pages``
    it is also opened, which refuses decompression bombs, broken images and
    encrypted or broken PDFs, its pages are counted against the limit, and every
    page is checked (image frames decoded, PDF pages measured against the pixel
    budget at the resolution they render at; skipped with ``check_pages=False`` by
    a caller that has checked them before); the open parser is returned. Raise ``FileRefused`` at the first check that fails.
    """
    size = len(source) if isinstance(source, (bytes, bytearray)) else _size(source)
    if size == 0:
        raise FileRefused(_("the file is empty"), rule=EMPTY)
    if size > max_bytes:
        raise FileRefused(_("the file is %(size)d bytes, over the %(limit)d MB limit")
                          % {"size": size, "limit": max_bytes // MB}, rule=TOO_LARGE)
    data = bytes(source) if isinstance(source, (bytes, bytearray)) else source.read()
    try:
        kind = detect(data[:2048])
    except UnsupportedFormat as exc:
        raise FileRefused(str(exc), rule=FILE_TYPE) from None
    checked = Preflight(name=name, data=data, kind=kind)
    if max_pages is None:
        return checked
    checked.parser = _opened(kind, data)
    checked.pages = checked.parser.page_count()
    if checked.pages > max_pages:
        checked.close()
        raise FileRefused(_("%(pages)d pages, over the limit of %(limit)d")
                          % {"pages": checked.pages, "limit": max_pages}, rule=TOO_MANY_PAGES)
    if not check_pages:
        return checked
    try:
        checked.parser.check()
    except InvalidFile as exc:
        checked.close()
        raise FileRefused(exc.message, rule=exc.rule) from None
    return checked


def _size(stream: BinaryIO) -> int:
    """Return the size of ``stream``, leaving it at its start for reading."""
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _opened(kind: str, data: bytes) -> Parser:
    try:
        return open_parser(kind, data)
    except InvalidFile as exc:
        # The parser's rule (encrypted, broken_pdf, decompression_bomb, ...) carries over.
        raise FileRefused(exc.message, rule=exc.rule) from None
    except Exception as exc:  # noqa: BLE001 - any decoder failure means an unusable file
        raise FileRefused(_("The %(kind)s file cannot be opened (%(why)s).")
                          % {"kind": kind, "why": exc}, rule=UNREADABLE) from None
