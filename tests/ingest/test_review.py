"""The review queue, the review form with the scan, and the back office's page images."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from archive.models import AuditEvent
from catalog.models import Record, RecordStatus, Sensitivity
from tests.archive import factories as pages
from tests.catalog import factories

pytestmark = pytest.mark.django_db

ID = factories.citizen_id()


def waiting(title: str, *, sensitivity: str = Sensitivity.NORMAL, lines=None) -> Record:
    """A record held for review, as the pipeline leaves it (its page stored)."""
    record = factories.record(title=title, stage_code="GL04", status=RecordStatus.PROCESSING,
                              sensitivity=sensitivity, formed_on=dt.date(2015, 1, 1))
    pages.page(record, lines or [title, f"公民身份号码 {ID}"])
    factories.in_review(record)
    return record


@pytest.fixture
def cataloguer(db, django_user_model):
    """Sun Li, may change records but not see restricted ones."""
    user = django_user_model.objects.create_user(username="sun.li", password="correct-horse-42")
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label__in=["catalog", "wagtailadmin"],
        codename__in=["access_admin", "view_record", "change_record", "view_page"]))
    return user


def filing(record, **overrides):
    return {"title": record.title, "stage": factories.stage("GL04").pk, "formed_on": "2015-01-01",
            "retention": "", "sensitivity": record.sensitivity, "reason": "对照原件核对",
            **overrides}


def test_the_menu_opens_the_queue_oldest_first(client, officer, local_store):
    first, second = waiting("第一件"), waiting("第二件")
    client.force_login(officer)
    html = client.get("/admin/ingest/review/").content.decode()
    assert html.index("第一件") < html.index("第二件")
    assert f"/admin/ingest/review/{first.pk}/" in html and f"/admin/ingest/review/{second.pk}/" in html
    assert "/admin/ingest/review/\"" in client.get("/admin/").content.decode()


def test_the_queue_shows_only_records_the_user_may_see(client, officer, cataloguer, clerk,
                                                       local_store):
    waiting("普通件")
    hidden = waiting("限制件", sensitivity=Sensitivity.RESTRICTED)
    client.force_login(officer)
    assert "限制件" in client.get("/admin/ingest/review/").content.decode()
    client.force_login(cataloguer)
    html = client.get("/admin/ingest/review/").content.decode()
    assert "普通件" in html and "限制件" not in html
    assert client.get(f"/admin/ingest/review/{hidden.pk}/").status_code == 404
    client.force_login(clerk)
    refused = client.get("/admin/ingest/review/")  # Wagtail answers a refusal with the dashboard
    assert refused.status_code in (302, 403) and "普通件" not in refused.content.decode()


def test_after_filing_the_next_record_in_the_queue_opens(client, officer, local_store):
    first, second = waiting("第一件"), waiting("第二件")
    client.force_login(officer)
    response = client.post(f"/admin/ingest/review/{first.pk}/", filing(first, title="第一件 更正"))
    assert response.status_code == 302
    assert response["Location"] == f"/admin/ingest/review/{second.pk}/"
    first.refresh_from_db()
    assert (first.status, first.title) == (RecordStatus.READY, "第一件 更正")
    assert AuditEvent.objects.filter(action="correct_title", object_id=str(first.pk),
                                     details__reason="对照原件核对").exists()
    response = client.post(f"/admin/ingest/review/{second.pk}/", filing(second), follow=True)
    assert response.redirect_chain[-1][0] == "/admin/ingest/review/"
    assert "待审核档案已全部处理完毕" in response.content.decode()
    again = client.get(f"/admin/ingest/review/{first.pk}/")  # filed already: back to the queue
    assert again.status_code == 302 and again["Location"] == "/admin/ingest/review/"


def test_the_review_form_shows_the_scan_with_the_suggested_code_boxed(client, officer,
                                                                       local_store):
    record = waiting("社会保险登记证")
    client.force_login(officer)
    html = client.get(f"/admin/ingest/review/{record.pk}/").content.decode()
    page = record.pages.get()
    assert f"/admin/ingest/scan/page/{page.pk}/image/" in html
    assert f"/admin/ingest/scan/page/{page.pk}/thumbnail/" in html
    assert "社会保险登记证" in html  # the OCR text beside the page


def test_a_linked_id_number_is_boxed_on_the_page(client, officer, local_store):
    from catalog import services
    record = waiting("社会保险登记证")
    member = services.member_create(actor=None, id_number=ID, name="张三")
    services.record_link_member(actor=None, record=record, member=member, source="suggested")
    client.force_login(officer)
    html = client.get(f"/admin/ingest/review/{record.pk}/").content.decode()
    assert html.count('class="ct-hit-box"') >= 1 and "<mark>" in html


def test_page_images_are_served_to_the_officer_and_audited_as_cataloguing(client, officer,
                                                                         local_store):
    record = waiting("社会保险登记证")
    page = record.pages.get()
    client.force_login(officer)
    client.get(f"/admin/ingest/review/{record.pk}/")
    viewed = AuditEvent.objects.get(action="counter_view_record", object_id=str(record.pk))
    assert viewed.details["purpose"] == "cataloguing" and viewed.details["purpose_text"] == "编目"
    response = client.get(f"/admin/ingest/scan/page/{page.pk}/image/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    event = AuditEvent.objects.filter(action="counter_view_page").last()
    assert event.actor == officer and event.details["purpose"] == "cataloguing"
    assert event.details["record"] == record.pk
    assert client.get(f"/admin/ingest/scan/page/{page.pk}/thumbnail/").status_code == 200


def test_page_images_are_refused_to_a_role_that_may_not_see_the_record(client, clerk,
                                                                       cataloguer, local_store):
    record = waiting("限制件", sensitivity=Sensitivity.RESTRICTED)
    page = record.pages.get()
    for user in (clerk, cataloguer):
        client.force_login(user)
        assert client.get(f"/admin/ingest/scan/page/{page.pk}/image/").status_code == 403
        assert client.get(f"/admin/ingest/scan/page/{page.pk}/thumbnail/").status_code == 403
    refusals = AuditEvent.objects.filter(action="counter_refused", object_id=str(record.pk))
    assert refusals.count() == 4
    assert {e.details["purpose"] for e in refusals} == {"cataloguing"}
    assert not AuditEvent.objects.filter(action="counter_view_page").exists()


def test_a_thumbnail_needs_the_scan_opened_first(client, officer, local_store):
    record = waiting("社会保险登记证")
    client.force_login(officer)
    assert client.get(f"/admin/ingest/scan/page/{record.pages.get().pk}/thumbnail/"
                      ).status_code == 403


def test_the_record_admin_shows_the_scan_and_corrects_the_stage_with_an_alias(client, officer,
                                                                             local_store):
    from archive.counter.selectors import record_by_archive_code
    record = factories.record(stage_code="GL04", formed_on=dt.date(2015, 1, 1))
    pages.page(record, ["社会保险登记证"])
    old = record.archive_code
    client.force_login(officer)
    inspect = client.get(f"/admin/record/inspect/{record.pk}/").content.decode()
    assert "/admin/ingest/scan/page/" in inspect and f"/admin/record/correct/{record.pk}/" in inspect
    form = {"title": record.title, "formed_on": "2015-01-01", "stage": factories.stage("YL01").pk,
            "retention": record.retention.pk, "sensitivity": "normal", "volume": "",
            "page_start": "", "page_end": "", "reason": "业务环节分错"}
    response = client.post(f"/admin/record/correct/{record.pk}/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    record.refresh_from_db()
    assert record.stage.code == "YL01" and record.archive_code != old
    assert record_by_archive_code(old) == record
    assert old in client.get(f"/admin/record/inspect/{record.pk}/").content.decode()


def test_a_refused_correction_names_the_rule_in_chinese(client, officer, local_store):
    record = factories.record(stage_code="GL02", formed_on=dt.date(2015, 1, 1))
    client.force_login(officer)
    form = {"title": record.title, "formed_on": "2015-01-01", "stage": record.stage.pk,
            "retention": factories.retention("F").pk, "sensitivity": "normal", "volume": "",
            "page_start": "", "page_end": "", "reason": "期限有误"}
    html = client.post(f"/admin/record/correct/{record.pk}/", form).content.decode()
    assert "低于" in html and "below_minimum" in html
    record.refresh_from_db()
    assert record.retention.code == "H"


def test_the_record_edit_link_opens_the_correction_page_with_the_scan(client, officer,
                                                                      local_store):
    record = factories.record(stage_code="GL04", formed_on=dt.date(2015, 1, 1))
    page = pages.page(record, ["社会保险登记证"])
    client.force_login(officer)
    response = client.get(f"/admin/record/edit/{record.pk}/", follow=True)
    assert response.redirect_chain == [(f"/admin/record/correct/{record.pk}/", 302)]
    html = response.content.decode()
    assert f"/admin/ingest/scan/page/{page.pk}/image/" in html
