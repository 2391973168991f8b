"""Upload in the admin: several files at once, then the batch's progress."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Record, RecordStatus
from ingest.inline import process_records
from ingest.models import Batch
from tests.catalog import factories
from tests.ingest import samples

pytestmark = pytest.mark.django_db


def test_officer_uploads_several_files_and_sees_each_in_the_batch(client, officer, local_store):
    factories.fonds()
    client.force_login(officer)
    files = [SimpleUploadedFile("reg.png", samples.encode([samples.page_image(samples.REGISTRATION)],
                                                          "PNG")),
             SimpleUploadedFile("empty.jpg", b"")]
    response = client.post("/admin/ingest/upload/", {"files": files, "formed_on": "2013-04-01",
                                                     "stage": factories.stage("GL01").pk})
    assert response.status_code == 302
    batch = Batch.objects.get()
    assert response["Location"] == f"/admin/ingest/batch/{batch.pk}/"
    record = Record.objects.get()
    assert record.status == RecordStatus.RECEIVED
    process_records([record.pk], processes=1)

    progress = client.get(f"/admin/ingest/batch/{batch.pk}/", {"format": "json"}).json()
    assert progress["finished"] and progress["pages_done"] == progress["pages_total"] == 1
    rows = {row["source"]: row for row in progress["items"]}
    assert rows["reg.png"]["status"] == "ready"
    assert rows["reg.png"]["archive_code"] == "0211-GL·2013-Y-0001"
    assert rows["empty.jpg"]["errors"] == ["文件为空"]
    page = client.get(f"/admin/ingest/batch/{batch.pk}/").content.decode()
    assert "已就绪" in page and "文件为空" in page


def test_counter_staff_cannot_upload(client, clerk):
    client.force_login(clerk)
    assert client.get("/admin/ingest/upload/").status_code in (302, 403)


def test_officer_files_a_record_waiting_for_review(client, officer, local_store):
    from ingest.services import Source, batch_create, file_ingest
    factories.fonds()
    batch = batch_create(actor=None, source="test")
    item = file_ingest(actor=None, batch=batch, queue=False, source=Source(
        "note.png", samples.encode([samples.page_image(["2015年1月1日 说明"])], "PNG")))
    process_records([item.record_id], processes=1)
    record = Record.objects.get(pk=item.record_id)
    assert record.status == RecordStatus.NEEDS_REVIEW
    client.force_login(officer)
    assert "2015" in client.get(f"/admin/ingest/review/{record.pk}/").content.decode()
    response = client.post(f"/admin/ingest/review/{record.pk}/", {
        "title": "说明", "stage": factories.stage("GL04").pk, "formed_on": "2015-01-01",
        "retention": "", "sensitivity": "normal", "reason": "对照原件核对"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/ingest/review/"  # the queue is empty now
    record.refresh_from_db()
    assert (record.status, record.archive_code) == (RecordStatus.READY, "0211-GL·2015-F-0001")


def test_the_four_properties_result_is_shown_to_officers(client, officer, local_store):
    from ingest.services import Source, batch_create, file_ingest
    factories.fonds()
    item = file_ingest(actor=None, batch=batch_create(actor=None, source="t"), queue=False,
                       source=Source("reg.png", samples.encode(
                           [samples.page_image(samples.REGISTRATION)], "PNG")),
                       metadata={"stage": "GL01", "date": "2013-04-01"})
    process_records([item.record_id], processes=1)
    client.force_login(officer)
    listing = client.get("/admin/four_properties/").content.decode()
    assert "0211-GL·2013-Y-0001" in listing
    check = item.record.four_properties
    detail = client.get(f"/admin/four_properties/inspect/{check.pk}/").content.decode()
    # The items are stored as codes and shown in the officer's language.
    assert "固定性校验" in detail and "真实性" in detail and "fixity" not in detail
