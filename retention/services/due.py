"""The daily due list (到期待鉴定): what fell due, counted once a day for the dashboard.

The counts are kept in the Django cache (shared through Redis between the
worker that computes them and the web processes that show them) by category,
stage, year and sensitivity, so each user's dashboard sums only what that user
may see. When nothing is stored yet (a new archive, a cache flushed), readers
count on the spot.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from archive.audit import AuditSubject, audit_log
from catalog.models import Record
from kernel import clock

from ..selectors import batched_q, due_by_category, due_counts, due_summary_for, held_q

CACHE_KEY = "retention:due-list"
# Kept for three days: a beat that stopped shows live counts again instead of old ones.
CACHE_SECONDS = 3 * 24 * 3600


def due_list_refresh(*, actor=None, as_of: dt.date | None = None) -> dict:
    """Count what is due by ``as_of`` (default today), store it for the dashboard and audit it."""
    as_of = as_of or clock.today()
    rows = due_counts(as_of=as_of)
    expired = Record.objects.due_for_appraisal(as_of).filter(status="ready")
    stored = {"as_of": as_of.isoformat(), "computed_at": timezone.now().isoformat(),
              "rows": rows}
    cache.set(CACHE_KEY, stored, CACHE_SECONDS)
    summary = due_summary_for(None, rows)
    audit_log(actor=actor, action="retention_due_list",
              obj=AuditSubject(type="retention.due_list", label=as_of.isoformat()),
              as_of=as_of.isoformat(), due=sum(r["count"] for r in rows),
              by_category={r["category"]: r["count"] for r in due_by_category(summary)},
              held=expired.filter(held_q()).count(),
              batched=expired.filter(batched_q() & ~Q(held_q())).count())
    return stored


def due_list_stored() -> dict:
    """Return the stored due list, or one counted now (not stored, not audited) when none is."""
    stored = cache.get(CACHE_KEY)
    if stored is None:
        stored = {"as_of": clock.today().isoformat(), "computed_at": None,
                  "rows": due_counts()}
    return stored
