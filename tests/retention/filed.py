"""TEST-ONLY stand-in: a register approved and filed, made directly with the ORM.

The appraisal and register services are written beside the execution; until
they are joined, ``filed_register`` builds what they would leave (a closed batch
whose items are all destroy decisions, a register in state ``filed`` with one
listed item per record). The integrator switches it to the services, here only.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from retention.models import (
    AppraisalBatch,
    AppraisalItem,
    BatchState,
    Decision,
    DestructionItem,
    DestructionRegister,
    RegisterState,
)
from retention.numbers import create_numbered


def filed_register(records, *, prepared_by, approved_by, state: str = RegisterState.FILED,
                   filing_reference: str = "人社档备〔2026〕12号") -> DestructionRegister:
    """Return a register of ``records`` (one fonds) in ``state``, approved by ``approved_by``."""
    records = list(records)
    fonds = records[0].fonds
    now = timezone.now()
    batch = create_numbered(AppraisalBatch, "batch", title="到期档案鉴定", fonds=fonds,
                            due_by=dt.date(2026, 1, 1), state=BatchState.CLOSED,
                            opened_by=prepared_by, submitted_at=now, closed_by=prepared_by,
                            closed_at=now)
    approved = state not in (RegisterState.DRAFT, RegisterState.SUBMITTED)
    filed = approved and state != RegisterState.APPROVED
    register = create_numbered(
        DestructionRegister, "register", batch=batch, fonds=fonds, state=state,
        prepared_by=prepared_by, submitted_at=now, content_sha256="0" * 64,
        approved_by=approved_by if approved else None, approved_at=now if approved else None,
        filed_on=now.date() if filed else None, filing_reference=filing_reference if filed else "")
    for serial, record in enumerate(records, start=1):
        appraisal = AppraisalItem.objects.create(
            batch=batch, record=record, retention_code=record.retention.code,
            due_on=record.appraisal_due_on, decision=Decision.DESTROY)
        DestructionItem.objects.create(
            register=register, serial=serial, record=record, appraisal_item=appraisal,
            row={"serial": serial, "archive_code": record.archive_code, "title": record.title},
            reason="保管期限已满，经鉴定无继续保存价值")
    return register
