"""The OCR interface: one page image in, its text, word boxes and confidence out.

Every engine (``ARCHIVE_OCR["BACKEND"]``) gives the same result shape, so the
pipeline, the index and the counter's highlight boxes never know which engine
read the page: words are ``[text, left, top, width, height, conf]`` in the
page image's pixels, ``conf`` from 0 to 100, in reading order; Chinese
characters are one word each (or a run of them), a Latin word or a number is
one word; the text has one line per visual line, without spaces between
Chinese characters.
"""

from __future__ import annotations

import io
import logging
import re
import tempfile
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from kernel.han import HAN_CLASS, HAN_COMPATIBILITY_CLASS

# Chinese characters with CJK punctuation and full-width forms: the script a line is in.
_CJK_CLASS = rf"\u3000-\u303f{HAN_CLASS}{HAN_COMPATIBILITY_CLASS}\uff00-\uffef"
_CJK = rf"[{_CJK_CLASS}]"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<={_CJK})[ \t]+(?={_CJK})")
CJK_CHAR = re.compile(_CJK)
log = logging.getLogger(__name__)


class OcrError(Exception):
    """The page could not be read; ``message`` goes into the record's errors.

    Plain arguments only, so the error crosses a process pool intact.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __reduce__(self):
        return (type(self), (self.message,))


class OcrUnavailable(OcrError):
    """The engine (or its language data) is not installed on this machine."""


class OcrTimeout(OcrError):
    """The engine took longer than the backend's ``timeout``."""


class ImageUnreadable(OcrError):
    """The bytes handed to the engine are not an image it can decode."""


def image_unreadable(detail) -> ImageUnreadable:
    """The officer's message for a page no engine can decode; the detail goes to the log."""
    log.warning("OCR: page image unreadable: %s", detail)
    return ImageUnreadable(_("the page image cannot be decoded (not a PNG, JPEG or TIFF image, "
                             "or damaged)"))


@dataclass
class OcrResult:
    text: str
    raw: str
    words: list[list] = field(default_factory=list)  # [text, left, top, width, height, conf]
    confidence: float | None = None


@dataclass
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float  # 0–100

    def row(self) -> list:
        return [self.text, int(self.left), int(self.top), int(self.width), int(self.height),
                round(float(self.conf), 1)]


def join_cjk(text: str) -> str:
    """Remove the spaces an engine puts between Chinese characters; keep Latin spacing."""
    return _SPACE_BETWEEN_CJK.sub("", text)


def line_text(words: list[Word]) -> str:
    """Join a visual line's words: Chinese characters close together without a space.

    A gap wider than the line's height (between two fields of a form, ``姓名 李四   险种
    养老``) keeps its space, so a name does not run into the next field's label; between
    Chinese and a number a space is kept only where one was printed (``2015年``).
    """
    out: list[str] = []
    for previous, word in zip([None, *words], words):
        if previous is not None:
            gap = word.left - (previous.left + previous.width)
            height = max(previous.height, word.height)
            cjk = (bool(CJK_CHAR.search(previous.text[-1:])), bool(CJK_CHAR.search(word.text[:1])))
            if cjk == (False, False):
                spaced = True  # two Latin words or numbers: the engines split them at spaces
            elif cjk == (True, True):
                spaced = gap > height
            else:  # 2015年, 号码 110105…: a space only where one was printed
                spaced = gap > 0.15 * height
            out.append(" " if spaced else "")
        out.append(word.text)
    return "".join(out)


def build_result(lines: list[list[Word]], raw: str) -> OcrResult:
    """Make the result every backend returns from its words grouped in visual lines."""
    lines = [[w for w in line if w.text.strip()] for line in lines]
    lines = [line for line in lines if line]
    words = [w for line in lines for w in line]
    text = "\n".join(line_text(line) for line in lines)
    mean = round(sum(w.conf for w in words) / len(words), 1) if words else None
    return OcrResult(text=text, raw=raw, words=[w.row() for w in words], confidence=mean)


class OcrBackend(ABC):
    """An OCR engine with its options; one instance per process (see ``ocr_backend``)."""

    #: The engine's name in messages and benchmarks.
    name = "ocr"

    def __init__(self, *, timeout: float = 300):
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.timeout = timeout

    def recognise_encoded(self, data: bytes, *, suffix: str = ".png",
                          dpi: int | None = None) -> OcrResult:
        """OCR an already encoded page image (PNG, JPEG, TIFF) without decoding it here.

        ``dpi`` is the scan's resolution when the file does not say it (a PNG made
        from a PDF or TIFF page): Tesseract misreads most of a page it takes for 70 dpi.
        """
        if not data:
            raise ImageUnreadable(_("the page image is empty"))
        return self._recognise_encoded(data, suffix=suffix, dpi=dpi)

    def recognise_file(self, path: str | Path, *, dpi: int | None = None) -> OcrResult:
        """OCR an image file as the engine itself reads it (the raw-engine reference)."""
        return self.recognise_encoded(Path(path).read_bytes(), suffix=Path(path).suffix or ".png",
                                      dpi=dpi)

    def recognise_image(self, image: Image.Image) -> OcrResult:
        """OCR a decoded image (encoded losslessly once for the engine)."""
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=1)
        dpi = image.info.get("dpi")
        return self.recognise_encoded(buffer.getvalue(), suffix=".png",
                                      dpi=round(dpi[0]) if dpi else None)

    @abstractmethod
    def _recognise_encoded(self, data: bytes, *, suffix: str, dpi: int | None) -> OcrResult:
        """Run the engine on encoded image bytes, raising only ``OcrError`` subclasses."""

    # --- helpers for the backends --------------------------------------------------------

    @staticmethod
    def open_image(data: bytes) -> Image.Image:
        """Decode ``data`` or raise ``ImageUnreadable`` (for engines that need pixels)."""
        try:
            image = Image.open(io.BytesIO(data))
            image.load()
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError,
                AttributeError) as exc:  # what Pillow's decoders raise on damaged files
            raise image_unreadable(exc) from None
        return image

    @staticmethod
    def temp_file(data: bytes, suffix: str):
        """A named temporary file holding ``data``, for engines that read files."""
        handle = tempfile.NamedTemporaryFile(suffix=suffix)  # noqa: SIM115 - caller closes
        handle.write(data)
        handle.flush()
        return handle

    def timed_out(self) -> OcrTimeout:
        return OcrTimeout(_("OCR (%(engine)s) took longer than %(seconds)s seconds")
                          % {"engine": self.name, "seconds": f"{self.timeout:g}"})

    def call_with_timeout(self, fn, *args, **kwargs):
        """Run ``fn`` in a helper thread and stop waiting for it after ``timeout`` seconds.

        For in-process engines that cannot be interrupted: the call's result is
        dropped when it finishes late, and the page fails with ``OcrTimeout``.
        """
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"ocr-{self.name}")
        try:
            return pool.submit(fn, *args, **kwargs).result(timeout=self.timeout)
        except FutureTimeout:
            raise self.timed_out() from None
        finally:
            pool.shutdown(wait=False)
