"""Holds made through the service, as an officer places them."""

from __future__ import annotations

from retention import services
from retention.models import HoldKind


def hold(officer, *, records=(), name: str = "稽核", kind: str = HoldKind.AUDIT,
         reason: str = "稽核中", **rule):
    return services.hold_place(actor=officer, name=name, kind=kind, reason=reason,
                               records=records, **rule)
