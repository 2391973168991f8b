"""``manage.py destruction …`` answers as DESIGN.md's Contracts say: JSON objects, refusals exit 1."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kernel import clock
from retention.models import DestructionRegister
from retention.workflows import REGISTER_LIFECYCLE
from tests.retention.batches import closed_batch
from tests.retention.factories import due_record

pytestmark = pytest.mark.django_db


def run(*args) -> list[dict]:
    out = io.StringIO()
    call_command("destruction", *args, "--json", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def refused(*args) -> dict:
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("destruction", *args, "--json", stdout=out)
    assert exited.value.code == 1
    (line,) = out.getvalue().splitlines()
    return json.loads(line)


def test_the_register_steps_from_the_shell(officer, approver, local_store):
    batch = closed_batch([due_record(), due_record()])
    built = run("register", batch.number, "--as", "wang.fang")
    assert [(r["fonds"], r["state"]) for r in built] == [("0211", "draft")]
    number = built[0]["number"]
    assert {"id", "state", "items"} <= set(built[0]) and built[0]["items"][0]["state"] == "listed"
    submitted = run("submit", number, "--as", "wang.fang")[0]
    assert submitted["state"] == "submitted" and len(submitted["content_sha256"]) == 64
    refused_back = run("refuse", number, "--reason", "请补充销毁原因", "--as", "chen.jie")[0]
    assert refused_back["state"] == "draft" and refused_back["refusal_reason"] == "请补充销毁原因"
    run("submit", str(submitted["id"]), "--as", "wang.fang")
    approved = run("approve", number, "--as", "chen.jie")[0]
    assert approved["state"] == "approved" and approved["approved_by"] == "chen.jie"
    filed = run("file", number, "--reference", "人社档备〔2026〕12号",
                "--date", clock.today().isoformat(), "--as", "wang.fang")[0]
    assert filed["state"] == "filed" and filed["filing_reference"] == "人社档备〔2026〕12号"
    assert filed["filed_on"] == clock.today().isoformat()
    register = DestructionRegister.objects.get(number=number)
    REGISTER_LIFECYCLE.apply(register, "register_execute", actor=None)
    REGISTER_LIFECYCLE.apply(register, "register_executed", actor=None)
    closed = run("close", number, "--as", "wang.fang")[0]
    assert closed["state"] == "closed" and closed["filed_record"]


def test_refusals_print_the_error_object_and_exit_1(officer, approver):
    batch = closed_batch([due_record()])
    error = refused("register", batch.number, "--as", "chen.jie")
    assert error["rule"] == "permission" and set(error) == {"error", "field", "rule"}
    (built,) = run("register", batch.number, "--as", "wang.fang")
    assert refused("register", batch.number, "--as", "wang.fang")["rule"] == "already_registered"
    assert refused("approve", built["number"], "--as", "chen.jie")["rule"] == "transition"
    run("submit", built["number"], "--as", "wang.fang")
    error = refused("refuse", built["number"], "--reason", "", "--as", "chen.jie")
    assert (error["rule"], error["field"]) == ("required", "reason")
    assert refused("submit", "XH-0000-9999", "--as", "wang.fang")["rule"] == "not_found"
    assert refused("submit", built["number"], "--as", "nobody")["rule"] == "unknown_user"


def test_the_author_approving_is_refused_from_the_shell(officer, approver):
    from django.contrib.auth.models import Group

    from archive.roles import group_name
    officer.groups.add(Group.objects.get(name=group_name("approver")))
    (built,) = run("register", closed_batch([due_record()]).number, "--as", "wang.fang")
    run("submit", built["number"], "--as", "wang.fang")
    assert refused("approve", built["number"], "--as", "wang.fang")["rule"] == \
        "author_cannot_approve"


def test_without_json_a_refusal_is_a_command_error_naming_the_rule(officer):
    with pytest.raises(CommandError, match=r"\[not_found\]"):
        call_command("destruction", "submit", "XH-0000-9999", "--as", "wang.fang",
                     stdout=io.StringIO())
    out = io.StringIO()
    call_command("destruction", "register", closed_batch([due_record()]).number,
                 "--as", "wang.fang", stdout=out)
    assert "0211  draft  (listed 1)" in out.getvalue()
