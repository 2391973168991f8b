"""The batch progress page: only for those who may see batches, and per row only what the
user may see of each record."""

import pytest

from ingest.services import Source, batch_create, file_ingest
from tests.catalog import factories
from tests.ingest import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(local_store):
    factories.fonds()
    # As the upload labels a batch: by its file names.
    batch = batch_create(actor=None, source="upload",
                         label="张伟-110105194912310021.png, empty.jpg")
    file_ingest(actor=None, batch=batch, queue=False, source=Source(
        "张伟-110105194912310021.png",
        samples.encode([samples.page_image(samples.REGISTRATION)], "PNG")))
    file_ingest(actor=None, batch=batch, queue=False, source=Source("empty.jpg", b""))
    return batch


def _progress(client, batch):
    return client.get(f"/admin/ingest/batch/{batch.pk}/", {"format": "json"})


def test_counter_staff_without_the_batch_permission_are_refused_the_progress_page(
        client, clerk, batch):
    client.force_login(clerk)
    # Wagtail's admin turns the refusal into a redirect to the dashboard with a message.
    for response in (_progress(client, batch), client.get(f"/admin/ingest/batch/{batch.pk}/")):
        assert response.status_code in (302, 403)
        assert "empty.jpg" not in response.content.decode()


def test_a_row_of_a_record_the_user_may_not_see_shows_no_name_code_or_errors(
        client, auditor, batch):
    # The auditor may see batches but not records still in ingest (received).
    client.force_login(auditor)
    response = _progress(client, batch)
    assert response.status_code == 200
    rows = response.json()["items"]
    assert len(rows) == 2
    hidden = next(r for r in rows if r["status"] != "refused")
    assert "110105194912310021" not in response.content.decode()
    assert (hidden["source"], hidden["archive_code"], hidden["record_id"], hidden["errors"]) == \
        ("", None, None, [])
    refused = next(r for r in rows if r["status"] == "refused")
    assert refused["source"] == "empty.jpg" and refused["errors"] == ["文件为空"]
    assert "110105194912310021" not in client.get(
        f"/admin/ingest/batch/{batch.pk}/").content.decode()


def test_an_officer_sees_every_row_of_the_batch(client, officer, batch):
    client.force_login(officer)
    sources = {r["source"] for r in _progress(client, batch).json()["items"]}
    assert sources == {"张伟-110105194912310021.png", "empty.jpg"}


def test_a_hidden_row_waiting_for_review_renders_without_its_link(client, auditor, batch):
    from catalog.models import Record
    from catalog.services import record_transition
    record = record_transition(actor=None, record=Record.objects.get(), transition="process")
    record_transition(actor=None, record=record, transition="review")
    client.force_login(auditor)
    page = client.get(f"/admin/ingest/batch/{batch.pk}/")
    assert page.status_code == 200 and "/admin/ingest/review/" not in page.content.decode()
