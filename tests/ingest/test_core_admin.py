"""The core intake in the Wagtail admin: the mapping is edited there, the rest is read-only."""

from __future__ import annotations

import pytest

from archive.models import AuditEvent
from catalog.models import RetentionPeriod, Stage
from ingest.core.models import BusinessType

pytestmark = pytest.mark.django_db


def test_officer_edits_the_mapping_in_the_admin(client, officer):
    client.force_login(officer)
    listing = client.get("/admin/core_business_types/")
    assert listing.status_code == 200 and "社会保险费申报表" in listing.content.decode()
    mapping = BusinessType.objects.get(code="payment_certificate")
    response = client.post(f"/admin/core_business_types/edit/{mapping.pk}/", {
        "name": "缴费证明（个人）", "stage": Stage.objects.get(code="ZJ06").pk,
        "retention": RetentionPeriod.objects.get(code="E").pk, "active": "on",
        "sort_order": 13})
    assert response.status_code == 302, response.content.decode()[-2000:]
    mapping.refresh_from_db()
    assert (mapping.name, mapping.retention.code) == ("缴费证明（个人）", "E")
    assert AuditEvent.objects.filter(action="core_mapping_update", actor=officer).exists()


def test_a_mapping_below_the_minimum_shows_on_the_retention_field(client, officer):
    client.force_login(officer)
    mapping = BusinessType.objects.get(code="audit_report")
    response = client.post(f"/admin/core_business_types/edit/{mapping.pk}/", {
        "name": mapping.name, "stage": mapping.stage.pk,
        "retention": RetentionPeriod.objects.get(code="G").pk, "active": "on", "sort_order": 15})
    assert response.status_code == 200
    assert "below_minimum" in response.content.decode()
    mapping.refresh_from_db()
    assert mapping.retention is None


def test_counter_staff_cannot_see_the_core_intake(client, clerk):
    client.force_login(clerk)
    assert client.get("/admin/core_business_types/").status_code in (302, 403)
    assert client.get("/admin/core_documents/").status_code in (302, 403)


def test_auditor_reads_pushed_documents_and_callbacks(client, auditor):
    client.force_login(auditor)
    assert client.get("/admin/core_documents/").status_code == 200
    assert client.get("/admin/core_callbacks/").status_code == 200
    assert client.get("/admin/core_clients/").status_code == 200
    assert client.get("/admin/core_business_types/").status_code == 200
