"""The transition helper: wrong state and missing permission refused, rows locked, audited."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from archive.models import AuditEvent
from archive.selectors import audit_events_for
from catalog import services
from catalog.lifecycle import RECORD_LIFECYCLE
from catalog.errors import CatalogError
from catalog.models import Record, RecordStatus
from kernel.transitions import TransitionRefused
from tests.catalog import factories


def _processing(**kwargs) -> Record:
    return factories.record(status=RecordStatus.PROCESSING, **kwargs)


@pytest.mark.django_db
def test_a_transition_from_the_wrong_state_is_refused_and_changes_nothing(officer):
    record = factories.record()  # ready
    before = AuditEvent.objects.count()
    with pytest.raises(TransitionRefused) as refused:
        services.record_transition(actor=officer, record=record, transition="review")
    assert (refused.value.field, refused.value.rule) == ("status", "transition")
    assert "processing" in refused.value.message
    assert Record.objects.get(pk=record.pk).status == RecordStatus.READY
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_a_transition_without_its_permission_is_refused(clerk):
    record = _processing()
    with pytest.raises(TransitionRefused) as refused:
        services.record_transition(actor=clerk, record=record, transition="fail",
                                   errors=["不清晰"])
    assert refused.value.rule == "permission" and "catalog.change_record" in refused.value.message
    assert Record.objects.get(pk=record.pk).status == RecordStatus.PROCESSING


@pytest.mark.django_db
def test_a_transition_writes_its_audit_event_with_the_actor(officer):
    record = factories.in_review(_processing())
    services.record_transition(actor=officer, record=record, transition="ready", errors=[])
    event = audit_events_for(record, actions=["ready"]).get()
    assert event.actor == officer and event.actor_name == "wang.fang"
    assert event.details == {"from": "needs_review", "to": "ready", "errors": []}
    assert Record.objects.get(pk=record.pk).status == RecordStatus.READY


@pytest.mark.django_db
def test_fields_set_with_a_transition_are_saved_with_it(officer):
    record = _processing()
    services.record_transition(actor=officer, record=record, transition="fail",
                               errors=["第2页无法识别"])
    stored = Record.objects.get(pk=record.pk)
    assert (stored.status, stored.errors) == (RecordStatus.FAILED, ["第2页无法识别"])
    assert record.status == RecordStatus.FAILED  # the caller's object follows


@pytest.mark.django_db
def test_a_guard_refuses_with_its_own_rule(officer):
    record = services.record_receive(actor=None, fonds=factories.fonds(), title="未归档件",
                                     original_sha256="a" * 64)[0]
    services.record_transition(actor=None, record=record, transition="process")
    with pytest.raises(CatalogError) as refused:
        services.record_transition(actor=officer, record=record, transition="ready")
    assert refused.value.rule == "not_filed"


@pytest.mark.django_db
def test_available_lists_what_the_actor_may_do_now(officer, clerk):
    record = _processing()  # filed, so ready is possible
    names = [t.name for t in RECORD_LIFECYCLE.available(record, officer)]
    assert names == ["process", "review", "ready", "fail"]
    assert RECORD_LIFECYCLE.available(record, clerk) == []
    ready = factories.record()
    assert [t.name for t in RECORD_LIFECYCLE.available(ready, officer)] == ["destroy"]


@pytest.mark.django_db
def test_destroy_is_taken_only_through_record_destroy_with_its_register(officer):
    record = factories.record()
    with pytest.raises(CatalogError) as refused:
        services.record_transition(actor=officer, record=record, transition="destroy")
    assert refused.value.rule == "unknown_transition"
    with pytest.raises(CatalogError) as refused:
        services.record_destroy(actor=officer, record=record, register=None)
    assert (refused.value.field, refused.value.rule) == ("register", "required")
    factories.destroyed(record, actor=officer,
                        register=factories.RegisterStandIn(pk=9, number="XH-2026-009"))
    event = audit_events_for(record, actions=["destroy"]).get()
    assert event.actor == officer
    assert event.details["register"] == "XH-2026-009" and event.details["register_id"] == 9
    assert Record.objects.get(pk=record.pk).status == RecordStatus.DESTROYED


@pytest.mark.django_db
def test_destroying_needs_the_destroy_permission(clerk, auditor):
    record = factories.record()
    for person in (clerk, auditor):
        with pytest.raises(TransitionRefused) as refused:
            factories.destroyed(record, actor=person)
        assert refused.value.rule == "permission"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_applies_on_one_row_run_one_after_the_other(officer):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises whole writes")
    record = factories.record()
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def destroy(number: int) -> None:
        try:
            barrier.wait()
            factories.destroyed(Record.objects.get(pk=record.pk), actor=officer,
                                register=factories.RegisterStandIn(pk=number,
                                                                   number=f"XH-{number}"))
            outcomes.append("destroyed")
        except TransitionRefused as exc:
            outcomes.append(exc.rule)
        finally:
            connection.close()

    threads = [threading.Thread(target=destroy, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["destroyed", "transition", "transition", "transition"]
    assert audit_events_for(record, actions=["destroy"]).count() == 1
