"""``manage.py destruction execute``: passwords from the environment, --wait, --json, refusals."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from catalog.models import Record, RecordStatus
from retention.models import ItemState, RegisterState
from search.backends.base import search_backend
from tests.retention.filed import filed_register
from tests.retention.stored import objects_of, stored_record

pytestmark = pytest.mark.django_db
ENV = "DESTRUCTION_SUPERVISOR_PASSWORDS"


@pytest.fixture(autouse=True)
def tantivy(settings, tmp_path):
    settings.ARCHIVE_SEARCH = {"BACKEND": "search.backends.tantivy.TantivyBackend",
                               "OPTIONS": {"path": str(tmp_path / "search")}}
    return search_backend()


@pytest.fixture
def register(local_store, officer, approver, supervisors, second_officer, empty_broker):
    records = [stored_record(f"命令{n}", pages_count=1) for n in range(2)]
    return filed_register(records, prepared_by=officer, approved_by=approver)


def run(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("destruction", *args, stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def test_execute_with_wait_destroys_every_item_and_prints_each_outcome(register, local_store,
                                                                      monkeypatch):
    monkeypatch.setenv(ENV, "liu.yang:correct-horse-42,huang.wei:correct-horse-42")
    objects = set().union(*(objects_of(i.record) for i in register.items.all()))
    status, out = run("execute", register.number, "--method", "shred", "--place", "销毁室",
                      "--as", "ma.lin", "--supervisor", "liu.yang", "--supervisor", "huang.wei",
                      "--wait", "--json")
    assert status == 0, out
    answer = json.loads(out)
    assert answer["id"] == register.pk and answer["state"] == RegisterState.EXECUTED
    assert [row["state"] for row in answer["items"]] == [ItemState.DESTROYED] * 2
    assert all(row["verified_at"] for row in answer["items"])
    assert not any(local_store.exists(s) for s in objects)
    assert set(Record.objects.filter(pk__in=[r["record_id"] for r in answer["items"]])
               .values_list("status", flat=True)) == {RecordStatus.DESTROYED}


@pytest.mark.parametrize(("names", "passwords", "rule"), [
    (["liu.yang", "liu.yang"], "liu.yang:correct-horse-42", "supervisors_distinct"),
    (["liu.yang", "huang.wei"], "liu.yang:correct-horse-42,huang.wei:wrong", "supervisor_password"),
    (["liu.yang", "ma.lin"], "liu.yang:correct-horse-42,ma.lin:correct-horse-42",
     "supervisor_is_executor"),
    (["liu.yang", "nobody"], "liu.yang:correct-horse-42,nobody:x", "unknown_user"),
])
def test_a_refusal_prints_the_rule_as_json_and_exits_1(register, monkeypatch, names,
                                                      passwords, rule):
    monkeypatch.setenv(ENV, passwords)
    args = ["execute", register.number, "--method", "shred", "--place", "销毁室", "--as", "ma.lin"]
    for name in names:
        args += ["--supervisor", name]
    status, out = run(*args, "--json")
    assert status == 1
    answer = json.loads(out)
    assert answer["rule"] == rule and answer["error"] and "field" in answer
    register.refresh_from_db()
    assert register.state == RegisterState.FILED


def test_resume_queues_nothing_when_nothing_is_executing(register):
    status, out = run("resume")
    assert status == 0 and "0" in out
