"""``manage.py hold place|release`` as DESIGN.md's Contracts say, and ``retention_due``."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from archive.models import AuditEvent
from catalog import services as catalog_services
from retention import selectors
from retention.models import Hold
from tests.catalog import factories as catalog
from tests.retention.factories import due_record


def _run(capsys, *args) -> tuple[int, dict]:
    code = 0
    try:
        call_command("hold", *args)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_place_by_record_id_and_archive_code_prints_the_hold(officer, capsys):
    first, second = due_record(), due_record()
    code, answer = _run(capsys, "place", "--name", "稽核", "--kind", "audit", "--reason",
                        "稽核未结", "--record", str(first.pk), second.archive_code,
                        "--as", officer.username, "--json")
    assert code == 0
    hold = Hold.objects.get(pk=answer["id"])
    assert answer == {"id": hold.pk, "number": hold.number, "name": "稽核", "kind": "audit",
                      "state": "active", "records": 2}
    assert set(selectors.hold_records(hold)) == {first, second}
    assert AuditEvent.objects.get(action="hold_place").actor_id == officer.pk


def test_place_by_rule_member_unit_and_category(officer, capsys):
    member = catalog_services.member_create(actor=None, id_number=catalog.citizen_id(),
                                            name="张三")
    unit = catalog_services.unit_create(actor=None, name="某某公司",
                                        credit_code=catalog.credit_code())
    held = due_record(members=[member], units=[unit])
    for args in (["--member", member.id_number], ["--unit", unit.credit_code],
                 ["--category", "GL", "--stage", "GL04", "--year-from", "2009",
                  "--year-to", "2011"]):
        code, answer = _run(capsys, "place", "--name", "诉讼", "--kind", "litigation",
                            "--reason", "法院调卷", *args, "--as", officer.username, "--json")
        assert code == 0 and answer["records"] == 1, (args, answer)
    assert len(selectors.holds_covering(held)) == 3


@pytest.mark.parametrize("args, rule", [
    (["--kind", "lawsuit", "--category", "GL"], "unknown_kind"),
    (["--kind", "audit"], "no_scope"),
    (["--kind", "audit", "--record", "NO-SUCH-CODE"], "unknown_record"),
    (["--kind", "audit", "--category", "GL", "--stage", "YL01"], "stage_not_in_category"),
    (["--kind", "audit", "--category", "GL", "--year-from", "2012", "--year-to", "2010"],
     "year_range"),
    (["--kind", "audit", "--member", "110105194912310000"], "unknown_member"),
])
def test_place_refusals_print_the_rule_and_exit_1(officer, capsys, args, rule):
    due_record()
    code, answer = _run(capsys, "place", "--name", "稽核", "--reason", "稽核未结", *args,
                        "--as", officer.username, "--json")
    assert code == 1 and answer["rule"] == rule, answer
    assert set(answer) == {"error", "field", "rule"} and answer["error"]
    assert not Hold.objects.exists()


def test_the_acting_users_permissions_apply(clerk, capsys):
    record = due_record()
    code, answer = _run(capsys, "place", "--name", "稽核", "--kind", "audit", "--reason", "查",
                        "--record", str(record.pk), "--as", clerk.username, "--json")
    assert code == 1 and answer["rule"] == "permission"
    code, answer = _run(capsys, "place", "--name", "稽核", "--kind", "audit", "--reason", "查",
                        "--record", str(record.pk), "--as", "nobody", "--json")
    assert code == 1 and answer["rule"] == "unknown_user"


def test_release_by_id_or_number_needs_a_reason(officer, capsys):
    record = due_record()
    _, placed = _run(capsys, "place", "--name", "稽核", "--kind", "audit", "--reason", "稽核未结",
                     "--record", str(record.pk), "--as", officer.username, "--json")
    code, answer = _run(capsys, "release", str(placed["id"]), "--reason", " ",
                        "--as", officer.username, "--json")
    assert code == 1 and answer["rule"] == "reason_required"
    code, answer = _run(capsys, "release", placed["number"], "--reason", "稽核已结",
                        "--as", officer.username, "--json")
    assert code == 0 and answer["id"] == placed["id"] and answer["state"] == "released"
    assert Hold.objects.get(pk=placed["id"]).release_reason == "稽核已结"
    code, answer = _run(capsys, "release", str(placed["id"]), "--reason", "再次",
                        "--as", officer.username, "--json")
    assert code == 1 and answer["rule"] == "transition"


def test_retention_due_leaves_out_held_records_unless_asked(officer, capsys):
    held, free = due_record(), due_record()
    call_command("hold", "place", "--name", "稽核", "--kind", "audit", "--reason", "稽核未结",
                 "--record", str(held.pk), "--as", officer.username)
    capsys.readouterr()
    call_command("retention_due", "--as-of", "2026-12-01", "--json")
    listed = {json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()}
    assert listed == {free.pk}
    call_command("retention_due", "--as-of", "2026-12-01", "--json", "--all")
    listed = {json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()}
    assert listed == {held.pk, free.pk}
    assert dt.date(2021, 1, 1) == held.appraisal_due_on
