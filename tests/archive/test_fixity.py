"""fixity_check re-hashes stored objects and reports those changed or missing."""

import os
from io import StringIO

import pytest
from django.core.management import call_command

from archive.models import AuditEvent, StoredObject
from archive.services import stored_object_put

pytestmark = pytest.mark.django_db


def _run() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("fixity_check", stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def test_storing_registers_the_object_once_and_audits_it(local_store, officer):
    first = stored_object_put(actor=officer, data=b"scan one", content_type="image/tiff")
    again = stored_object_put(actor=officer, data=b"scan one")
    assert first.pk == again.pk and StoredObject.objects.count() == 1
    assert AuditEvent.objects.filter(action="store", object_id=first.pk).count() == 1


def test_intact_objects_pass(local_store):
    for i in range(3):
        stored_object_put(actor=None, data=f"page {i}".encode())
    code, out = _run()
    assert code == 0 and "3 object(s) checked, 0 missing, 0 mismatched" in out
    assert set(StoredObject.objects.values_list("last_check_ok", flat=True)) == {True}


def test_a_changed_object_is_reported_and_the_command_fails(local_store):
    stored = stored_object_put(actor=None, data=b"original scan")
    path = local_store._path(stored.sha256)
    os.chmod(path, 0o640)
    path.write_bytes(b"altered scan!")
    code, out = _run()
    assert code == 1
    assert f"MISMATCH  {stored.sha256}" in out
    stored.refresh_from_db()
    assert stored.last_check_ok is False


def test_a_missing_object_is_reported(local_store):
    stored = stored_object_put(actor=None, data=b"will vanish")
    local_store._path(stored.sha256).unlink()
    code, out = _run()
    assert code == 1 and f"MISSING   {stored.sha256}" in out
    event = AuditEvent.objects.filter(action="fixity_check").latest("sequence")
    assert event.details["missing"] == [stored.sha256]
