"""Counter staff get a short idle session; officers keep the normal one."""

import time

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _sign_in(client, username):
    response = client.post(reverse("wagtailadmin_login"),
                           {"username": username, "password": "correct-horse-42"})
    assert response.status_code == 302
    return response


def test_counter_staff_sign_in_to_a_session_of_the_counter_length(client, clerk, settings):
    response = _sign_in(client, "li.na")
    assert client.session.get_expiry_age() == settings.ARCHIVE_COUNTER_SESSION_SECONDS == 900
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 900


def test_officers_keep_the_normal_session_length(client, officer, settings):
    _sign_in(client, "wang.fang")
    client.get("/admin/")
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert settings.SESSION_COOKIE_AGE > settings.ARCHIVE_COUNTER_SESSION_SECONDS


def test_each_request_restarts_the_idle_time_and_idleness_signs_the_clerk_out(client, clerk,
                                                                              settings):
    settings.ARCHIVE_COUNTER_SESSION_SECONDS = 2
    _sign_in(client, "li.na")
    for _ in range(3):  # 3.6 s in all, each request within 2 s of the one before
        time.sleep(1.2)
        assert client.get(reverse("counter:home")).status_code == 200
    time.sleep(2.5)
    response = client.get(reverse("counter:home"))
    assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"]
