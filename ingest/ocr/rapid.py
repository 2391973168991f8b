"""PP-OCR (PaddleOCR's detection, angle and recognition models) on onnxruntime.

Through ``rapidocr_onnxruntime``, whose wheel carries the three ONNX models: nothing
is fetched at run time. Each detected text line comes with per-character boxes;
runs of Latin letters and digits are joined into one word (an ID number is one
box, as with Tesseract), Chinese characters stay one word each.
"""

from __future__ import annotations

import json
import threading

from django.utils.translation import gettext as _

from .base import CJK_CHAR, OcrBackend, OcrResult, OcrUnavailable, Word, build_result, \
    log


class RapidOcr(OcrBackend):
    """PP-OCRv4 through RapidOCR.

    Options: ``use_angle_cls`` (run the 0°/180° classifier on every line; upright
    scans do not need it), ``det_limit_side_len`` (the detector scales the page's
    shorter side to at least this, 736 by default), ``max_side_len`` (longer pages
    are scaled down to this first), ``threads`` (onnxruntime's intra-op threads per
    model; 1 when pages run in parallel processes), ``text_score`` (lines below this
    recognition score are dropped), ``timeout`` in seconds.
    """

    name = "rapidocr"

    def __init__(self, *, use_angle_cls: bool = False, det_limit_side_len: int = 736,
                 max_side_len: int = 2000, threads: int = 1, text_score: float = 0.5,
                 timeout: float = 300):
        super().__init__(timeout=timeout)
        self.use_angle_cls = use_angle_cls
        self.text_score = text_score
        self._params = {"det_limit_side_len": det_limit_side_len, "max_side_len": max_side_len,
                        "intra_op_num_threads": threads, "inter_op_num_threads": 1,
                        "text_score": text_score}
        self._engine = None
        self._lock = threading.Lock()  # one page at a time per engine (sessions are shared)

    @property
    def engine(self):
        """The loaded models (loaded once, on first use)."""
        if self._engine is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:
                log.warning("RapidOCR cannot be imported: %s", exc)
                raise OcrUnavailable(_("RapidOCR cannot be loaded: install rapidocr_onnxruntime "
                                       "and the system libraries libgl1 libglib2.0-0")) from None
            self._engine = RapidOCR(**self._params)
        return self._engine

    def _recognise_encoded(self, data: bytes, *, suffix: str, dpi: int | None) -> OcrResult:
        engine = self.engine
        image = self.open_image(data)  # decoded once, here, so a bad file fails clearly
        return self.call_with_timeout(self._run, engine, image)

    def _run(self, engine, image) -> OcrResult:
        with self._lock:
            found, _elapsed = engine(image, use_cls=self.use_angle_cls, return_word_box=True,
                                     text_score=self.text_score)
        found = found or []
        raw = json.dumps([[box, text, round(float(score), 4)]
                          for box, text, score, *_rest in found], ensure_ascii=False)
        return build_result(_visual_lines([_line_words(item) for item in found]), raw)


def _line_words(item) -> list[Word]:
    """Words of one detected line: Chinese characters alone, Latin/digit runs joined."""
    box, text, score = item[0], item[1], float(item[2])
    char_boxes, chars, confs = (item[3], item[4], item[5]) if len(item) >= 6 else ([], [], [])
    if not chars or len(chars) != len(char_boxes):
        return [_word(text.strip(), box, score)] if text.strip() else []
    words: list[Word] = []
    previous_latin, position = False, 0
    for char, char_box, conf in zip(chars, char_boxes, confs):
        if not str(char).strip():
            previous_latin = False
            continue
        # A space in the line's text between two tokens separates Latin words.
        found = text.find(char, position)
        spaced = found > position and text[position:found].isspace()
        if found >= 0:
            position = found + len(char)
        latin = not CJK_CHAR.search(char)
        word = _word(char, char_box, float(conf))
        if latin and previous_latin and not spaced and words:
            words[-1] = _merge(words[-1], word)
        else:
            words.append(word)
        previous_latin = latin
    return words


def _word(text: str, points, score: float) -> Word:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    left, top = int(min(xs)), int(min(ys))
    return Word(text, left, top, max(1, int(max(xs)) - left), max(1, int(max(ys)) - top),
                max(0.0, min(100.0, score * 100)))


def _merge(a: Word, b: Word) -> Word:
    left, top = min(a.left, b.left), min(a.top, b.top)
    right = max(a.left + a.width, b.left + b.width)
    bottom = max(a.top + a.height, b.top + b.height)
    chars = len(a.text) + len(b.text)
    # The word's confidence is its characters' mean, weighted by their length.
    conf = (a.conf * len(a.text) + b.conf * len(b.text)) / chars
    return Word(a.text + b.text, left, top, right - left, bottom - top, conf)


def _visual_lines(lines: list[list[Word]]) -> list[list[Word]]:
    """Join detected boxes that sit side by side on one visual line, left to right.

    The detector splits a line at wide gaps (``姓名 张三    缴费年限 15年``); Tesseract
    gives such a line as one, and so the text does here too.
    """
    rows: list[list[Word]] = []
    for words in sorted((w for w in lines if w), key=lambda ws: min(w.top for w in ws)):
        top = min(w.top for w in words)
        bottom = max(w.top + w.height for w in words)
        middle = (top + bottom) / 2
        if rows:
            last = rows[-1]
            last_top = min(w.top for w in last)
            last_bottom = max(w.top + w.height for w in last)
            if last_top <= middle <= last_bottom:
                last.extend(words)
                last.sort(key=lambda w: w.left)
                continue
        rows.append(list(words))
    return rows
