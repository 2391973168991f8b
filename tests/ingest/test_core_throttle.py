"""Calls with refused tokens are throttled by address and audited in aggregate."""

from __future__ import annotations

import pytest
from django.urls import reverse

from archive.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_two_hundred_bogus_tokens_get_429s_after_the_threshold_and_few_audit_rows(client):
    url = reverse("core:links")
    codes = [client.get(url, {"id_number": "x"}, HTTP_AUTHORIZATION=f"Bearer core_bogus{i:04d}",
                        REMOTE_ADDR="10.9.9.9").status_code for i in range(200)]
    assert set(codes[:30]) == {401}
    assert set(codes[30:]) == {429}
    assert AuditEvent.objects.filter(action="core_api_call").count() < 10


def test_a_throttled_answer_says_when_to_retry(client):
    url = reverse("core:links")
    for i in range(31):
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer core_bogus{i}",
                              REMOTE_ADDR="10.9.9.8")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_the_first_refused_call_per_address_and_minute_counts_the_rest(client):
    url = reverse("core:links")
    for i in range(12):
        client.get(url, HTTP_AUTHORIZATION=f"Bearer core_bogus{i}", REMOTE_ADDR="10.9.9.7")
    events = AuditEvent.objects.filter(action="core_api_call")
    assert events.count() == 1
    # Another address is audited on its own.
    client.get(url, HTTP_AUTHORIZATION="Bearer core_bogus", REMOTE_ADDR="10.9.9.6")
    assert events.count() == 2
