"""Parsers turn an original file into pages; every parser follows one protocol.

A parser opens the bytes once, says how many pages there are, and renders one
page at a time (so pages can be worked on by different processes): an image to
OCR, or the text layer of a born-digital PDF page with its character boxes.
"""

from __future__ import annotations

import functools
import io
import math
import threading
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext as _
from PIL import Image

from kernel.errors import DomainError

from .formats import JPEG, PDF, PNG, TIFF

# The pixel budget of one page, scanned or rendered from a PDF. Pillow itself only warns
# between its MAX_IMAGE_PIXELS and twice that, so the parsers check every frame's size
# against the budget themselves (an error, for this code only; Pillow's warning filters
# are left as they are for the rest of the process).
MAX_IMAGE_PIXELS = 180_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
PDF_RENDER_DPI = 300
# Pages with a text layer are rendered for viewing only, at the resolution of a scan.
TEXT_PAGE_DPI = 150


class InvalidFile(DomainError, ValueError):
    """The file is of an accepted format but cannot be used; the message says why."""

    def __init__(self, message: str, rule: str, *, field: str | None = "file"):
        super().__init__(message, field=field, rule=rule)


@dataclass
class PageContent:
    image: Image.Image | None = None
    text: str = ""
    words: list[list] = field(default_factory=list)
    dpi: int | None = None


class Parser(Protocol):
    kinds: frozenset[str]

    def page_count(self) -> int: ...

    def check(self) -> None:
        """Refuse with ``InvalidFile`` a page that is over the pixel budget or does not decode."""

    def page(self, index: int) -> PageContent: ...

    def close(self) -> None: ...


def _open_image(data: bytes) -> Image.Image:
    # Opening reads the header only: the size (and so the bomb guard) is known, pixels are not.
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise InvalidFile(_("image too large, refused as a decompression bomb: %(why)s") % {"why": exc},
                          "decompression_bomb") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidFile(_("the image does not decode: %(why)s") % {"why": exc}, "broken_image") from None
    _within_budget(image.size, page=1)
    return image


def _within_budget(size: tuple[int, int], *, page: int) -> None:
    """Refuse an image of ``size`` pixels over the budget, before its pixels are decoded."""
    width, height = size
    if width * height > MAX_IMAGE_PIXELS:
        raise InvalidFile(
            _("page %(page)d is %(width)d x %(height)d pixels, over the limit of %(limit)d "
              "million pixels: refused as a decompression bomb")
            % {"page": page, "width": width, "height": height, "limit": MAX_IMAGE_PIXELS // 10**6},
            "decompression_bomb")


class ImageParser:
    """TIFF (multi-page), JPEG and PNG scans."""

    kinds = frozenset({TIFF, JPEG, PNG})

    def __init__(self, data: bytes):
        self._image = _open_image(data)
        try:
            self._frames = getattr(self._image, "n_frames", 1)
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise InvalidFile(_("the image's pages cannot be counted: %(why)s") % {"why": exc},
                              "broken_image") from None

    def page_count(self) -> int:
        return self._frames

    def check(self) -> None:
        """Decode every frame, so a truncated or oversized one is refused now, not later."""
        for index in range(self._frames):
            self._decoded(index)

    def page(self, index: int) -> PageContent:
        """Decode one page; a truncated, corrupt or oversized page is refused here."""
        self._decoded(index)
        frame = self._image if self._frames == 1 else self._image.copy()
        dpi = self._image.info.get("dpi", (None,))[0]
        return PageContent(image=frame, dpi=int(dpi) if dpi else None)

    def _decoded(self, index: int) -> None:
        try:
            self._image.seek(index)
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise InvalidFile(_("page %(page)d of the image does not decode: %(why)s")
                              % {"page": index + 1, "why": exc}, "broken_image") from None
        _within_budget(self._image.size, page=index + 1)
        try:
            self._image.load()
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise InvalidFile(_("page %(page)d of the image does not decode: %(why)s")
                              % {"page": index + 1, "why": exc},
                              "broken_image") from None

    def close(self) -> None:
        self._image.close()


# PDFium is not thread-safe: two threads of one web process (gunicorn's gthread workers, the
# API's concurrent pushes) calling into it at once crash the process. Every call goes through
# this lock; the pipeline's OCR runs in processes and is not slowed by it.
_PDFIUM = threading.RLock()


def _pdfium_locked(method):
    @functools.wraps(method)
    def locked(*args, **kwargs):
        with _PDFIUM:
            return method(*args, **kwargs)
    return locked


class PdfParser:
    """PDFs: the text layer where a page has one, the page rendered for OCR where not."""

    kinds = frozenset({PDF})

    @_pdfium_locked
    def __init__(self, data: bytes):
        import pypdfium2 as pdfium

        try:
            self._pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            message = str(exc)
            if "password" in message.lower():
                raise InvalidFile(_("the PDF is encrypted with a password"), "encrypted") from None
            raise InvalidFile(_("the PDF cannot be opened: %(why)s") % {"why": message}, "broken_pdf") from None
        if len(self._pdf) == 0:
            self._pdf.close()
            raise InvalidFile(_("the PDF has no pages"), "no_pages")

    @_pdfium_locked
    def page_count(self) -> int:
        return len(self._pdf)

    @_pdfium_locked
    def check(self) -> None:
        """Measure every page at the resolution it would be rendered at, without rendering.

        A page that fits at the higher (scan) resolution fits either way and is
        measured from its size alone; only a page between the two budgets is
        loaded to see whether it has a text layer (rendered at the lower one).
        """
        import pypdfium2 as pdfium

        for index in range(len(self._pdf)):
            try:
                fits = _pixels(*self._pdf.get_page_size(index), PDF_RENDER_DPI) <= MAX_IMAGE_PIXELS
            except pdfium.PdfiumError:  # loading the page below says what is wrong with it
                fits = False
            if fits:
                continue
            page = self._pdf[index]
            try:
                textpage = page.get_textpage()
                count = textpage.count_chars()
                has_text = bool(count and textpage.get_text_range(0, count).strip())
                textpage.close()
                _page_within_budget(page, index, TEXT_PAGE_DPI if has_text else PDF_RENDER_DPI)
            finally:
                page.close()

    @_pdfium_locked
    def page(self, index: int) -> PageContent:
        page = self._pdf[index]
        try:
            textpage = page.get_textpage()
            scale = TEXT_PAGE_DPI / 72
            text, words = _text_layer(textpage, page.get_height(), scale)
            textpage.close()
            if text.strip():
                _page_within_budget(page, index, TEXT_PAGE_DPI)
                # Rendered only to be viewed and printed: the text comes from the layer,
                # and the word boxes are in this image's pixels, as OCR boxes are.
                bitmap = page.render(scale=scale, grayscale=True)
                return PageContent(image=bitmap.to_pil(), text=text, words=words,
                                   dpi=TEXT_PAGE_DPI)
            _page_within_budget(page, index, PDF_RENDER_DPI)
            bitmap = page.render(scale=PDF_RENDER_DPI / 72, grayscale=True)
            return PageContent(image=bitmap.to_pil(), dpi=PDF_RENDER_DPI)
        finally:
            page.close()

    @_pdfium_locked
    def close(self) -> None:
        self._pdf.close()


def _pixels(width: float, height: float, dpi: int) -> int:
    """Return how many pixels a page of ``width`` x ``height`` pt renders to at ``dpi``."""
    return math.ceil(width * dpi / 72) * math.ceil(height * dpi / 72)


def _page_within_budget(page, index: int, dpi: int) -> None:
    """Refuse a PDF page whose rendering at ``dpi`` would be over the pixel budget."""
    width, height = page.get_size()
    pixels = (math.ceil(width * dpi / 72), math.ceil(height * dpi / 72))
    if _pixels(width, height, dpi) > MAX_IMAGE_PIXELS:
        raise InvalidFile(
            _("page %(page)d is %(width)s x %(height)s pt: %(pw)d x %(ph)d pixels at %(dpi)d dpi, "
              "over the limit of %(limit)d million pixels")
            % {"page": index + 1, "width": f"{width:g}", "height": f"{height:g}",
               "pw": pixels[0], "ph": pixels[1], "dpi": dpi, "limit": MAX_IMAGE_PIXELS // 10**6},
            "page_too_large")


def _text_layer(textpage, page_height: float, scale: float = 1.0) -> tuple[str, list[list]]:
    """Return a page's text and its words with boxes from the top-left corner.

    Boxes are in points times ``scale`` (the pixels of the page rendered at that scale).

    A Chinese character is a word of its own; letters and digits run together.
    """
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    words: list[list] = []
    current, box = "", None
    for i in range(count):
        ch = textpage.get_text_range(i, 1)
        if not ch.strip():
            current, box = _flush(words, current, box)
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        char_box = [left * scale, (page_height - top) * scale, right * scale,
                    (page_height - bottom) * scale]
        if ch.isascii() and ch.isalnum():
            current += ch
            box = char_box if box is None else [min(box[0], char_box[0]), min(box[1], char_box[1]),
                                                max(box[2], char_box[2]), max(box[3], char_box[3])]
            continue
        current, box = _flush(words, current, box)
        _flush(words, ch, char_box)
    _flush(words, current, box)
    return text.replace("\r\n", "\n"), words


def _flush(words: list, text: str, box) -> tuple[str, None]:
    if text and box is not None:
        left, top, right, bottom = box
        words.append([text, round(left), round(top), round(right - left), round(bottom - top), 100.0])
    return "", None


def open_parser(kind: str, data: bytes) -> Parser:
    """Open ``data`` of format ``kind`` with the parser for it."""
    for parser in (ImageParser, PdfParser):
        if kind in parser.kinds:
            return parser(data)
    raise InvalidFile(f"no parser for {kind}", "unsupported")
