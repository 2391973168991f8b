"""The one file preflight: each check names its rule; each entry point brings its limits."""

import io

import pytest

from catalog.models import RecordStatus
from ingest.inline import process_records
from ingest.preflight import MB, FileRefused, file_preflight
from ingest.services import Source, batch_create, file_ingest
from tests.catalog import factories
from tests.ingest import samples


def _tiff(pages: int) -> bytes:
    return samples.encode([samples.page_image([f"第{n}页"]) for n in range(pages)], "TIFF")


def _refused(data, **limits) -> FileRefused:
    with pytest.raises(FileRefused) as error:
        file_preflight(source=data, name="f", **{"max_bytes": MB, **limits})
    assert error.value.field == "file"
    return error.value


@pytest.mark.parametrize("data, limits, rule", [
    (b"", {}, "empty"),
    (b"%PDF-" + b"0" * MB, {}, "too_large"),
    (b"MZ\x90\x00 program", {}, "file_type"),
    (b"just some text", {}, "file_type"),
    (b"%PDF-1.4\n garbage that is no PDF", {"max_pages": 10}, "broken_pdf"),
    (samples.encrypted_pdf(), {"max_pages": 10}, "encrypted"),
    (_tiff(3), {"max_pages": 2}, "too_many_pages"),
], ids=["empty", "too_large", "executable", "text", "broken_pdf", "encrypted", "pages"])
def test_each_check_refuses_with_its_rule(data, limits, rule):
    assert _refused(data, **limits).rule == rule


def test_the_message_names_the_size_and_the_limit_in_mb():
    error = _refused(b"%PDF-" + b"0" * (2 * MB), max_bytes=2 * MB)
    assert f"{2 * MB + 5}" in error.message and "2 MB" in error.message


def test_a_file_is_measured_before_it_is_read():
    class Unread(io.BytesIO):
        def read(self, *args):
            raise AssertionError("read although it is over the limit")

    assert _refused(Unread(b"%PDF-" + b"0" * MB)).rule == "too_large"


def test_without_a_page_limit_the_file_is_not_opened():
    checked = file_preflight(source=samples.encrypted_pdf(), name="secret.pdf", max_bytes=MB)
    assert (checked.kind, checked.pages, checked.parser) == ("pdf", None, None)


def test_a_usable_file_comes_back_opened_with_its_pages_counted():
    checked = file_preflight(source=io.BytesIO(_tiff(2)), name="scan.tif", max_bytes=MB * 10,
                             max_pages=2)
    assert (checked.name, checked.kind, checked.content_type, checked.pages) == (
        "scan.tif", "tiff", "image/tiff", 2)
    assert checked.parser.page_count() == 2 and checked.data.startswith(b"II*\x00")
    checked.close()


@pytest.mark.django_db
def test_upload_and_pipeline_refuse_with_the_same_messages_as_the_preflight(local_store, settings):
    factories.fonds()
    settings.INGEST_MAX_PAGES = 1
    batch = batch_create(actor=None, source="test")
    item = file_ingest(actor=None, batch=batch, source=Source("two.tif", _tiff(2)), queue=False)
    process_records([item.record_id], processes=1)
    item.record.refresh_from_db()
    assert item.record.status == RecordStatus.FAILED
    assert item.record.errors == [_refused(_tiff(2), max_pages=1).message]
    settings.INGEST_MAX_FILE_MB = 1
    big = file_ingest(actor=None, batch=batch, source=Source("big.pdf", b"%PDF-" + b"0" * MB))
    assert big.refused and not big.original_sha256
    assert big.errors == [_refused(b"%PDF-" + b"0" * MB).message]
