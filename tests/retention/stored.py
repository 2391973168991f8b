"""Due records with real content: an original, page images and thumbnails stored, text indexed."""

from __future__ import annotations

import uuid

from archive.services import stored_object_put
from catalog.models import Page, Record
from search.services import index_records_now
from tests.archive import factories as pages
from tests.retention.factories import due_record


def stored_record(marker: str, *, pages_count: int = 2, **kwargs) -> Record:
    """Return a due, ready record whose pages say ``marker``, stored and searchable."""
    record = due_record(title=f"{marker} 参保登记表", **kwargs)
    original = stored_object_put(actor=None, data=f"%PDF-1.4 {marker} {uuid.uuid4()}".encode(),
                                 content_type="application/pdf")
    Record.objects.filter(pk=record.pk).update(original_sha256=original.sha256)
    for number in range(1, pages_count + 1):
        pages.page(record, [f"{marker} 第{number}页", "参保单位登记表"], number=number)
    assert index_records_now([record.pk])
    return Record.objects.get(pk=record.pk)


def share_page(source: Page, record: Record, *, number: int) -> Page:
    """Give ``record`` a page naming the same stored image as ``source`` (content-addressed)."""
    return Page.objects.create(record=record, number=number, object_sha256=source.object_sha256,
                               thumbnail_sha256=source.thumbnail_sha256, width=source.width,
                               height=source.height, dpi=source.dpi, text=source.text,
                               words=source.words, text_source="ocr", confidence=90.0)


def objects_of(record: Record) -> set[str]:
    """Every stored object ``record`` names now."""
    shas = {record.original_sha256}
    for page in record.pages.all():
        shas |= {page.object_sha256, page.thumbnail_sha256}
    return {s for s in shas if s}
