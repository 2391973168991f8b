"""One page's extraction: stored once, read as scanned, thumbnail right, few queries."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image, ImageChops, ImageStat

from archive.models import AuditEvent, StoredObject
from catalog.models import Page, RecordStatus
from ingest import pipeline
from ingest.inline import process_records
from ingest.ocr import ocr_backend
from ingest.page_images import THUMBNAIL_SIZE
from ingest.services import Source, batch_create, file_ingest
from tests.catalog import factories
from tests.ingest import samples

pytestmark = pytest.mark.django_db

# An upright greyscale page is stored as uploaded, so only its thumbnail is stored
# (one object); the rest is the page row, read once and written once.
MAX_QUERIES_AS_UPLOADED = 9
MAX_QUERIES_REENCODED = 16


@pytest.fixture(autouse=True)
def archive(local_store):
    factories.fonds()
    return local_store


def _prepared(name: str, data: bytes) -> Page:
    batch = batch_create(actor=None, source="test")
    item = file_ingest(actor=None, batch=batch, source=Source(name, data),
                       metadata={"stage": "GL01", "date": "2013-04-01"}, queue=False)
    page_ids = pipeline.prepare_record(item.record_id)
    return Page.objects.get(pk=page_ids[0])


def _scan(fmt: str, mode: str = "L") -> bytes:
    return samples.encode([samples.page_image(samples.REGISTRATION).convert(mode)], fmt)


def _png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image


def _mean_difference(a: Image.Image, b: Image.Image) -> float:
    return ImageStat.Stat(ImageChops.difference(a.convert("L"), b.convert("L"))).mean[0]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_upright_greyscale_scan_is_kept_and_read_as_uploaded(fmt, local_store, tmp_path):
    data = _scan(fmt)
    page = _prepared(f"reg.{fmt.lower()}", data)
    with CaptureQueriesContext(connection) as queries:
        page = pipeline.extract_page(page.pk)
    assert len(queries.captured_queries) <= MAX_QUERIES_AS_UPLOADED
    # No second copy of the scan: the page image is the original, and the engine read its bytes.
    assert page.object_sha256 == page.record.original_sha256
    assert (page.width, page.height) == (1240, 1754) and page.dpi in (149, 150)
    path = tmp_path / f"reg.{fmt.lower()}"
    path.write_bytes(data)
    assert page.text == ocr_backend().recognise_file(path).text
    assert "参保单位登记表" in page.text
    thumb = _png(local_store.get(page.thumbnail_sha256))
    assert max(thumb.size) == THUMBNAIL_SIZE[1] and thumb.size[0] == round(256 * 1240 / 1754)
    # Decoded at a reduced scale (JPEG) or whole (PNG): it still shows the page.
    expected = Image.open(io.BytesIO(data)).convert("L")
    expected.thumbnail(THUMBNAIL_SIZE)
    assert _mean_difference(thumb, expected) < 3
    stored = Page.objects.get(pk=page.pk)  # the row says what the returned page says
    assert (stored.text, stored.thumbnail_sha256, stored.text_done_at) == (
        page.text, page.thumbnail_sha256, page.text_done_at)


def test_colour_scan_is_stored_as_a_greyscale_png_once(local_store):
    page = _prepared("reg.png", _scan("PNG", "RGB"))
    with CaptureQueriesContext(connection) as queries:
        page = pipeline.extract_page(page.pk)
    assert len(queries.captured_queries) <= MAX_QUERIES_REENCODED
    assert page.object_sha256 != page.record.original_sha256
    image = _png(local_store.get(page.object_sha256))
    assert image.mode == "L" and image.size == (1240, 1754)
    assert page.text == ocr_backend().recognise_image(image).text
    assert "参保单位登记表" in page.text
    assert _png(local_store.get(page.thumbnail_sha256)).size == (181, 256)


def test_redelivered_page_stores_and_audits_nothing_again(local_store):
    page = _prepared("reg.tif", samples.encode([samples.page_image(samples.REGISTRATION),
                                                samples.page_image(samples.CONTRIBUTION)], "TIFF"))
    first = pipeline.extract_page(page.pk)
    rows, events = StoredObject.objects.count(), AuditEvent.objects.count()
    objects = sorted(local_store.list())
    with CaptureQueriesContext(connection) as queries:
        again = pipeline.extract_page(page.pk)
    assert len(queries.captured_queries) == 1  # the page row, found done
    assert (again.text, again.object_sha256, again.thumbnail_sha256, again.text_done_at) == (
        first.text, first.object_sha256, first.thumbnail_sha256, first.text_done_at)
    assert StoredObject.objects.count() == rows and AuditEvent.objects.count() == events
    assert sorted(local_store.list()) == objects


def test_every_page_of_a_scan_has_its_own_image_thumbnail_and_text(local_store):
    data = samples.encode([samples.page_image(samples.REGISTRATION),
                           samples.page_image(samples.CONTRIBUTION)], "TIFF")
    batch = batch_create(actor=None, source="test")
    item = file_ingest(actor=None, batch=batch, source=Source("two.tif", data),
                       metadata={"stage": "GL01", "date": "2013-04-01"}, queue=False)
    process_records([item.record_id], processes=1)
    item.record.refresh_from_db()
    assert item.record.status == RecordStatus.READY, item.record.errors
    first, second = item.record.pages.order_by("number")
    assert "参保单位登记表" in first.text and "缴费基数核定表" in second.text
    shas = {first.object_sha256, second.object_sha256, first.thumbnail_sha256,
            second.thumbnail_sha256}
    assert len(shas) == 4 and StoredObject.objects.filter(sha256__in=shas).count() == 4
    # Derived objects are not audited one by one; the original's arrival is.
    assert not AuditEvent.objects.filter(action="store", object_id__in=shas).exists()
