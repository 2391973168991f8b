"""Passwords: a citizen ID number or the user's own name is refused."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from catalog.identifiers import citizen_id_check_char
from catalog.passwords import CitizenIdPasswordValidator

pytestmark = pytest.mark.django_db

ID_BODY = "11010519491231002"
CITIZEN_ID = ID_BODY + citizen_id_check_char(ID_BODY)


@pytest.mark.parametrize("password", [CITIZEN_ID, CITIZEN_ID.lower(),
                                      f" {CITIZEN_ID[:6]}-{CITIZEN_ID[6:14]}-{CITIZEN_ID[14:]} "])
def test_a_valid_citizen_id_number_is_refused_as_a_password(password):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert "password_is_citizen_id" in [e.code for e in exc.value.error_list]


def test_an_invalid_citizen_id_shaped_number_is_not_refused_for_being_an_id():
    wrong_check = ID_BODY + ("0" if CITIZEN_ID[-1] != "0" else "1")
    try:
        validate_password(wrong_check)
    except ValidationError as exc:
        assert "password_is_citizen_id" not in [e.code for e in exc.error_list]


def test_a_password_close_to_the_username_is_refused(django_user_model):
    user = django_user_model(username="zhang.wei.archive", email="zhang.wei@example.cn")
    with pytest.raises(ValidationError) as exc:
        validate_password("zhang.wei.archive1", user=user)
    assert any(e.code == "password_too_similar" for e in exc.value.error_list)


def test_creating_a_user_in_the_admin_with_a_citizen_id_password_is_refused(client,
                                                                           django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="correct-horse-42")
    client.force_login(admin)
    response = client.post(reverse("wagtailusers_users:add"), {
        "username": "chen.jie", "email": "chen.jie@example.cn", "first_name": "杰",
        "last_name": "陈", "password1": CITIZEN_ID, "password2": CITIZEN_ID,
    }, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    with translation.override("zh-hans"):
        message = CitizenIdPasswordValidator.message()
    assert escape(message) in response.content.decode()
    assert not django_user_model.objects.filter(username="chen.jie").exists()
