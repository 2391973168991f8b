"""Tesseract: one ``image_to_data`` run gives text, word boxes and confidences."""

from __future__ import annotations

import io
import os
import shutil

import pytesseract
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from .base import OcrBackend, OcrResult, OcrUnavailable, Word, build_result, image_unreadable

# One thread per Tesseract process: parallelism comes from running pages in processes.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
# chi_sim alone: with +eng Tesseract reads names as Latin (李四 → PY); see benchmarks/ocr_quality.py.
LANG = "chi_sim"
PREPROCESSING = ("upscale", "binarise")
# Below this width a page is scaled up for Tesseract (an A4 page at ~200 dpi): its
# Chinese models read characters about 30 px high best.
UPSCALE_BELOW_WIDTH = 1700


class TesseractOcr(OcrBackend):
    """Tesseract through pytesseract.

    Options: ``lang`` (``chi_sim``), ``psm`` and ``oem`` (Tesseract's page
    segmentation and engine modes; None leaves Tesseract's default), ``preprocess``
    (a list of ``upscale`` — small pages scaled ×2 —, ``binarise`` — Otsu's
    threshold), ``config`` (further Tesseract arguments), ``timeout`` in seconds.
    """

    name = "tesseract"

    def __init__(self, *, lang: str = LANG, psm: int | None = None, oem: int | None = None,
                 preprocess: list[str] | tuple[str, ...] | str = (), config: str = "",
                 timeout: float = 300):
        super().__init__(timeout=timeout)
        if isinstance(preprocess, str):
            preprocess = [p.strip() for p in preprocess.split(",") if p.strip()]
        unknown = set(preprocess) - set(PREPROCESSING)
        if unknown:
            raise ValueError(f"unknown Tesseract preprocessing {sorted(unknown)}; "
                             f"choose from {PREPROCESSING}")
        self.lang, self.psm, self.oem = lang, psm, oem
        self.preprocess = tuple(p for p in PREPROCESSING if p in preprocess)
        self.config = " ".join([*([f"--psm {psm}"] if psm is not None else []),
                                *([f"--oem {oem}"] if oem is not None else []), config]).strip()

    def _recognise_encoded(self, data: bytes, *, suffix: str, dpi: int | None) -> OcrResult:
        scale = 1.0
        if self.preprocess:
            image = self.open_image(data)
            known = image.info.get("dpi")
            dpi = dpi or (round(known[0]) if known else None)
            image, scale = self._prepared(image)
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", compress_level=1)
            data, suffix = buffer.getvalue(), ".png"
        with self.temp_file(data, suffix) as handle:
            return self._run(handle.name, scale, round(dpi * scale) if dpi else None)

    def _prepared(self, image: Image.Image) -> tuple[Image.Image, float]:
        """Apply the preprocessing; return the image and its scale against the page."""
        image = image.convert("L")
        scale = 1.0
        if "upscale" in self.preprocess and image.width < UPSCALE_BELOW_WIDTH:
            scale = 2.0
            image = image.resize((image.width * 2, image.height * 2), Image.Resampling.LANCZOS)
        if "binarise" in self.preprocess:
            threshold = _otsu(image)
            image = ImageOps.autocontrast(image).point(lambda v: 255 if v > threshold else 0)
        return image, scale

    def _run(self, path: str, scale: float, dpi: int | None) -> OcrResult:
        config = f"{self.config} --dpi {dpi}".strip() if dpi else self.config
        try:
            data = pytesseract.image_to_data(path, lang=self.lang, config=config,
                                             output_type=pytesseract.Output.DICT,
                                             timeout=self.timeout)
        except pytesseract.TesseractNotFoundError:
            raise tesseract_missing() from None
        except pytesseract.TesseractError as exc:
            message = str(exc.message or exc)
            if "Failed loading language" in message or "Error opening data file" in message:
                raise OcrUnavailable(
                    _("Tesseract has no language data for %(lang)s: install "
                      "tesseract-ocr-chi-sim (and tesseract-ocr-eng)") % {"lang": self.lang}
                ) from None
            raise image_unreadable(f"tesseract: {message.strip()[:300]}") from None
        except RuntimeError as exc:  # pytesseract's timeout (TesseractError is caught above)
            if "timeout" in str(exc).lower():
                raise self.timed_out() from None
            raise
        lines: dict[tuple, list[Word]] = {}
        for i, text in enumerate(data["text"]):
            text = text.strip()
            conf = float(data["conf"][i])
            if not text or conf < 0:
                continue
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            lines.setdefault(key, []).append(Word(
                text, round(data["left"][i] / scale), round(data["top"][i] / scale),
                round(data["width"][i] / scale), round(data["height"][i] / scale), conf))
        raw = "\n".join("\t".join(str(data[k][i]) for k in data) for i in range(len(data["text"])))
        return build_result([words for _, words in sorted(lines.items())], raw)


def tesseract_missing() -> OcrUnavailable:
    """The one error a record gets when the machine has no Tesseract."""
    return OcrUnavailable(_("Tesseract OCR is not installed (tesseract is not on PATH): "
                            "install tesseract-ocr tesseract-ocr-chi-sim"))


def tesseract_installed() -> bool:
    return shutil.which(pytesseract.pytesseract.tesseract_cmd) is not None


def _otsu(image: Image.Image) -> int:
    """Otsu's threshold of a greyscale image, from its histogram."""
    histogram = image.histogram()[:256]
    total = sum(histogram)
    weighted = sum(i * h for i, h in enumerate(histogram))
    best, best_var, below, below_sum = 127, -1.0, 0, 0.0
    for level, count in enumerate(histogram):
        below += count
        if below == 0:
            continue
        above = total - below
        if above == 0:
            break
        below_sum += level * count
        mean_below = below_sum / below
        mean_above = (weighted - below_sum) / above
        between = below * above * (mean_below - mean_above) ** 2
        if between > best_var:
            best, best_var = level, between
    return best
