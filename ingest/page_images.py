"""A page's image work for ``pipeline.extract_page``: normalise, encode, thumbnail, and OCR
started early so the rest of the page's work runs while the engine reads it.

A scan that already is an upright greyscale PNG or JPEG is handed to the engine as
uploaded (never decoded and encoded again, so the engine reads exactly the scanned
pixels); its pixels are decoded only for the thumbnail, a JPEG at a reduced scale.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

from django.utils import translation
from PIL import Image, ImageOps

from .formats import JPEG, PNG
from .ocr import OcrResult, ocr_encoded

THUMBNAIL_SIZE = (256, 256)
_UPRIGHT = (0, 1)  # EXIF orientation absent or "normal"
_EXIF_ORIENTATION = 0x0112


def normalise(image: Image.Image) -> tuple[Image.Image, bool]:
    """Upright and greyscale; say whether the image was already so."""
    if image.getexif().get(_EXIF_ORIENTATION, 1) in _UPRIGHT:
        if image.mode in ("L", "1"):
            return image, True
        return image.convert("L"), False
    upright = ImageOps.exif_transpose(image)
    return (upright if upright.mode == "L" else upright.convert("L")), False


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # Fast compression: pages are re-read far less often than they are written.
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def thumbnail(image: Image.Image) -> bytes:
    """The page's thumbnail as PNG (``Image.thumbnail`` reduces by whole factors first)."""
    small = image.copy() if image.size[0] > THUMBNAIL_SIZE[0] or image.size[1] > THUMBNAIL_SIZE[1] \
        else image
    small.thumbnail(THUMBNAIL_SIZE)
    return png(small)


def as_uploaded(data: bytes, kind: str, pages: int) -> Image.Image | None:
    """The original opened (header only) when it already is the normalised page, else None.

    That is a one-page PNG or JPEG, greyscale and upright: it is stored, viewed and
    read by the engine as uploaded.
    """
    if pages != 1 or kind not in (PNG, JPEG):
        return None
    image = Image.open(io.BytesIO(data))
    if image.mode not in ("L", "1") or image.getexif().get(_EXIF_ORIENTATION, 1) not in _UPRIGHT:
        return None
    return image


def thumbnail_of_uploaded(image: Image.Image) -> bytes:
    """Decode an as-uploaded page just enough for its thumbnail (a JPEG at 1/2–1/8 scale)."""
    if image.format == "JPEG":
        image.draft("L", THUMBNAIL_SIZE)  # the decoder scales down while it decodes
    image.load()
    return thumbnail(image)


@contextmanager
def ocr_started(data: bytes | None, suffix: str,
                dpi: int | None = None) -> Iterator[Callable[[], OcrResult] | None]:
    """Start OCR of ``data`` (scanned at ``dpi``) in a helper thread; yield a function
    waiting for its result.

    The engine (a Tesseract process, or onnxruntime releasing the GIL) reads the page
    while the caller hashes and stores its images. None is yielded when there is
    nothing to read. Leaving the block waits for the engine, so no OCR outlives its page.
    """
    if data is None:
        yield None
        return
    language = translation.get_language()

    def read() -> OcrResult:
        with translation.override(language):  # the engine's error messages, as the caller's
            return ocr_encoded(data, suffix=suffix, dpi=dpi)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-ocr") as pool:
        future: Future[OcrResult] = pool.submit(read)
        yield future.result
