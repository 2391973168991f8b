"""Files that would exhaust memory or fail late are refused at validation, with the reason."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from PIL import Image

from catalog.models import Page, Record, RecordStatus
from ingest.core.models import CoreDocument
from ingest.inline import process_records
from ingest.parsers import MAX_IMAGE_PIXELS
from ingest.preflight import MB, FileRefused, file_preflight
from ingest.services import Source, batch_create, file_ingest
from archive.storage import object_store
from tests.catalog import factories as catalog_factories
from tests.ingest import factories as f
from tests.ingest import samples


def _pdf(points: float, *, text: str = "") -> bytes:
    """A one-page PDF of ``points`` × ``points``, with a text layer when ``text`` is given."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(points, points))
    if text:
        pdf.setFont("Helvetica", 16)
        pdf.drawString(72, points - 100, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _truncated_tiff() -> bytes:
    """A two-page uncompressed scan cut short in its last page's pixels; both pages count."""
    first, second = (samples.page_image([f"第{n}页"]) for n in (1, 2))
    buffer = io.BytesIO()
    first.save(buffer, format="TIFF", save_all=True, append_images=[second], dpi=(150, 150))
    return buffer.getvalue()[:-1000]


def _over_budget_png() -> bytes:
    """A PNG between Pillow's own limit and twice it (where Pillow only warns)."""
    side = int((MAX_IMAGE_PIXELS * 1.2) ** 0.5)
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, format="PNG")
    return buffer.getvalue()


def _refused(data: bytes) -> FileRefused:
    with pytest.raises(FileRefused) as error, translation.override("en"):
        file_preflight(source=data, name="f", max_bytes=50 * MB, max_pages=10).close()
    return error.value


@pytest.mark.parametrize("points, text, pixels", [
    (14400, "", "60000 x 60000"),          # a scan page: rendered at 300 dpi
    (14400, "text layer", "30000 x 30000"),  # a text page: rendered at 150 dpi
    (5000, "", "20834 x 20834"),
])
def test_a_pdf_page_over_the_pixel_budget_is_refused_with_its_size(points, text, pixels):
    error = _refused(_pdf(points, text=text))
    assert error.rule == "page_too_large"
    assert f"{points} x {points} pt" in error.message and pixels in error.message


def test_a_text_page_is_measured_at_the_resolution_it_is_rendered_at():
    # 5000 pt at 150 dpi is 108 Mpx, within the budget; at 300 dpi it would not be.
    checked = file_preflight(source=_pdf(5000, text="text layer"), name="f", max_bytes=MB,
                             max_pages=10)
    assert checked.pages == 1
    checked.close()


def test_an_image_over_the_pixel_budget_is_an_error_not_a_warning():
    error = _refused(_over_budget_png())
    assert error.rule == "decompression_bomb"


def test_the_pixel_budget_leaves_pillow_itself_unchanged_for_other_code():
    import warnings
    _refused(_over_budget_png())
    assert not any(f[2] is Image.DecompressionBombWarning and f[0] == "error"
                   for f in warnings.filters)


def test_a_truncated_tiff_is_refused_at_validation_with_the_page_named():
    error = _refused(_truncated_tiff())
    assert error.rule == "broken_image" and "page 2" in error.message


@pytest.fixture
def core(local_store):
    catalog_factories.fonds()
    return f.core_client()


@pytest.mark.django_db
@pytest.mark.parametrize("data, name, rule", [
    (_pdf(14400), "huge.pdf", "page_too_large"),
    (_pdf(5000), "big.pdf", "page_too_large"),
    (_truncated_tiff(), "cut.tif", "broken_image"),
], ids=["14400pt", "5000pt", "truncated_tiff"])
def test_the_core_api_refuses_the_file_and_files_nothing(client, core, data, name, rule):
    _, token = core
    response = f.push(client, token, data=data, name=name)
    assert response.status_code == 400, response.json()
    assert ("file", rule) in {(e["field"], e["rule"]) for e in response.json()["errors"]}
    assert not Record.objects.exists() and not CoreDocument.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("data, name", [
    (_pdf(14400), "huge.pdf"),
    (_truncated_tiff(), "cut.tif"),
], ids=["14400pt", "truncated_tiff"])
def test_an_upload_refused_at_validation_keeps_its_original_and_no_pages(local_store, data,
                                                                         name):
    catalog_factories.fonds()
    batch = batch_create(actor=None, source="test")
    item = file_ingest(actor=None, batch=batch, source=Source(name, data), queue=False)
    process_records([item.record_id], processes=1)
    record = Record.objects.get(pk=item.record_id)
    assert record.status == RecordStatus.FAILED
    assert object_store().get(record.original_sha256) == data
    assert not Page.objects.filter(record=record).exists()
    with pytest.raises(FileRefused) as refusal:
        file_preflight(source=data, name=name, max_bytes=50 * MB, max_pages=10)
    assert record.errors == [refusal.value.message]  # the validation's reason, the page named


def test_a_page_task_measures_the_page_before_rendering_it():
    from ingest.parsers import InvalidFile, open_parser

    parser = open_parser("pdf", _pdf(5000))
    with pytest.raises(InvalidFile) as error:
        parser.page(0)
    parser.close()
    assert error.value.rule == "page_too_large"
