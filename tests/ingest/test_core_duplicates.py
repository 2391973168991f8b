"""The duplicate path of the core intake: re-pushed bytes only link the pushing declaration."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading

import pytest
from django.db import connection
from django.test import Client

from catalog import services as catalog
from catalog.models import Fonds, Record, RecordStatus, Unit
from ingest.core.models import CoreDocument
from ingest.core.services import callbacks_for_status
from tests.catalog import factories as catalog_factories
from tests.ingest import factories as f

pytestmark = pytest.mark.django_db

OTHER_MEMBER = catalog_factories.citizen_id(born="19700101", seq="456")
OTHER_UNIT = catalog_factories.credit_code(org_body="M0002000")


@pytest.fixture
def setup(local_store):
    catalog_factories.fonds()


@pytest.fixture
def owner(setup):
    """The client that pushed the record first."""
    return f.core_client("hexin")


@pytest.fixture
def pusher(setup):
    """Another client, with the push scope only."""
    return f.core_client("pusher", scopes=("push",))


def _other_meta():
    return f.metadata(declaration_id="SB-OTHER",
                      members=[{"id_number": OTHER_MEMBER, "name": "张三"}],
                      unit={"credit_code": OTHER_UNIT, "name": "另一家公司"})


def _links(record):
    record.refresh_from_db()
    return (sorted(m.id_number for m in record.members.all()),
            sorted(u.credit_code or "" for u in record.units.all()))


def _assert_withheld(client, token, response, record):
    """Neither the 200 answer nor documents/{id} shows what the pusher may not see."""
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == record.pk and body["duplicate"] is True
    assert body["declaration_id"] == "SB-OTHER"
    assert body["archive_code"] is None and body["stage"] is None and body["status"] is None
    detail = f.get(client, token, f"documents/{record.pk}/")
    assert detail.status_code == 200, detail.content
    shown = detail.json()
    assert shown["archive_code"] is None and shown["title"] is None
    assert shown["members"] == [] and shown["units"] == []
    assert [d["declaration_id"] for d in shown["declarations"]] == ["SB-OTHER"]
    for text in (response.content, detail.content):
        for number in (f.MEMBER_A, f.MEMBER_B, OTHER_MEMBER):
            assert number.encode() not in text


def test_a_duplicate_of_another_clients_record_links_only_its_declaration(client, owner, pusher):
    first = f.push(client, owner[1], key="k-1").json()
    record = Record.objects.get(pk=first["id"])
    before = _links(record)
    response = f.push(client, pusher[1], key="p-1", meta=_other_meta())
    assert _links(record) == before
    assert CoreDocument.objects.filter(client=pusher[0], record=record).count() == 1
    _assert_withheld(client, pusher[1], response, record)
    # The owner still sees its record in full.
    assert f.get(client, owner[1], f"documents/{record.pk}/").json()["archive_code"]


def test_a_duplicate_of_a_restricted_record_changes_and_reveals_nothing(client, owner, pusher,
                                                                        officer):
    first = f.push(client, owner[1], key="k-1").json()
    record = catalog.record_sensitivity_set(actor=officer, record=Record.objects.get(
        pk=first["id"]), sensitivity="restricted", reason="举报材料")
    before = _links(record)
    response = f.push(client, pusher[1], key="p-1", meta=_other_meta())
    assert _links(record) == before
    _assert_withheld(client, pusher[1], response, record)


def test_a_duplicate_of_a_record_in_review_does_not_file_it(client, pusher, officer):
    data = f.pdf("SCANNED")
    record, _ = catalog.record_receive(
        actor=None, fonds=Fonds.objects.get(), title="扫描件",
        original_sha256=hashlib.sha256(data).hexdigest(), source_name="scan.pdf")
    record = catalog.record_transition(actor=None, record=record, transition="process")
    record = catalog_factories.in_review(record)
    response = f.push(client, pusher[1], key="p-1", meta=_other_meta(), data=data)
    record.refresh_from_db()
    assert record.status == RecordStatus.NEEDS_REVIEW and not record.is_filed
    assert _links(record) == ([], [])
    assert not Unit.objects.filter(credit_code=OTHER_UNIT).exists()
    _assert_withheld(client, pusher[1], response, record)
    # The officer's review still files it.
    filed = catalog.record_file(actor=officer, record=record,
                                stage=catalog_factories.stage("ZJ03"),
                                formed_on=dt.date(2026, 11, 3))
    assert filed.archive_code


def test_a_duplicate_of_its_own_record_answers_in_full_without_new_links(client, owner):
    first = f.push(client, owner[1], key="k-1").json()
    record = Record.objects.get(pk=first["id"])
    before = _links(record)
    second = f.push(client, owner[1], key="k-2", meta=_other_meta())
    assert second.status_code == 200 and second.json()["archive_code"] == first["archive_code"]
    assert _links(record) == before


def test_a_duplicate_of_another_clients_record_gets_no_callback_about_it(client, owner):
    pusher, token = f.core_client("pusher", scopes=("push",),
                                  callback_url="https://pusher.example/cb")
    first = f.push(client, owner[1], key="k-1").json()
    assert f.push(client, token, key="p-1", meta=_other_meta()).status_code == 200
    record = Record.objects.get(pk=first["id"])
    deliveries = callbacks_for_status(record=record, status=RecordStatus.READY)
    assert not [d for d in deliveries if d.document.client_id == pusher.pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_clients_racing_with_the_same_bytes_make_one_record(local_store):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writes; the race needs PostgreSQL")
    catalog_factories.fonds()
    tokens = [f.core_client(f"racer{i}", scopes=("push",))[1] for i in range(8)]
    data = f.pdf("RACE")
    barrier = threading.Barrier(8)
    answers: list = [None] * 8

    def push(i):
        try:
            barrier.wait()
            response = f.push(Client(), tokens[i], key=f"race-{i}", data=data,
                              meta=f.metadata(declaration_id=f"SB-RACE-{i}"))
            answers[i] = (response.status_code, response.content)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            answers[i] = (None, repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=push, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(code for code, _ in answers)
    assert codes == [200] * 7 + [201], answers
    sha = hashlib.sha256(data).hexdigest()
    assert Record.objects.filter(original_sha256=sha).count() == 1
    ids = {json.loads(body)["id"] for _, body in answers}
    assert len(ids) == 1
