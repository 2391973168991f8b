"""Behind the TLS proxy, lockouts, throttles and the audit trail count each client's address."""

from __future__ import annotations

import pytest
from django.urls import reverse

from archive.models import AuditEvent

pytestmark = pytest.mark.django_db

PROXY = "172.18.0.1"


@pytest.fixture(autouse=True)
def behind_the_proxy(settings):
    settings.ARCHIVE_TRUSTED_PROXIES = ["172.16.0.0/12"]


def _sign_in(client, username, password, client_ip):
    return client.post(reverse("wagtailadmin_login"), {"username": username, "password": password},
                       REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_ip)


def test_one_clients_guesses_lock_its_address_and_not_the_proxys(client, officer, clerk,
                                                                   settings):
    settings.LOGIN_FAILURES_PER_IP = 3
    for _ in range(3):
        _sign_in(client, "nobody", "wrong", "203.0.113.1")
    assert _sign_in(client, "li.na", "correct-horse-42", "203.0.113.1").status_code == 200
    assert _sign_in(client, "wang.fang", "correct-horse-42", "203.0.113.2").status_code == 302


def test_the_sign_in_event_names_the_clients_address(client, officer):
    assert _sign_in(client, "wang.fang", "correct-horse-42", "203.0.113.2").status_code == 302
    assert AuditEvent.objects.filter(action="login").latest("sequence").details["ip"] == \
        "203.0.113.2"


def test_refused_core_calls_are_throttled_per_client_behind_the_proxy(client):
    url = reverse("core:links")

    def call(i, ip):
        return client.get(url, HTTP_AUTHORIZATION=f"Bearer core_bogus{i}", REMOTE_ADDR=PROXY,
                          HTTP_X_FORWARDED_FOR=ip).status_code
    assert [call(i, "203.0.113.3") for i in range(31)][-1] == 429
    assert call(99, "203.0.113.4") == 401
    event = AuditEvent.objects.filter(action="core_api_call").latest("sequence")
    assert event.details["ip"] == "203.0.113.4"
