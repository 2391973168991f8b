"""A stored object whose bytes no longer match their SHA-256 is refused, audited and repaired."""

import os

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override

from archive.models import AuditEvent, StoredObject, UseRegisterEntry
from archive.services import stored_object_put
from tests.archive.test_counter import records, start_visit  # noqa: F401  (fixtures)
from tests.archive.test_counter import member, unit  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
COPY_REFUSED = ("the image of page %(pages)s is damaged (it no longer matches the copy taken in "
                "at filing); no certified copy was made, ask the archive administrator to "
                "restore it")
IMAGE_REFUSED = ("The stored image of this page is damaged and is not shown; ask the archive "
                 "administrator to restore it.")


def said(msgid: str) -> str:
    """The message as the counter shows it (Chinese once the catalogue is compiled)."""
    with override("zh-hans"):
        return gettext(msgid)


def corrupt(store, sha256: str) -> bytes:
    """Flip one byte of the stored object in place (same length); return the original bytes."""
    path = store._path(sha256)
    original = path.read_bytes()
    os.chmod(path, 0o600)
    damaged = bytearray(original)
    damaged[len(damaged) // 2] ^= 0xFF
    path.write_bytes(bytes(damaged))
    os.chmod(path, 0o400)
    return original


def test_a_certified_copy_of_a_corrupted_page_is_refused_and_audited(client, clerk, records,
                                                                       local_store):
    start_visit(client, clerk)
    pension = records["pension"]
    sha256 = pension.pages.get(number=2).object_sha256
    corrupt(local_store, sha256)
    response = client.post(reverse("counter:copy", args=[pension.pk]), {"pages": [2]})
    assert response["Content-Type"].startswith("text/html")
    assert response.status_code == 200
    assert said(COPY_REFUSED) % {"pages": "2"} in response.content.decode()
    assert not UseRegisterEntry.objects.filter(kind="copy").exists()
    event = AuditEvent.objects.filter(action="object_corrupted").get()
    assert event.details["sha256"] == sha256 and event.details["actual"] != sha256
    assert StoredObject.objects.get(sha256=sha256).last_check_ok is False
    assert not AuditEvent.objects.filter(action="certified_copy").exists()


def test_a_page_image_known_to_be_corrupted_is_refused(client, clerk, records, local_store):
    start_visit(client, clerk)
    page = records["pension"].pages.get(number=1)
    url = reverse("counter:page-image", args=[page.pk])
    assert client.get(url).status_code == 200
    StoredObject.objects.filter(sha256=page.object_sha256).update(last_check_ok=False)
    response = client.get(url)
    assert response.status_code == 409 and said(IMAGE_REFUSED) in response.content.decode()
    assert AuditEvent.objects.filter(action="object_corrupted").count() == 1


def test_a_page_image_of_the_wrong_size_is_refused_and_marked(client, clerk, records,
                                                              local_store):
    start_visit(client, clerk)
    page = records["pension"].pages.get(number=1)
    path = local_store._path(page.object_sha256)
    os.chmod(path, 0o600)
    path.write_bytes(path.read_bytes()[:-10])
    response = client.get(reverse("counter:page-image", args=[page.pk]))
    assert response.status_code == 409
    assert StoredObject.objects.get(sha256=page.object_sha256).last_check_ok is False
    assert AuditEvent.objects.filter(action="object_corrupted").count() == 1


def test_putting_the_intact_bytes_again_repairs_a_corrupted_object(client, clerk, records,
                                                                   local_store):
    page = records["pension"].pages.get(number=1)
    original = corrupt(local_store, page.object_sha256)
    assert local_store.rehash(page.object_sha256) != page.object_sha256
    StoredObject.objects.filter(sha256=page.object_sha256).update(last_check_ok=False)
    stored = stored_object_put(actor=None, data=original, derived=True)
    assert local_store.rehash(page.object_sha256) == page.object_sha256
    assert local_store.get_verified(page.object_sha256) == original
    assert StoredObject.objects.get(pk=stored.pk).last_check_ok is True
    start_visit(client, clerk)
    assert client.get(reverse("counter:page-image", args=[page.pk])).status_code == 200
