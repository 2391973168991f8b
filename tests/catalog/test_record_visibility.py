"""The record admin shows each user only the records they may see."""

import pytest

from catalog import services
from catalog.models import Record
from tests.catalog import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    open_ = factories.record(title="参保缴费证明 公开件")
    restricted = factories.record(title="住院待遇核定 限制件")
    services.record_sensitivity_set(actor=None, record=restricted, sensitivity="restricted",
                                    reason="含诊断信息")
    in_review = factories.record(title="待审核件", status="processing")
    return open_, restricted, in_review


def test_a_counter_clerk_lists_and_opens_only_ready_unrestricted_records(client, clerk, records):
    open_, restricted, in_review = records
    client.force_login(clerk)
    listing = client.get("/admin/record/").content.decode()
    assert "公开件" in listing
    assert "限制件" not in listing and "待审核件" not in listing
    assert client.get(f"/admin/record/inspect/{open_.pk}/").status_code == 200
    assert client.get(f"/admin/record/inspect/{restricted.pk}/").status_code == 404
    assert client.get(f"/admin/record/inspect/{in_review.pk}/").status_code == 404


def test_an_archive_officer_sees_and_edits_every_record(client, officer, records):
    open_, restricted, in_review = records
    client.force_login(officer)
    listing = client.get("/admin/record/").content.decode()
    assert all(title in listing for title in ("公开件", "限制件", "待审核件"))
    assert client.get(f"/admin/record/inspect/{restricted.pk}/").status_code == 200
    assert client.get(f"/admin/record/correct/{restricted.pk}/").status_code == 200


def test_visible_to_follows_the_permissions(clerk, officer, records):
    open_, restricted, in_review = records
    assert set(Record.objects.visible_to(clerk)) == {open_}
    assert set(Record.objects.visible_to(officer)) == {open_, restricted, in_review}


def test_changing_sensitivity_needs_a_reason_and_is_audited(records):
    from archive.models import AuditEvent
    from catalog.errors import CatalogError
    open_ = records[0]
    with pytest.raises(CatalogError) as error:
        services.record_sensitivity_set(actor=None, record=open_, sensitivity="restricted",
                                        reason=" ")
    assert error.value.field == "reason"
    with pytest.raises(CatalogError) as error:
        services.record_sensitivity_set(actor=None, record=open_, sensitivity="secret",
                                        reason="x")
    assert error.value.field == "sensitivity"
    event = AuditEvent.objects.filter(action="sensitivity").latest("sequence")
    assert event.details == {"from": "normal", "to": "restricted", "reason": "含诊断信息"}
