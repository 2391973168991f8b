"""First start and a lost password: archive_setup names the fonds, password_reset lets the
administrator back in; both changes are audited."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from archive.models import AuditEvent
from catalog.models import Fonds

pytestmark = pytest.mark.django_db


def _run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_the_first_start_creates_the_fonds_named_in_the_environment(settings):
    settings.ARCHIVE_FONDS_CODE, settings.ARCHIVE_FONDS_NAME = "0211", "某市社会保险事业管理中心"
    out = _run("archive_setup")
    assert list(Fonds.objects.values_list("code", "name")) == [("0211", "某市社会保险事业管理中心")]
    assert "fonds 0211 某市社会保险事业管理中心 created" in out
    assert "still the default" not in out


def test_a_start_with_the_default_fonds_says_how_to_name_it():
    out = _run("archive_setup")
    assert list(Fonds.objects.values_list("code", "name")) == [("0001", "社会保险经办机构")]
    assert "still the default «0001 社会保险经办机构»" in out
    assert "ARCHIVE_FONDS_CODE=" in out and "--fonds-code" in out
    assert "still the default" in _run("archive_setup")  # said on every start until named


def test_naming_the_default_fonds_later_is_an_audited_update():
    _run("archive_setup")
    fonds = Fonds.objects.get()
    out = _run("archive_setup", fonds_code="0211", fonds_name="某市社会保险事业管理中心")
    assert "fonds renamed: 0211 某市社会保险事业管理中心" in out
    assert "still the default" not in out
    fonds.refresh_from_db()
    assert (fonds.code, fonds.name) == ("0211", "某市社会保险事业管理中心")
    [event] = AuditEvent.objects.filter(action="update", object_id=str(fonds.pk))
    assert event.details["changed"]["code"] == ["0001", "0211"]


def test_an_agencys_own_fonds_is_never_renamed_by_a_start(settings):
    _run("archive_setup", fonds_code="0211", fonds_name="某市社会保险事业管理中心")
    settings.ARCHIVE_FONDS_CODE = "0399"
    _run("archive_setup")
    assert list(Fonds.objects.values_list("code", flat=True)) == ["0211"]


def test_an_invalid_fonds_code_stops_the_setup_naming_it():
    with pytest.raises(CommandError, match="02 11"):
        _run("archive_setup", fonds_code="02 11")
    assert not Fonds.objects.exists()


def test_password_reset_gives_the_administrator_a_new_password_printed_once():
    first = _run("archive_setup")
    old = first.rsplit("password ", 1)[1].split()[0]
    out = _run("password_reset", "admin")
    new = out.split("new password for admin: ", 1)[1].split()[0]
    assert new != old
    assert authenticate(username="admin", password=new) is not None
    assert authenticate(username="admin", password=old) is None
    event = AuditEvent.objects.filter(action="user_update").latest("sequence")
    assert event.details == {"username": "admin", "password_changed": True}
    assert new not in str(event.details) and old not in str(event.details)


def test_password_reset_of_an_unknown_user_is_refused():
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        _run("password_reset", "nobody")
