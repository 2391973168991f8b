"""OCR behind one interface, chosen in settings as ``ARCHIVE_OCR``.

``{"BACKEND": "ingest.ocr.tesseract.TesseractOcr", "OPTIONS": {...}}`` or
``ingest.ocr.rapid.RapidOcr``; every backend passes tests/ingest/test_ocr_contract.py.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .base import (ImageUnreadable, OcrBackend, OcrError, OcrResult, OcrTimeout, OcrUnavailable,
                   join_cjk)

__all__ = ["ImageUnreadable", "OcrBackend", "OcrError", "OcrResult", "OcrTimeout",
           "OcrUnavailable", "build_backend", "join_cjk", "ocr_backend", "ocr_encoded"]


def build_backend(config: dict) -> OcrBackend:
    """Instantiate a backend from ``{"BACKEND": dotted.path, "OPTIONS": {...}}``."""
    backend = import_string(config["BACKEND"])
    return backend(**config.get("OPTIONS", {}))


@cache
def ocr_backend() -> OcrBackend:
    """Return the configured backend (one per process: models load once)."""
    return build_backend(settings.ARCHIVE_OCR)


def ocr_encoded(data: bytes, *, suffix: str = ".png", dpi: int | None = None) -> OcrResult:
    """OCR an already encoded page image with the configured backend, without re-encoding."""
    return ocr_backend().recognise_encoded(data, suffix=suffix, dpi=dpi)


@receiver(setting_changed)
def _ocr_setting_changed(*, setting, **kwargs):
    """Build the backend afresh once ARCHIVE_OCR changes (tests override it)."""
    if setting == "ARCHIVE_OCR":
        ocr_backend.cache_clear()
