"""The counter's highlight boxes sit on the searched words, whichever OCR engine read the page.

Screenshots go to test-artifacts/ (counter-ocr-*.png) for a person to look at.
"""

import importlib.util

import pytest
from PIL import ImageDraw

from catalog import services
from catalog.models import Member, Record
from ingest.inline import process_records
from ingest.services import Source, batch_create, file_ingest
from search.services import index_pending_process
from tests.archive.test_counter_browser import start_visit
from tests.catalog import factories
from tests.conftest import ARTIFACTS, sign_in
from tests.ingest import samples
from tests.search.conftest import tantivy_search  # noqa: F401  (fixture)

ID = factories.citizen_id()  # 11010519491231002X
LINES = ["养老保险待遇核定表", f"公民身份号码 {ID}", "姓名 李四 缴费年限 15年", "核定日期 2015年3月2日"]
ENGINES = {
    "tesseract": {"BACKEND": "ingest.ocr.tesseract.TesseractOcr", "OPTIONS": {"lang": "chi_sim"}},
    "rapidocr": {"BACKEND": "ingest.ocr.rapid.RapidOcr", "OPTIONS": {}},
}


def _drawn_boxes() -> dict[str, tuple]:
    """Where samples.page_image draws each line's text, in page pixels."""
    draw = ImageDraw.Draw(samples.page_image([]))
    return {line: draw.textbbox((120, 150 + i * 90), line, font=samples._font(44))
            for i, line in enumerate(LINES)}


@pytest.fixture(params=[pytest.param(name, marks=pytest.mark.skipif(
    name == "rapidocr" and importlib.util.find_spec("rapidocr_onnxruntime") is None,
    reason="rapidocr_onnxruntime is not installed")) for name in ENGINES])
def ingested(request, settings, local_store, tantivy_search):
    """One scanned page read by the engine under test, its member named, indexed."""
    settings.ARCHIVE_OCR = ENGINES[request.param]
    factories.fonds()
    batch = batch_create(actor=None, source="test")
    data = samples.encode([samples.page_image(LINES)], "PNG")
    item = file_ingest(actor=None, batch=batch, source=Source("pension.png", data),
                       metadata={"stage": "YL01", "date": "2015-03-02", "title": "养老保险待遇核定表"},
                       queue=False)
    process_records([item.record_id], processes=1)
    record = Record.objects.get(pk=item.record_id)
    assert record.status == "ready", record.errors
    services.member_update(actor=None, member=Member.objects.get(id_number=ID), name="李四")
    index_pending_process()
    return request.param, record


def _hit_boxes_in_page_pixels(page) -> tuple[list[dict], float]:
    """The visible page's hit boxes, converted from screen to page-image pixels."""
    return page.evaluate("""() => {
        const img = document.querySelector('.ct-sheet:not([hidden]) img');
        const r = img.getBoundingClientRect(), k = img.naturalWidth / r.width;
        return [[...document.querySelectorAll('.ct-sheet:not([hidden]) .ct-hit-box')].map(b => {
            const h = b.getBoundingClientRect();
            return {left: (h.left - r.left) * k, top: (h.top - r.top) * k,
                    right: (h.right - r.left) * k, bottom: (h.bottom - r.top) * k};
        }), k];
    }""")


def _inside(box: dict, drawn: tuple, slack: float) -> bool:
    return (box["left"] >= drawn[0] - slack and box["right"] <= drawn[2] + slack
            and box["top"] >= drawn[1] - slack and box["bottom"] <= drawn[3] + slack)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("query, line, label", [
    (ID, f"公民身份号码 {ID}", "公民身份号码 "),
    ("李四", "姓名 李四 缴费年限 15年", "姓名 "),
])
def test_the_highlight_boxes_sit_on_the_searched_word(browser, live_server, clerk, ingested,
                                                       query, line, label):
    engine, record = ingested
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, "li.na")
    start_visit(page, live_server)
    page.goto(f"{live_server.url}/counter/record/{record.pk}/?q={query}")
    page.wait_for_function("() => document.querySelector('.ct-sheet:not([hidden]) img').complete")
    boxes, _ = _hit_boxes_in_page_pixels(page)
    assert boxes, f"{engine}: no highlight for {query}"
    drawn = _drawn_boxes()[line]
    # The searched word starts after its printed label.
    label_end = drawn[0] + samples._font(44).getlength(label)
    for box in boxes:
        assert _inside(box, drawn, slack=12), (engine, box, drawn)
        assert box["left"] >= label_end - 12, (engine, box, label_end)
    covered = (min(b["left"] for b in boxes), max(b["right"] for b in boxes))
    word_width = samples._font(44).getlength(query)
    assert covered[1] - covered[0] >= 0.6 * word_width, (engine, covered, word_width)
    page.screenshot(path=ARTIFACTS / f"counter-ocr-{engine}-{'id' if query == ID else 'name'}.png",
                    full_page=True)
