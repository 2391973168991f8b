"""The end of a record's life, every step through its service, on PostgreSQL, S3 and tantivy.

Records filed with backdated formation dates fall due; an appraisal group of three gives
its opinions (one member extends one record); the register built from the destroy
decisions is submitted, approved, filed and executed under two supervisors. Then the
objects are gone from the bucket, the text from search, the counter shows the tombstone,
the extended record is still there with its new due date, and custody checks are clean.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from catalog.models import Record, RecordStatus, RetentionPeriod
from kernel import clock
from retention import services
from retention.models import Decision, ItemState, RegisterState
from retention.selectors import due_records
from retention.services import GroupMember
from tests.archive.test_counter import start_visit
from tests.retention.stored import objects_of, stored_record
from tests.retention.test_execution import (  # noqa: F401 (fixtures)
    PASSWORD,
    assert_custody_clean,
    hits,
    run_items,
    s3_store,
    tantivy,
)

pytestmark = pytest.mark.django_db


def test_due_records_are_appraised_registered_approved_filed_and_destroyed(
        client, clerk, s3_store, officer, second_officer, appraisers, approver,  # noqa: F811
        supervisors):
    doomed = [stored_record(f"终了{n}", formed_on=dt.date(2009, 4, 1 + n)) for n in range(3)]
    extended = stored_record("延期保管", formed_on=dt.date(2009, 6, 1))
    assert {r.appraisal_due_on for r in [*doomed, extended]} == {dt.date(2020, 1, 1)}
    objects = set().union(*(objects_of(r) for r in doomed))
    assert objects <= set(s3_store.list())

    due = set(due_records(as_of=clock.today()))
    assert {*doomed, extended} <= due
    batch = services.appraisal_open(
        actor=officer, title="2009年度到期档案鉴定", due_by=clock.today(),
        records=[*doomed, extended],
        members=[GroupMember(appraisers[0], "head", True), GroupMember(appraisers[1], "business"),
                 GroupMember(appraisers[2], "archivist")])
    services.appraisal_submit(actor=officer, batch=batch)
    assert not ({*doomed, extended} & set(due_records(as_of=clock.today())))  # batched now
    for member in appraisers:
        services.appraisal_opinion(actor=member, batch=batch, decision=Decision.DESTROY)
    thirty = RetentionPeriod.objects.get(code="D")
    services.appraisal_opinion(actor=appraisers[1], batch=batch, decision=Decision.EXTEND,
                               retention=thirty, reason="涉及待遇追溯，延长保管",
                               records=[extended])
    batch = services.appraisal_close(actor=officer, batch=batch)
    decisions = dict(batch.items.values_list("record_id", "decision"))
    assert decisions[extended.pk] == Decision.EXTEND
    assert {decisions[r.pk] for r in doomed} == {Decision.DESTROY}

    (register,) = services.register_build(actor=officer, batch=batch)
    assert sorted(register.items.values_list("record_id", flat=True)) == sorted(
        r.pk for r in doomed)
    register = services.register_submit(actor=officer, register=register)
    register = services.register_approve(actor=approver, register=register)
    register = services.register_file(actor=officer, register=register, filed_on=clock.today(),
                                      reference="人社备〔2026〕12号")
    register = services.destruction_execute(
        actor=second_officer, register=register, method="shred", place="本中心销毁室",
        supervisors=[(s, PASSWORD) for s in supervisors])
    items = run_items(register)
    assert {i.state for i in items.values()} == {ItemState.DESTROYED}
    register.refresh_from_db()
    assert register.state == RegisterState.EXECUTED

    assert not set(s3_store.list()) & objects
    assert hits("终了") == []
    for record in doomed:
        record.refresh_from_db()
        assert record.status == RecordStatus.DESTROYED and record.archive_code
        assert not record.pages.exclude(text="").exists()
    start_visit(client, clerk)
    html = client.get(reverse("counter:record", args=[doomed[0].pk])).content.decode()
    assert register.number in html and doomed[0].archive_code in html

    extended = Record.objects.get(pk=extended.pk)
    assert extended.status == RecordStatus.READY and extended.retention.code == "D"
    assert extended.appraisal_due_on == dt.date(2040, 1, 1)
    assert objects_of(extended) <= set(s3_store.list())
    assert hits("延期保管") == [extended.pk]
    register = services.register_close(actor=officer, register=register)
    assert register.filed_record.retention.code == "Y"
    assert_custody_clean()
