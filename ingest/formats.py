"""Recognise a file's format by its content, never by its name."""

from __future__ import annotations

from django.utils.translation import gettext as _

TIFF, JPEG, PNG, PDF = "tiff", "jpeg", "png", "pdf"
MIME = {TIFF: "image/tiff", JPEG: "image/jpeg", PNG: "image/png", PDF: "application/pdf"}

_SIGNATURES = [
    (b"II*\x00", TIFF), (b"MM\x00*", TIFF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"%PDF-", PDF),
]


class UnsupportedFormat(ValueError):
    """The content is none of the formats the archive accepts."""


def detect(head: bytes) -> str:
    """Return the format of content starting with ``head`` (its first bytes)."""
    if not head:
        raise UnsupportedFormat(_("the file is empty"))
    # A PDF may carry a few junk bytes before its header (allowed by the spec within 1024).
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        raise UnsupportedFormat(_("the file is an executable program, not a scan or PDF"))
    raise UnsupportedFormat(_("unsupported format: only TIFF, JPEG, PNG and PDF are accepted"))
