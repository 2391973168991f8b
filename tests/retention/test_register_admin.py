"""The destruction registers' admin pages: Chinese, steps as buttons, no delete anywhere."""

from __future__ import annotations

import pytest
from django.urls import reverse

from archive.models import AuditEvent
from kernel import clock
from retention import services
from retention.models import DestructionRegister
from tests.archive.visible_text import english_words, visible_text
from tests.retention.batches import closed_batch
from tests.retention.factories import due_record

pytestmark = pytest.mark.django_db


def english(response, register) -> list[str]:
    assert response.status_code == 200, response.status_code
    allowed = {register.number, register.batch.number, register.content_sha256,
               "wang.fang", "chen.jie", "zhou.min", "JH03",
               *register.items.values_list("record__archive_code", flat=True),
               *register.items.values_list("record__title", flat=True)}
    return [line for line in visible_text(response.content.decode()).splitlines()
            if english_words(line, allowed=allowed)]


@pytest.fixture
def register(officer):
    (register,) = services.register_build(actor=officer, batch=closed_batch(
        [due_record(stage_code="ZJ02.01", formed_on=__import__("datetime").date(1990, 5, 1)),
         due_record()]))
    return register


def action(register, name):
    return reverse("retention_register_action", args=[register.pk, name])


def test_the_listing_and_the_register_page_are_chinese(client, officer, register):
    client.force_login(officer)
    listing = client.get(reverse("destruction_registers:index"))
    assert not english(listing, register)
    text = visible_text(listing.content.decode())
    assert register.number in text and "编制中" in text
    page = client.get(reverse("destruction_registers:inspect", args=[register.pk]))
    assert not english(page, register)
    text = visible_text(page.content.decode())
    for expected in ("销毁清册", "提交清册", "单位负责人", "会计机构负责人", "下载 PDF", "序号", "档号"):
        assert expected in text, expected
    assert "/delete/" not in page.content.decode() and "/edit/" not in page.content.decode()


def test_the_steps_are_buttons_through_the_services(client, officer, approver, register):
    client.force_login(officer)
    client.post(reverse("retention_register_signatories", args=[register.pk]),
                {"unit_head": "张伟", "archives_head": "李静", "accounting_head": "王强",
                 "handler": "赵敏"})
    client.post(action(register, "register_submit"))
    register.refresh_from_db()
    assert register.state == "submitted" and register.signatories["handler"] == "赵敏"
    client.force_login(approver)
    page = client.get(reverse("destruction_registers:inspect", args=[register.pk]))
    text = visible_text(page.content.decode())
    assert "审批通过" in text and "退回清册" in text and "退回理由" in text
    assert not english(page, register)
    response = client.post(action(register, "register_refuse"), {"reason": ""}, follow=True)
    assert "[required]" in visible_text(response.content.decode())
    register.refresh_from_db()
    assert register.state == "submitted"
    client.post(action(register, "register_approve"))
    register.refresh_from_db()
    assert register.state == "approved" and register.approved_by == approver
    client.force_login(officer)
    page = client.get(reverse("destruction_registers:inspect", args=[register.pk]))
    assert "登记备案" in visible_text(page.content.decode()) and not english(page, register)
    client.post(action(register, "register_file"),
                {"filed_on": clock.today().isoformat(), "reference": "人社档备〔2026〕12号"})
    register.refresh_from_db()
    assert register.state == "filed" and register.filing_reference == "人社档备〔2026〕12号"


def test_the_author_approving_is_refused_with_its_rule(client, officer, register):
    from django.contrib.auth.models import Group

    from archive.roles import group_name
    officer.groups.add(Group.objects.get(name=group_name("approver")))
    services.register_signatories_set(actor=officer, register=register, unit_head="张",
                                      archives_head="李", accounting_head="王", handler="赵")
    services.register_submit(actor=officer, register=register)
    client.force_login(officer)
    response = client.post(action(register, "register_approve"), follow=True)
    assert "[author_cannot_approve]" in visible_text(response.content.decode())
    register.refresh_from_db()
    assert register.state == "submitted"


def test_downloads_are_audited_with_the_file_digest(client, auditor, register):
    client.force_login(auditor)
    response = client.get(reverse("retention_register_download", args=[register.pk, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    xlsx = client.get(reverse("retention_register_download", args=[register.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert AuditEvent.objects.filter(action="register_export").count() == 2
    assert client.get(reverse("retention_register_download",
                              args=[register.pk, "exe"])).status_code == 404


def test_the_build_page_draws_up_the_registers_of_a_batch(client, officer, clerk):
    batch = closed_batch([due_record()])
    client.force_login(clerk)
    client.post(reverse("retention_register_build", args=[batch.pk]))
    assert not DestructionRegister.objects.exists()
    client.force_login(officer)
    assert client.get(reverse("retention_register_build", args=[batch.pk])).status_code == 405
    response = client.post(reverse("retention_register_build", args=[batch.pk]))
    register = DestructionRegister.objects.get()
    assert response.url == reverse("destruction_registers:inspect", args=[register.pk])


def test_registers_offer_no_delete_and_no_edit(client, officer, register):
    from wagtail.permissions import policy_registry

    client.force_login(officer)
    policy = policy_registry.get_by_type(DestructionRegister)
    assert not policy.user_has_permission(officer, "delete")
    assert not policy.user_has_permission(officer, "change")
    for name in ("delete", "edit"):
        try:
            url = reverse(f"destruction_registers:{name}", args=[register.pk])
        except Exception:
            continue
        assert client.post(url).status_code in (302, 403, 404, 405)
    assert DestructionRegister.objects.filter(pk=register.pk).exists()
