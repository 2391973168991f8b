"""The hold admin: listing, place form, detail with the records covered, change, release, report."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from archive.models import AuditEvent
from retention.models import Hold, HoldState
from tests.archive.visible_text import english_words, visible_text
from tests.catalog import factories as catalog
from tests.retention.factories import due_record
from tests.retention.holds import hold


@pytest.fixture
def named(officer):
    officer.first_name, officer.last_name = "芳", "王"
    officer.save()
    return officer


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return visible_text(response.content.decode())


def _english(text: str, *allowed) -> list[str]:
    return english_words(text, allowed=set(allowed))


@pytest.mark.parametrize("role", ["officer", "auditor"])
def test_listing_and_detail_are_chinese_with_names_and_counts(client, named, auditor, role):
    records = [due_record(), due_record(sensitivity="restricted")]
    placed = hold(named, records=records, name="稽核冻结")
    viewer = named if role == "officer" else auditor
    client.force_login(viewer)
    listing = _text(client.get(reverse("hold:index")))
    assert placed.number in listing and "稽核冻结" in listing and "稽核未结" in listing
    assert "冻结中" in listing and "王芳" in listing and "wang.fang" not in listing
    assert "下载 PDF" in listing and "下载 XLSX" in listing
    assert not _english(listing, viewer.username), listing
    detail = _text(client.get(reverse("hold:inspect", args=[placed.pk])))
    assert "共涉及 2 件" in detail and records[0].archive_code in detail
    assert "王芳" in detail and "None" not in detail and "True" not in detail
    assert ("变更" in detail) == (role == "officer")
    assert ("解除冻结" in detail) == (role == "officer")
    html = client.get(reverse("hold:inspect", args=[placed.pk])).content.decode()
    assert reverse("hold:delete", args=[placed.pk]) not in html
    assert reverse("hold:edit", args=[placed.pk]) not in html
    assert not _english(detail, viewer.username, *[r.archive_code for r in records]), detail
    assert client.get(reverse("hold:edit", args=[placed.pk])).status_code in (302, 403, 404)
    assert client.get(reverse("hold:delete", args=[placed.pk])).status_code in (302, 403, 404)
    assert Hold.objects.filter(pk=placed.pk).exists()


def test_the_listing_filters_by_kind_and_state(client, officer):
    audit = hold(officer, records=[due_record()], name="稽核甲")
    lawsuit = hold(officer, records=[due_record()], name="诉讼乙", kind="litigation")
    client.force_login(officer)
    text = _text(client.get(reverse("hold:index"), {"kind": "litigation"}))
    assert lawsuit.number in text and audit.number not in text
    text = _text(client.get(reverse("hold:index"), {"state": "released"}))
    assert lawsuit.number not in text and audit.number not in text
    text = _text(client.get(reverse("hold:index"), {"q": "诉讼"}))
    assert lawsuit.number in text and audit.number not in text


def test_the_detail_shows_only_records_the_viewer_may_see_and_pages(client, officer, clerk,
                                                                     django_user_model):
    from django.contrib.auth.models import Permission
    records = [due_record() for _ in range(55)]
    restricted = due_record(sensitivity="restricted")
    placed = hold(officer, records=[*records, restricted])
    client.force_login(officer)
    first = _text(client.get(reverse("hold:inspect", args=[placed.pk])))
    assert "共涉及 56 件" in first and "第 1 页，共 2 页" in first
    # A reader without the restricted right sees the hold, not the restricted record.
    clerk.user_permissions.add(Permission.objects.get(codename="view_hold"))
    clerk = django_user_model.objects.get(pk=clerk.pk)
    client.force_login(clerk)
    page = _text(client.get(reverse("hold:inspect", args=[placed.pk]), {"p": 2}))
    assert "共涉及 55 件" in page and restricted.archive_code not in page
    assert "变更" not in page and "解除冻结" not in page


def test_placing_through_the_form_by_archive_code(client, officer):
    first, second = due_record(), due_record()
    client.force_login(officer)
    form = _text(client.get(reverse("hold:add")))
    assert "档号" in form and "冻结原因" in form or "原因" in form
    assert not _english(form, officer.username), form
    response = client.post(reverse("hold:add"), {
        "name": "稽核", "kind": "audit", "reason": "审计署稽核未结",
        "archive_codes": f"{first.archive_code}\n{second.archive_code}"})
    placed = Hold.objects.get()
    assert response.status_code == 302 and response.url == reverse("hold:inspect",
                                                                   args=[placed.pk])
    assert set(placed.chosen.values_list("record_id", flat=True)) == {first.pk, second.pk}
    assert AuditEvent.objects.get(action="hold_place").actor_id == officer.pk


def test_the_form_shows_a_refusal_with_its_rule(client, officer):
    client.force_login(officer)
    text = _text(client.post(reverse("hold:add"), {"name": "稽核", "kind": "audit",
                                                   "reason": "审计署稽核未结"}))
    assert "[no_scope]" in text
    text = _text(client.post(reverse("hold:add"), {
        "name": "稽核", "kind": "audit", "reason": "审计", "category": catalog.stage(
            "YL01").category.pk, "stage": catalog.stage("GL04").pk}))
    assert "[stage_not_in_category]" in text
    text = _text(client.post(reverse("hold:add"), {"name": "稽核", "kind": "audit",
                                                   "reason": "审计", "archive_codes": "没有"}))
    assert "没有" in text
    assert not Hold.objects.exists()


def test_a_clerk_cannot_list_or_place_holds(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("hold:index")).status_code in (302, 403)
    assert client.get(reverse("hold:add")).status_code in (302, 403)


def test_change_and_release_with_a_reason_from_the_buttons(client, officer):
    first, second = due_record(), due_record()
    placed = hold(officer, records=[first])
    client.force_login(officer)
    page = _text(client.get(reverse("hold:change", args=[placed.pk])))
    assert "变更原因" in page and not _english(page, officer.username), page
    response = client.post(reverse("hold:change", args=[placed.pk]), {
        "name": "稽核（补充）", "kind": "audit", "add_codes": second.archive_code,
        "remove_codes": "", "reason": "补充调卷"})
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="hold_change").details["reason"] == "补充调卷"
    text = _text(client.post(reverse("hold:release", args=[placed.pk]), {"reason": " "}))
    assert Hold.objects.get(pk=placed.pk).state == HoldState.ACTIVE and "解除" in text
    response = client.post(reverse("hold:release", args=[placed.pk]), {"reason": "稽核已结"})
    assert response.status_code == 302
    released = Hold.objects.get(pk=placed.pk)
    assert released.state == HoldState.RELEASED and released.release_reason == "稽核已结"
    detail = _text(client.get(reverse("hold:inspect", args=[placed.pk])))
    assert "已解除" in detail and "稽核已结" in detail
    assert reverse("hold:release", args=[placed.pk]) not in client.get(
        reverse("hold:inspect", args=[placed.pk])).content.decode()
    assert client.get(reverse("hold:change", args=[placed.pk])).status_code == 200
    text = _text(client.post(reverse("hold:change", args=[placed.pk]), {
        "name": "又改", "kind": "audit", "reason": "再改"}))
    assert "[not_active]" in text


def test_the_report_downloads_from_the_listing_as_xlsx_and_pdf(client, officer):
    catalog.fonds()
    hold(officer, records=[due_record()], name="=1+1")
    hold(officer, records=[due_record()], name="诉讼", kind="litigation")
    client.force_login(officer)
    response = client.get(reverse("hold:report", args=["xlsx"]), {"kind": "audit"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="holds-')
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[4:]] == ["'=1+1"]
    event = AuditEvent.objects.get(action="export_register")
    assert event.details["sha256"] == response["X-Content-SHA256"]
    assert event.details["filters"] == {"kind": "audit"}
    pdf = client.get(reverse("hold:report", args=["pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_clerk_cannot_download_the_report(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("hold:report", args=["pdf"])).status_code in (302, 403)
