"""Factories for custody and counter tests: pages with real stored images and word boxes."""

from __future__ import annotations

import io

from django.utils import timezone
from PIL import Image, ImageDraw

from archive.services import stored_object_put
from catalog.models import Page, Record
from tests.ingest import samples

LEFT, TOP, LINE, SIZE = 120, 150, 90, 44  # where samples.page_image draws its lines


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def words_of(lines: list[str]) -> list[list]:
    """The word boxes of ``lines`` as samples.page_image draws them: one per character or
    Latin/digit run, [text, left, top, width, height, confidence], as OCR gives them."""
    draw = ImageDraw.Draw(Image.new("L", (10, 10)))
    font = samples._font(SIZE)
    words = []
    for i, line in enumerate(lines):
        x, y = LEFT, TOP + i * LINE
        token, start = "", x
        for ch in line + " ":
            if ch.isascii() and ch.isalnum():
                if not token:
                    start = x
                token += ch
            else:
                if token:
                    box = draw.textbbox((start, y), token, font=font)
                    words.append([token, box[0], box[1], box[2] - box[0], box[3] - box[1], 95.0])
                    token = ""
                if ch.strip():
                    box = draw.textbbox((x, y), ch, font=font)
                    words.append([ch, box[0], box[1], box[2] - box[0], box[3] - box[1], 95.0])
            x += draw.textlength(ch, font=font)
    return words


def page(record: Record, lines: list[str], *, number: int = 1) -> Page:
    """A page as ingest leaves it: normalised image and thumbnail stored, text and boxes."""
    image = samples.page_image(lines)
    thumb = image.copy()
    thumb.thumbnail((256, 256))
    sha = stored_object_put(actor=None, data=_png(image), content_type="image/png", derived=True)
    thumb_sha = stored_object_put(actor=None, data=_png(thumb), content_type="image/png",
                                  derived=True)
    return Page.objects.create(
        record=record, number=number, object_sha256=sha.sha256, thumbnail_sha256=thumb_sha.sha256,
        width=image.width, height=image.height, dpi=150, text="\n".join(lines),
        words=words_of(lines), text_source="ocr", confidence=93.0, text_done_at=timezone.now())

