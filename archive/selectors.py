"""Reads of the audit trail, for tombstones and registers."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from .models import AuditEvent


def audit_events_for(obj, actions: Iterable[str] | None = None) -> QuerySet[AuditEvent]:
    """Return the events about model instance ``obj``, oldest first, optionally of ``actions``."""
    events = AuditEvent.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk))
    if actions is not None:
        events = events.filter(action__in=list(actions))
    return events.order_by("sequence")
