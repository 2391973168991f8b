"""``manage.py appraisal`` answers as DESIGN.md's Contracts say: one JSON object, or the refusal."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from retention.models import AppraisalBatch
from tests.retention.factories import due_record

pytestmark = pytest.mark.django_db

MEMBERS = "zhou.min:head,sun.li:business,wu.gang:archivist"


def run(*args) -> tuple[int, dict]:
    out = io.StringIO()
    try:
        call_command("appraisal", *args, "--json", stdout=out, stderr=io.StringIO())
    except SystemExit as exit_:
        return exit_.code, json.loads(out.getvalue())
    return 0, json.loads(out.getvalue())


def test_the_whole_appraisal_from_the_shell(officer, appraisers):
    kept, gone = due_record(), due_record()
    code, opened = run("open", "--due-by", "2026-12-01", "--category", "GL", "--members", MEMBERS,
                       "--as", "wang.fang")
    assert code == 0, opened
    assert opened["items"] == 2 and opened["state"] == "submitted"
    assert opened["number"].startswith("JD-") and isinstance(opened["id"], int)
    batch = AppraisalBatch.objects.get(pk=opened["id"])
    assert batch.members.get(is_leader=True).user.username == "zhou.min"
    for member in ("zhou.min", "sun.li", "wu.gang"):
        code, given = run("opinion", opened["number"], "--decision", "destroy", "--as", member)
        assert code == 0 and given["count"] == 2
    code, given = run("opinion", str(opened["id"]), "--decision", "extend", "--retention", "D",
                      "--reason", "待遇争议未了", "--record", str(kept.pk), "--as", "sun.li")
    assert code == 0 and given["count"] == 1
    code, closed = run("close", opened["number"], "--as", "wang.fang")
    assert code == 0 and closed["state"] == "closed"
    by_id = {row["record_id"]: row for row in closed["decisions"]}
    assert by_id[kept.pk]["decision"] == "extend" and by_id[kept.pk]["retention"] == "D"
    assert by_id[kept.pk]["due_on"] == "2041-01-01"
    assert by_id[gone.pk]["decision"] == "destroy" and by_id[gone.pk]["retention"] is None


def test_refusals_print_the_error_object_and_exit_1(officer, appraisers):
    record = due_record()
    code, error = run("open", "--due-by", "2026-12-01", "--members", "zhou.min,sun.li",
                      "--as", "wang.fang")
    assert code == 1 and error["rule"] == "members_min_three" and error["field"] == "members"
    assert set(error) == {"error", "field", "rule"}
    code, opened = run("open", "--due-by", "2026-12-01", "--record", str(record.pk),
                       "--members", MEMBERS, "--as", "wang.fang", "--draft")
    assert code == 0 and opened["state"] == "draft"
    code, error = run("opinion", opened["number"], "--decision", "keep", "--as", "zhou.min")
    assert code == 1 and error["rule"] == "not_under_appraisal"
    code, submitted = run("submit", opened["number"], "--as", "wang.fang")
    assert code == 0 and submitted["state"] == "submitted" and len(submitted["items_sha256"]) == 64
    code, error = run("opinion", opened["number"], "--decision", "keep", "--as", "wang.fang")
    assert code == 1 and error["rule"] == "permission"
    code, error = run("opinion", opened["number"], "--decision", "extend", "--retention", "G",
                      "--reason", "x", "--as", "zhou.min")
    assert code == 1 and error["rule"] == "extension_not_longer"
    assert record.archive_code in error["error"]
    code, error = run("close", opened["number"], "--as", "wang.fang")
    assert code == 1 and error["rule"] == "opinions_missing"
    code, error = run("close", "JD-1999-9999", "--as", "wang.fang")
    assert code == 1 and error["rule"] == "unknown_batch"
    code, error = run("open", "--due-by", "2026-12-01", "--members", MEMBERS, "--as", "nobody")
    assert code == 1 and error["rule"] == "unknown_user"
