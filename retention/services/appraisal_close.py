"""Close an appraisal batch: each item's decision, and extensions applied to the catalogue.

Destroy decisions wait for a destruction register (``retention.services``'
destruction module); extensions and keeps re-set the record's retention and due
date through ``catalog.services.record_retention_extend``, which the schedule
refresh never undoes (it reads the record's own, longer retention).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from archive.audit import audit_log
from catalog.models import Record, RetentionPeriod
from catalog.services import record_retention_extend
from kernel import clock

from ..decisions import Opinion, most_conservative
from ..errors import RetentionError
from ..models import AppraisalBatch, AppraisalItem, AppraisalOpinion, BatchState, Decision
from ..workflows import BATCH_LIFECYCLE
from .appraisal import opinions_missing

UPDATE_CHUNK = 2000


def _decide(batch: AppraisalBatch) -> list[AppraisalItem]:
    """Return the batch's items with their decision set (not saved)."""
    opinions = defaultdict(list)
    rows = (AppraisalOpinion.objects.filter(item__batch=batch)
            .values_list("item_id", "decision", "retention_id", "retention__years", "reason"))
    for item_id, decision, retention_id, years, reason in rows.iterator(chunk_size=10_000):
        opinions[item_id].append(Opinion(decision=decision, retention_id=retention_id,
                                         years=years, reason=reason))
    items = list(AppraisalItem.objects.filter(batch=batch).only(
        "pk", "record_id", "decision", "decided_retention", "decision_reason"))
    for item in items:
        outcome = most_conservative(opinions[item.pk])
        item.decision = outcome.decision
        item.decided_retention_id = (outcome.retention_id
                                     if outcome.decision != Decision.DESTROY else None)
        item.decision_reason = outcome.reason
    return items


def _apply(actor, batch: AppraisalBatch, items: list[AppraisalItem]) -> list[int]:
    """Re-set the retention of the records kept longer; return the items applied."""
    kept = [item for item in items if item.decision != Decision.DESTROY]
    if not kept:
        return []
    periods = RetentionPeriod.objects.in_bulk({item.decided_retention_id for item in kept})
    records = Record.objects.in_bulk([item.record_id for item in kept])
    applied = []
    for item in kept:
        reason = _("appraisal %(number)s: %(reason)s") % {
            "number": batch.number, "reason": item.decision_reason or _("keep permanently")}
        record_retention_extend(actor=actor, record=records[item.record_id],
                                retention=periods[item.decided_retention_id], reason=reason)
        applied.append(item.pk)
    AppraisalItem.objects.filter(pk__in=applied).update(applied_at=clock.now())
    return applied


@transaction.atomic
def appraisal_close(*, actor, batch: AppraisalBatch) -> AppraisalBatch:
    """Decide every item from its opinions, apply extensions and keeps, close the batch.

    Refused while any member has not given an opinion on every item.
    """
    batch = AppraisalBatch.objects.select_for_update().get(pk=batch.pk)
    if not BATCH_LIFECYCLE.allows(BATCH_LIFECYCLE.get("appraisal_close"), actor) or (
            batch.state != BatchState.SUBMITTED):
        # The transition refuses with its own rule (permission, or the wrong state).
        return BATCH_LIFECYCLE.apply(batch, "appraisal_close", actor=actor)
    missing = opinions_missing(batch)
    if missing:
        total = sum(missing.values())
        raise RetentionError(
            ngettext("%(n)d opinion is missing: every member gives one on every item",
                     "%(n)d opinions are missing: every member gives one on every item",
                     total) % {"n": total}, field="opinions", rule="opinions_missing")
    items = _decide(batch)
    AppraisalItem.objects.bulk_update(items, ["decision", "decided_retention",
                                              "decision_reason"], batch_size=UPDATE_CHUNK)
    applied = _apply(actor, batch, items)
    counts = Counter(item.decision for item in items)
    return BATCH_LIFECYCLE.apply(
        batch, "appraisal_close", actor=actor,
        details={"items": len(items), "destroy": counts[Decision.DESTROY],
                 "extend": counts[Decision.EXTEND], "keep": counts[Decision.KEEP],
                 "applied": len(applied)},
        closed_by=actor, closed_at=clock.now())


def appraisal_report_export(*, actor, batch: AppraisalBatch, fmt: str) -> tuple[bytes, str]:
    """Render the appraisal report (鉴定报告) and audit the export with the file's SHA-256.

    The report is drawn from the batch, which is never deleted, so it can be
    printed again at any time; each copy handed out is in the audit trail.
    """
    from ..reports import appraisal as reports

    if fmt not in reports.FORMATS:
        raise RetentionError(_("the report is printed as PDF or XLSX"), field="format",
                             rule="format")
    data, name = reports.render(batch, fmt, user=actor)
    with transaction.atomic():
        audit_log(actor=actor, action="appraisal_report_export", obj=batch, format=fmt,
                  file=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                  state=batch.state)
    return data, name
