"""The admin dashboard counts only what the signed-in user may see."""

import re

import pytest

from catalog import services
from tests.catalog import factories

pytestmark = pytest.mark.django_db


def _counts(client) -> dict[str, int]:
    html = client.get("/admin/").content.decode()
    return {label.strip(): int(count) for count, label in
            re.findall(r"<span>(\d+)</span>\s*([^<]+)</a>", html)}


@pytest.fixture
def holdings():
    open_ = factories.record(title="公开件")
    restricted = factories.record(title="限制件")
    services.record_sensitivity_set(actor=None, record=restricted, sensitivity="restricted",
                                    reason="含诊断信息")
    factories.record(title="待审核件", status="processing")
    hidden = services.member_create(actor=None, id_number=factories.citizen_id(seq="003"),
                                    name="张伟")
    services.record_link_member(actor=None, record=restricted, member=hidden)
    shown = services.member_create(actor=None, id_number=factories.citizen_id(seq="005"),
                                   name="李强")
    services.record_link_member(actor=None, record=open_, member=shown)
    return open_


def test_a_clerk_s_dashboard_counts_only_records_and_members_the_clerk_may_open(
        client, clerk, holdings):
    client.force_login(clerk)
    counts = _counts(client)
    assert counts["件档案"] == 1
    assert counts.get("名参保人", 1) == 1  # 张伟's only record is restricted


def test_an_officer_s_dashboard_counts_every_record(client, officer, holdings):
    client.force_login(officer)
    assert _counts(client)["件档案"] == 3
