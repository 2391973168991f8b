"""Members and units in the admin: the counter's visibility and masking rules, and audit."""

import pytest

from archive.models import AuditEvent
from catalog import services
from tests.catalog import factories

pytestmark = pytest.mark.django_db

SHOWN_ID = factories.citizen_id(seq="005")
HIDDEN_ID = factories.citizen_id(seq="003")
REVIEW_ID = factories.citizen_id(seq="007")


@pytest.fixture
def people():
    open_ = factories.record(title="公开件")
    restricted = factories.record(title="限制件")
    services.record_sensitivity_set(actor=None, record=restricted, sensitivity="restricted",
                                    reason="含诊断信息")
    in_review = factories.record(title="待审核件", status="processing")
    shown = services.member_create(actor=None, id_number=SHOWN_ID, name="李强")
    hidden = services.member_create(actor=None, id_number=HIDDEN_ID, name="张伟")
    reviewed = services.member_create(actor=None, id_number=REVIEW_ID, name="王敏")
    services.record_link_member(actor=None, record=open_, member=shown)
    services.record_link_member(actor=None, record=restricted, member=hidden)
    services.record_link_member(actor=None, record=in_review, member=reviewed)
    open_unit = services.unit_create(actor=None, name="公开单位有限公司",
                                     credit_code=factories.credit_code())
    hidden_unit = services.unit_create(actor=None, name="限制单位有限公司",
                                       credit_code=factories.credit_code(org_body="M0002000"))
    services.record_link_unit(actor=None, record=open_, unit=open_unit)
    services.record_link_unit(actor=None, record=restricted, unit=hidden_unit)
    return shown, hidden, reviewed, open_unit, hidden_unit


def _masked(number: str) -> str:
    return number[:6] + "*" * 8 + number[14:]


def test_a_clerk_lists_only_members_of_visible_records_with_masked_id_numbers(
        client, clerk, people):
    client.force_login(clerk)
    listing = client.get("/admin/member/").content.decode()
    assert "李强" in listing and _masked(SHOWN_ID) in listing
    assert SHOWN_ID not in listing
    assert "张伟" not in listing and "王敏" not in listing and HIDDEN_ID not in listing


def test_a_clerk_opens_only_visible_members_masked_and_the_read_is_audited(
        client, clerk, people):
    shown, hidden, reviewed, *_ = people
    client.force_login(clerk)
    assert client.get(f"/admin/member/inspect/{hidden.pk}/").status_code == 404
    assert client.get(f"/admin/member/inspect/{reviewed.pk}/").status_code == 404
    page = client.get(f"/admin/member/inspect/{shown.pk}/")
    assert page.status_code == 200
    assert SHOWN_ID not in page.content.decode() and _masked(SHOWN_ID) in page.content.decode()
    event = AuditEvent.objects.get(action="admin_view_member")
    assert (event.actor, event.object_id) == (clerk, str(shown.pk))


def test_a_clerk_s_search_by_id_number_is_audited_and_finds_no_hidden_member(
        client, clerk, people):
    client.force_login(clerk)
    assert "李强" in client.get("/admin/member/", {"q": SHOWN_ID}).content.decode()
    assert "张伟" not in client.get("/admin/member/", {"q": HIDDEN_ID}).content.decode()
    # A fragment of a number finds nobody for those who may not see numbers in full.
    assert "李强" not in client.get("/admin/member/", {"q": SHOWN_ID[:10]}).content.decode()
    searched = [e.details["text"] for e in
                AuditEvent.objects.filter(action="admin_search_member", actor=clerk)]
    assert searched == [SHOWN_ID, HIDDEN_ID, SHOWN_ID[:10]]


def test_a_clerk_sees_only_units_of_visible_records_and_the_inspect_is_audited(
        client, clerk, people):
    *_, open_unit, hidden_unit = people
    client.force_login(clerk)
    listing = client.get("/admin/unit/").content.decode()
    assert "公开单位" in listing and "限制单位" not in listing
    assert client.get(f"/admin/unit/inspect/{hidden_unit.pk}/").status_code == 404
    assert client.get(f"/admin/unit/inspect/{open_unit.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="admin_view_unit", actor=clerk,
                                     object_id=str(open_unit.pk)).count() == 1


def test_the_clerk_s_menu_has_no_member_or_unit_listing(client, clerk, officer, people):
    client.force_login(clerk)
    home = client.get("/admin/").content.decode()
    assert "/admin/member/" not in home and "/admin/unit/" not in home
    client.force_login(officer)
    home = client.get("/admin/").content.decode()
    assert "/admin/member/" in home and "/admin/unit/" in home


def test_an_officer_sees_every_member_with_the_full_id_number(client, officer, people):
    client.force_login(officer)
    listing = client.get("/admin/member/").content.decode()
    assert all(number in listing for number in (SHOWN_ID, HIDDEN_ID, REVIEW_ID))


def test_an_officer_still_sees_a_member_entered_before_any_record(client, officer, clerk):
    lonely = services.member_create(actor=None, id_number=factories.citizen_id(seq="009"),
                                    name="赵敏")
    client.force_login(officer)
    assert "赵敏" in client.get("/admin/member/").content.decode()
    client.force_login(clerk)
    assert client.get(f"/admin/member/inspect/{lonely.pk}/").status_code == 404
