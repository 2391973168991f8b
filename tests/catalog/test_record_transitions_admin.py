"""The record page offers the lifecycle's transitions as buttons, each taken through its service."""

import pytest

from archive.selectors import audit_events_for
from catalog import services
from catalog.models import Record, RecordStatus
from tests.catalog import factories

pytestmark = pytest.mark.django_db


def _failed():
    record = factories.record(title="扫描失败件", status=RecordStatus.PROCESSING)
    return services.record_transition(actor=None, record=record, transition="fail",
                                      errors=["第1页无法识别"])


def test_an_officer_sees_the_transitions_the_record_allows_now(client, officer):
    record = _failed()
    client.force_login(officer)
    page = client.get(f"/admin/record/inspect/{record.pk}/").content.decode()
    assert f"/admin/record/transition/{record.pk}/process/" in page
    assert "/ready/" not in page and "/destroy/" not in page


def test_taking_a_transition_asks_first_then_applies_and_audits(client, officer):
    record = _failed()
    client.force_login(officer)
    url = f"/admin/record/transition/{record.pk}/process/"
    confirm = client.get(url)
    assert confirm.status_code == 200 and Record.objects.get(pk=record.pk).status == "failed"
    assert "对本档案" in confirm.content.decode() and "It is now" not in confirm.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert Record.objects.get(pk=record.pk).status == RecordStatus.PROCESSING
    assert audit_events_for(record, actions=["process"]).get().actor == officer


def test_a_refused_transition_says_why_and_changes_nothing(client, officer):
    record = factories.record()  # ready: processing again is not allowed
    client.force_login(officer)
    response = client.post(f"/admin/record/transition/{record.pk}/process/", follow=True)
    assert "[transition]" in response.content.decode()
    assert Record.objects.get(pk=record.pk).status == RecordStatus.READY


def test_destruction_is_not_offered_here(client, officer):
    record = factories.record()
    client.force_login(officer)
    assert client.get(f"/admin/record/transition/{record.pk}/destroy/").status_code == 404


def test_a_clerk_can_take_no_transition(client, clerk):
    record = factories.record()
    client.force_login(clerk)
    page = client.get(f"/admin/record/inspect/{record.pk}/").content.decode()
    assert "/transition/" not in page
    # Wagtail answers a refused permission by sending the user back to the dashboard.
    assert client.post(f"/admin/record/transition/{record.pk}/fail/").status_code in (302, 403)
    assert Record.objects.get(pk=record.pk).status == RecordStatus.READY
    assert not audit_events_for(record, actions=["fail"]).exists()
