"""Repeated wrong passwords lock the username and the address; the audit trail stays bounded."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from archive.models import AuditEvent

pytestmark = pytest.mark.django_db

GOOD = "correct-horse-42"


def _sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("wagtailadmin_login"), {"username": username, "password": password},
                       REMOTE_ADDR=ip)


def _signed_in(response) -> bool:
    return response.status_code == 302


def test_six_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(client, officer):
    for _ in range(6):
        assert not _signed_in(_sign_in(client, "wang.fang", "wrong"))
    response = _sign_in(client, "wang.fang", GOOD)
    assert not _signed_in(response)
    # The sign-in page says the account is locked, not that the password is wrong.
    errors = response.context["form"].non_field_errors().as_data()
    assert [e.code for e in errors] == ["locked"]
    assert escape(errors[0].messages[0]) in response.content.decode()


def test_a_locked_account_signs_in_again_after_the_lockout(client, officer, settings):
    settings.LOGIN_LOCKOUT_SECONDS = 1
    for _ in range(6):
        _sign_in(client, "wang.fang", "wrong")
    import time
    time.sleep(1.2)
    assert _signed_in(_sign_in(client, "wang.fang", GOOD))


def test_another_account_from_the_same_address_is_locked_only_at_the_address_threshold(
        client, officer, clerk, settings):
    settings.LOGIN_FAILURES_PER_IP = 8
    for _ in range(6):
        _sign_in(client, "wang.fang", "wrong")
    assert _signed_in(_sign_in(client, "li.na", GOOD))
    client.logout()
    _sign_in(client, "li.na", "wrong")
    _sign_in(client, "li.na", "wrong")  # the address's 8th failure
    assert not _signed_in(_sign_in(client, "li.na", GOOD))
    # Another address is not locked for li.na: only her own counter (2) applies.
    assert _signed_in(_sign_in(client, "li.na", GOOD, ip="10.0.0.2"))


def test_a_successful_sign_in_resets_the_username_counter(client, officer):
    for _ in range(4):
        _sign_in(client, "wang.fang", "wrong")
    assert _signed_in(_sign_in(client, "wang.fang", GOOD))
    client.logout()
    for _ in range(4):
        _sign_in(client, "wang.fang", "wrong")
    assert _signed_in(_sign_in(client, "wang.fang", GOOD))


def test_forty_failures_write_the_first_failure_and_the_lockout_only(client, officer):
    for _ in range(40):
        _sign_in(client, "wang.fang", "wrong")
    failed = AuditEvent.objects.filter(action="login_failed")
    locked = AuditEvent.objects.filter(action="login_locked")
    assert failed.count() == 1
    # The username's lockout at its 5th failure, the address's at its 20th; no more.
    assert sorted((e.details["scope"], e.details["failures"]) for e in locked) == [
        ("address", 20), ("username", 5)]
