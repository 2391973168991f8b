"""OCR one page image with Tesseract, getting text, word boxes and confidence in one run."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field

import pytesseract
from PIL import Image

# One thread per Tesseract process: parallelism comes from running pages in processes.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
LANG = "chi_sim+eng"
_CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<={_CJK})[ \t]+(?={_CJK})")


@dataclass
class OcrResult:
    text: str
    raw: str
    words: list[list] = field(default_factory=list)  # [text, left, top, width, height, conf]
    confidence: float | None = None


def join_cjk(text: str) -> str:
    """Remove the spaces Tesseract puts between Chinese characters; keep Latin spacing."""
    return _SPACE_BETWEEN_CJK.sub("", text)


def ocr_encoded(data: bytes, *, suffix: str = ".png", lang: str = LANG,
                timeout: int = 300) -> OcrResult:
    """OCR an already encoded page image, handing the file to Tesseract without re-encoding."""
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(data)
        handle.flush()
        return ocr_image(handle.name, lang=lang, timeout=timeout)


def ocr_image(image: Image.Image | str, *, lang: str = LANG, timeout: int = 300) -> OcrResult:
    """Run Tesseract once on ``image`` (or an image file's path) and return indexed text,
    words with boxes and confidence."""
    data = pytesseract.image_to_data(image, lang=lang, output_type=pytesseract.Output.DICT,
                                     timeout=timeout)
    words, lines, confidences = [], {}, []
    for i, word in enumerate(data["text"]):
        word = word.strip()
        conf = float(data["conf"][i])
        if not word or conf < 0:
            continue
        words.append([word, data["left"][i], data["top"][i], data["width"][i],
                      data["height"][i], round(conf, 1)])
        confidences.append(conf)
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word)
    text = "\n".join(join_cjk(" ".join(parts)) for _, parts in sorted(lines.items()))
    raw = "\n".join("\t".join(str(data[k][i]) for k in data) for i in range(len(data["text"])))
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    return OcrResult(text=text, raw=raw, words=words, confidence=mean)
