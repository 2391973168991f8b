"""One audit vocabulary: every action registered once, with its label, shown in Chinese."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import translation

from archive.audit import AuditSubject, UnknownAuditAction, audit_log
from archive.models import AuditEvent
from archive.vocabulary import action_label, is_known
from kernel.transitions import workflows
from tests.catalog import factories

ROOT = Path(__file__).resolve().parents[2]


def _action_literals() -> set[tuple[str, str]]:
    """Every string passed as ``action=`` in application code (argparse's left out)."""
    found = set()
    for package in ("catalog", "archive", "search", "ingest", "retention"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if not isinstance(node, ast.Call) or getattr(node.func, "attr", "") == "add_argument":
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                        found.add((str(path.relative_to(ROOT)), keyword.value.value))
    return found


def test_every_action_the_code_writes_is_in_the_vocabulary():
    literals = _action_literals()
    assert len(literals) > 20  # the walk finds them
    assert [(path, action) for path, action in sorted(literals) if not is_known(action)] == []


def test_every_declared_transition_is_an_action_with_a_label():
    for workflow in workflows():
        for transition in workflow.transitions.values():
            assert is_known(transition.name) and transition.label


@pytest.mark.django_db
def test_an_action_outside_the_vocabulary_is_refused():
    before = AuditEvent.objects.count()
    with pytest.raises(UnknownAuditAction):
        audit_log(actor=None, action="cretae", obj=AuditSubject(type="tests.Thing"))
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_audit_log_takes_type_id_and_label_from_the_object(officer):
    record = factories.record(title="参保登记表")
    event = audit_log(actor=officer, action="update", obj=record, changed={"title": ["a", "b"]})
    assert (event.object_type, event.object_id) == ("catalog.Record", str(record.pk))
    assert event.object_repr == str(record) and event.actor == officer
    assert event.details == {"changed": {"title": ["a", "b"]}}


def test_actions_read_in_chinese():
    with translation.override("zh-hans"):
        assert [action_label(a) for a in ("create", "receive", "store", "destroy", "ready")] == [
            "创建", "接收", "存储", "销毁", "入库"]


@pytest.mark.django_db
def test_the_audit_listing_shows_the_actions_by_name(client, auditor, officer):
    factories.record(actor=officer)
    client.force_login(auditor)
    page = client.get("/admin/auditevent/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "创建" in page and ">create<" not in page
