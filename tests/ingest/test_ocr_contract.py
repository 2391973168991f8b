"""The OCR contract: every backend present reads the same page into the same result shape."""

from __future__ import annotations

import importlib.util
import io
import os

import pytest
from PIL import Image, ImageDraw

from ingest.ocr import (ImageUnreadable, OcrBackend, OcrError, OcrTimeout, build_backend,
                        ocr_backend)
from ingest.ocr.tesseract import tesseract_installed
from tests.ingest import samples

ID = "11010519491231002X"
NAME = "李四"
LINES = ["参保人员登记表", f"姓名 {NAME}", f"公民身份号码 {ID}", "险种 养老保险 2015年3月2日"]

BACKENDS = {
    "tesseract": {"BACKEND": "ingest.ocr.tesseract.TesseractOcr", "OPTIONS": {}},
    "rapidocr": {"BACKEND": "ingest.ocr.rapid.RapidOcr", "OPTIONS": {}},
}
PRESENT = {"tesseract": tesseract_installed(),
           "rapidocr": importlib.util.find_spec("rapidocr_onnxruntime") is not None}


def each_backend():
    return [pytest.param(name, id=name, marks=pytest.mark.skipif(
        not PRESENT[name], reason=f"{name} is not installed here")) for name in BACKENDS]


_built: dict[str, OcrBackend] = {}


@pytest.fixture(params=each_backend())
def backend(request) -> OcrBackend:
    """One instance per engine for the module: models load once, as in a worker."""
    name = request.param
    if name not in _built:
        _built[name] = build_backend(BACKENDS[name])
    return _built[name]


def _page() -> tuple[bytes, dict[str, tuple[int, int, int, int]]]:
    """A greyscale 150 dpi page and where each line's text was drawn (left, top, right, bottom)."""
    image = samples.page_image(LINES)
    draw = ImageDraw.Draw(image)
    where = {}
    for i, line in enumerate(LINES):
        where[line] = draw.textbbox((120, 150 + i * 90), line, font=samples._font(44))
    return samples.encode([image], "PNG"), where


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_name_and_the_id_number_are_read_exactly(backend):
    data, _ = _page()
    result = backend.recognise_encoded(data, suffix=".png")
    assert NAME in result.text and ID in result.text
    assert "参保人员登记表" in result.text
    assert " " not in result.text.splitlines()[0]  # no spaces between Chinese characters


def test_words_are_boxes_inside_the_page_covering_where_the_text_is(backend):
    data, where = _page()
    result = backend.recognise_encoded(data, suffix=".png")
    width, height = Image.open(io.BytesIO(data)).size
    assert result.words
    for word in result.words:
        text, left, top, w, h, conf = word
        assert isinstance(text, str) and text.strip()
        assert all(isinstance(v, int) for v in (left, top, w, h))
        assert 0 <= left and 0 <= top and w > 0 and h > 0
        assert left + w <= width and top + h <= height
    # The ID number is one word (the counter marks it in one box), on the drawn ID.
    id_words = [w for w in result.words if w[0] == ID]
    assert len(id_words) == 1, [w[0] for w in result.words]
    _, left, top, w, h, _ = id_words[0]
    drawn = where[f"公民身份号码 {ID}"]
    assert drawn[1] - 10 <= top + h / 2 <= drawn[3] + 10  # on the ID's line
    assert left >= drawn[0] + 200 and left + w <= drawn[2] + 10  # right of its label
    # The name's characters sit on the name, right of 姓名.
    name_line = where[f"姓名 {NAME}"]
    name_words = [w for w in result.words if w[0] and w[0] in NAME]
    assert name_words
    for _, left, top, w, h, _ in name_words:
        assert name_line[1] - 10 <= top + h / 2 <= name_line[3] + 10
        assert name_line[0] + 80 <= left <= name_line[2]


def test_confidences_run_from_0_to_100(backend):
    data, _ = _page()
    result = backend.recognise_encoded(data, suffix=".png")
    assert all(0 <= w[5] <= 100 for w in result.words)
    assert 50 <= result.confidence <= 100  # a clean page is read confidently
    assert result.raw  # the engine's own output is kept


def test_a_blank_page_gives_empty_text_not_an_error(backend):
    result = backend.recognise_encoded(_png(Image.new("L", (1240, 1754), 255)), suffix=".png")
    assert result.text == "" and result.words == [] and result.confidence is None


def test_a_jpeg_file_is_read_as_the_engine_reads_it(backend, tmp_path):
    path = tmp_path / "page.jpg"
    path.write_bytes(samples.encode([samples.page_image(LINES)], "JPEG"))
    assert ID in backend.recognise_file(path).text


def test_the_timeout_is_honoured(backend):
    slow = build_backend({"BACKEND": f"{type(backend).__module__}.{type(backend).__name__}",
                          "OPTIONS": {"timeout": 0.05}})
    data, _ = _page()
    with pytest.raises(OcrTimeout) as caught:
        slow.recognise_encoded(data, suffix=".png")
    assert "0.05" in caught.value.message


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 50, b"not an image"],
                         ids=["truncated-png", "text"])
def test_a_corrupt_image_is_a_clear_domain_error(backend, data):
    with pytest.raises(ImageUnreadable) as caught:
        backend.recognise_encoded(data, suffix=".png")
    assert isinstance(caught.value, OcrError) and caught.value.message


def test_the_configured_backend_is_built_once_per_process_and_again_when_changed(settings):
    settings.ARCHIVE_OCR = BACKENDS["tesseract"]
    first = ocr_backend()
    assert ocr_backend() is first and type(first).__name__ == "TesseractOcr"
    settings.ARCHIVE_OCR = BACKENDS["rapidocr"]
    assert type(ocr_backend()).__name__ == "RapidOcr"


@pytest.mark.skipif(not PRESENT["rapidocr"], reason="rapidocr is not installed here")
def test_rapidocr_reads_a_page_with_no_network_at_all(tmp_path):
    """Its models ship inside the wheel: in a network namespace of its own it still reads."""
    import shutil
    import subprocess
    import sys

    from tests.conftest import ROOT
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs unshare and root for a network namespace")
    page = tmp_path / "page.png"
    page.write_bytes(_page()[0])
    script = ("import django, sys; django.setup(); from ingest.ocr.rapid import RapidOcr; "
              "print(RapidOcr().recognise_file(sys.argv[1]).text)")
    done = subprocess.run(["unshare", "--net", sys.executable, "-c", script, str(page)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert done.returncode == 0, done.stderr
    assert ID in done.stdout
