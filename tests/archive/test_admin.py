"""The back office: login everywhere, lists with filters, writes through services."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from archive.models import AuditEvent
from catalog.models import Record, Stage
from catalog.services import record_receive
from tests.catalog import factories

pytestmark = pytest.mark.django_db


def test_every_page_requires_login(client):
    for path in ["/", "/admin/", "/admin/record/", "/admin/auditevent/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_login_page_assets_are_served_before_login(client):
    # The sign-in page itself needs the icon sprite and translations.
    assert client.get(reverse("wagtailadmin_sprite")).status_code == 200
    assert client.get(reverse("wagtailadmin_javascript_catalog")).status_code == 200


def test_login_page_speaks_chinese_by_default(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_officer_lists_records_filtered_by_year_and_category(client, officer):
    factories.record(stage_code="GL01", formed_on=dt.date(2013, 4, 1), title="参保登记表")
    factories.record(stage_code="GL01", formed_on=dt.date(2014, 4, 1), title="变更登记表")
    factories.record(stage_code="ZJ01", formed_on=dt.date(2013, 4, 1), title="缴费基数核定表")
    client.force_login(officer)
    gl = Stage.objects.get(code="GL01").category_id
    page = client.get("/admin/record/", {"year": 2013, "category": gl}).content.decode()
    assert "参保登记表" in page
    assert "变更登记表" not in page and "缴费基数核定表" not in page


def test_officer_files_a_record_through_the_admin_form(client, officer):
    client.force_login(officer)
    fonds = factories.fonds()
    response = client.post("/admin/record/new/", {
        "fonds": fonds.pk, "stage": Stage.objects.get(code="GL02").pk, "title": "参保人员增员表",
        "formed_on": "2015-03-02", "retention": "", "volume": "", "page_start": "",
        "page_end": "", "item_number": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    record = Record.objects.get(title="参保人员增员表")
    assert record.archive_code == "0211-GL·2015-H-0001"
    assert AuditEvent.objects.filter(actor=officer, action="create", object_id=record.pk).exists()


def test_a_rule_broken_in_the_admin_form_shows_on_the_field(client, officer):
    client.force_login(officer)
    response = client.post("/admin/record/new/", {
        "fonds": factories.fonds().pk, "stage": Stage.objects.get(code="GL02").pk,
        "title": "期限过短", "formed_on": "2015-03-02",
        "retention": factories.retention("G").pk})
    assert response.status_code == 200
    assert "低于文件分类方案为 GL02 规定的最低保管期限" in response.content.decode()
    assert not Record.objects.filter(title="期限过短").exists()


def test_counter_staff_can_view_but_not_add_records(client, clerk):
    factories.record(stage_code="GL01", title="参保登记表")
    client.force_login(clerk)
    assert client.get("/admin/record/").status_code == 200
    assert client.get("/admin/record/new/").status_code in (302, 403)


def test_records_are_never_deleted_from_the_admin(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="correct-horse-42")
    record = factories.record(stage_code="GL01")
    client.force_login(admin)
    client.post(f"/admin/record/delete/{record.pk}/")
    assert Record.objects.filter(pk=record.pk).exists()


def test_schedule_versions_cannot_be_edited(client, officer):
    version = Stage.objects.get(code="GL01").retention_versions.first()
    client.force_login(officer)
    client.post(f"/admin/stageretention/edit/{version.pk}/", {"years": 5})
    version.refresh_from_db()
    assert version.years is None


def test_auditor_reads_the_audit_trail(client, auditor):
    factories.record(stage_code="GL01")
    client.force_login(auditor)
    page = client.get("/admin/auditevent/")
    assert page.status_code == 200
    # The object's kind by its model's name, not "catalog.Record".
    assert re.search(r"<td[^>]*>\s*档案（件）\s*</td>", page.content.decode())
    assert "catalog.Record" not in page.content.decode()


def test_every_editable_catalogue_model_saves_through_a_service():
    # An edit view without a service would save without an audit event.
    from catalog.wagtail_hooks import CatalogGroup
    for viewset in CatalogGroup.items:
        assert viewset.create_service is not None, viewset.__name__
        assert (viewset.update_service is not None or not viewset.editable
                or getattr(viewset, "edits_through", None)), viewset.__name__


def test_editing_a_fonds_in_the_admin_is_audited(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="correct-horse-42")
    fonds = factories.fonds()
    client.force_login(admin)
    response = client.post(f"/admin/fonds/edit/{fonds.pk}/", {"code": "0211", "name": "新名称"})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_type="catalog.Fonds", action="update").get()
    assert event.actor == admin and event.details["changed"]["name"][1] == "新名称"


def test_correcting_a_formation_date_in_the_admin_recomputes_the_due_date(client, officer):
    record = factories.record(stage_code="GL04", formed_on=dt.date(2018, 5, 1))
    client.force_login(officer)
    response = client.post(f"/admin/record/correct/{record.pk}/", {
        "title": record.title, "formed_on": "2019-02-01", "stage": record.stage_id,
        "retention": record.retention_id, "sensitivity": record.sensitivity, "volume": "",
        "page_start": "", "page_end": "", "reason": "按申报表日期更正"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.appraisal_due_on == dt.date(2030, 1, 1)
    event = AuditEvent.objects.get(object_type="catalog.Record", action="correct_formed_on")
    assert event.details["reason"] == "按申报表日期更正"


def test_the_plain_edit_form_saves_nothing_and_sends_to_the_corrections(client, officer):
    record = factories.record(stage_code="GL04", formed_on=dt.date(2018, 5, 1))
    client.force_login(officer)
    response = client.post(f"/admin/record/edit/{record.pk}/", {
        "title": "未说明理由的修改", "formed_on": "2019-02-01", "page_end": ""})
    assert response.status_code == 302
    assert response["Location"] == f"/admin/record/correct/{record.pk}/"
    record.refresh_from_db()
    assert (record.title, record.formed_on) != ("未说明理由的修改", dt.date(2019, 2, 1))
    assert not AuditEvent.objects.filter(object_type="catalog.Record",
                                         action__in=["update", "correct_title"]).exists()
    # A record not yet filed has nothing to correct: its edit link opens its page.
    unfiled, _ = record_receive(
        actor=None, fonds=record.fonds, title="待分类", original_sha256="ab" * 32)
    response = client.get(f"/admin/record/edit/{unfiled.pk}/")
    assert response["Location"] == f"/admin/record/inspect/{unfiled.pk}/"


def test_officer_adds_a_schedule_version_in_the_admin(client, officer):
    stage = Stage.objects.get(code="GL04")
    client.force_login(officer)
    response = client.post("/admin/stageretention/new/", {
        "stage": stage.pk, "retention": factories.retention("D").pk,
        "effective_from": "2026-01-01", "basis": "本地细则", "note": ""})
    assert response.status_code == 302, response.content.decode()[:500]
    assert stage.retention_versions.get(effective_from=dt.date(2026, 1, 1)).years == 30
    assert AuditEvent.objects.filter(object_type="catalog.StageRetention", actor=officer).exists()


def test_officer_adds_a_local_stage_with_its_first_retention(client, officer):
    client.force_login(officer)
    response = client.post("/admin/stage/new/", {
        "category": Stage.objects.get(code="JH01").category_id, "code": "JH90",
        "name": "稽核工作底稿", "scope": "", "retention": factories.retention("F").pk,
        "effective_from": "2026-01-01", "basis": ""})
    assert response.status_code == 302, response.content.decode()[:500]
    assert Stage.objects.get(code="JH90").retention_versions.get().years == 10


def test_counter_staff_cannot_read_the_audit_trail(client, clerk):
    client.force_login(clerk)
    response = client.get("/admin/auditevent/")
    assert response.status_code in (302, 403)


def test_auditor_cannot_change_records(client, auditor):
    record = factories.record(stage_code="GL01", title="原题名")
    client.force_login(auditor)
    client.post(f"/admin/record/edit/{record.pk}/", {"title": "改过的题名",
                                                     "formed_on": "2013-05-02"})
    record.refresh_from_db()
    assert record.title == "原题名"


def test_people_are_named_in_the_account_menu_and_the_audit_listing(client, auditor, officer):
    officer.first_name, officer.last_name = "芳", "王"
    officer.save()
    auditor.first_name, auditor.last_name = "磊", "赵"
    auditor.save()
    factories.record(stage_code="GL01", actor=officer)
    client.force_login(auditor)
    page = client.get("/admin/auditevent/").content.decode()
    # The account menu's props carry the signed-in auditor's full name in Chinese order.
    assert '"name": "\\u8d75\\u78ca"' in page or '"name": "赵磊"' in page
    rows = re.findall(r"<tr[^>]*>.*?</tr>", page, flags=re.S)
    created = [row for row in rows if "测试件" in row]
    assert created and all("王芳" in row and "wang.fang" not in row for row in created)
    by_system = [row for row in rows if "全宗" in row and "创建" in row]  # the factory's fonds
    assert by_system and all("系统" in row and "system" not in row for row in by_system)
