"""Certified copies (复制件) as PDF: a certificate page, then each chosen page watermarked.

WeasyPrint lays the pages out from an HTML template, so the 档号, page numbers
and the copy statement are real text in the PDF (searchable, and checked by
the tests) and the Chinese type comes from the system's CJK fonts.
"""

from __future__ import annotations

import base64

from django.template.loader import render_to_string
from django.utils import timezone

from catalog.models import Page, Record
from kernel.names import person_name

from ..models import UseRegisterEntry
from ..storage import object_store
from . import watermark

PRINT_WIDTH = 1600  # px of each page image: 150 dpi across A4's printable width


def copy_mark(entry: UseRegisterEntry) -> watermark.Mark:
    when = timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M")
    return watermark.Mark(user=person_name(entry.user), when=when, purpose=entry.purpose,
                          subject=f"{entry.copy_number}")


def _weasyprint():
    """Import WeasyPrint without letting it loosen Pillow for the whole process.

    weasyprint.images sets ``ImageFile.LOAD_TRUNCATED_IMAGES = True`` on import;
    left so, ingest in the same process would accept a truncated scan as whole.
    """
    from PIL import ImageFile

    strict = ImageFile.LOAD_TRUNCATED_IMAGES
    import weasyprint
    ImageFile.LOAD_TRUNCATED_IMAGES = strict
    return weasyprint


def certified_copy_pdf(entry: UseRegisterEntry, pages: list[Page], *, record: Record,
                       agency: str) -> bytes:
    """Render the copy registered as ``entry``."""
    weasyprint = _weasyprint()

    mark = copy_mark(entry)
    store = object_store()
    total = record.pages.count()
    sheets = []
    for index, page in enumerate(pages, start=1):
        image = None
        if page.object_sha256:
            # The copy certifies that it matches the original: only verified bytes go in.
            jpeg = watermark.watermarked_jpeg(store.get_verified(page.object_sha256), mark,
                                              max_width=PRINT_WIDTH)
            image = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
        sheets.append({"page": page, "index": index, "image": image})
    html = render_to_string("counter/certified_copy.html", {
        "entry": entry, "record": record, "sheets": sheets, "count": len(pages),
        "record_pages": total, "agency": agency, "mark": mark,
        "when": timezone.localtime(entry.created_at)})
    return weasyprint.HTML(string=html).write_pdf()
