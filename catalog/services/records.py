"""Write volumes and records: receive, file, update, transition, destroy, link."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kernel import clock
from kernel.locks import xact_lock

from .. import codes
from ..archive_codes import ArchiveCodeParts
from ..errors import ArchiveCodeError, CatalogError
from ..lifecycle import RECORD_LIFECYCLE
from ..models import (
    Category,
    Fonds,
    LinkSource,
    Member,
    Record,
    RecordMember,
    RecordStatus,
    RecordUnit,
    RetentionPeriod,
    Sensitivity,
    Stage,
    Unit,
    Volume,
)
from ._base import _announce, _changes, _save
from .retention import _due_date, _retention_for

# --- volumes and records -------------------------------------------------------------------

@transaction.atomic
def volume_create(*, actor, fonds: Fonds, year: int, stage: Stage, number: int, title: str,
                  retention: RetentionPeriod | None = None) -> Volume:
    """Create a volume; its retention defaults to the plan's for records formed that year."""
    retention = _retention_for(stage, dt.date(year, 1, 1), retention)
    volume = Volume(fonds=fonds, year=year, stage=stage, category=stage.category,
                    retention=retention, number=number, title=title)
    return _save(volume, actor=actor, action="create",
                 details={"fonds": fonds.code, "year": year, "stage": stage.code,
                          "number": number, "retention": retention.code})


@transaction.atomic
def volume_update(*, actor, volume: Volume, title: str) -> Volume:
    changed = _changes(volume, {"title": title})
    if not changed:
        return volume
    return _save(volume, actor=actor, action="update", details={"changed": changed})


def _next_item_number(fonds: Fonds, year: int, category: Category, retention: RetentionPeriod) -> int:
    # DA/T 22: items are numbered within fonds, category, year and retention. Two records filed
    # at once would read the same top number: the fonds row serialises filings (PostgreSQL).
    list(Fonds.objects.select_for_update().filter(pk=fonds.pk).values_list("pk", flat=True))
    top = Record.objects.filter(fonds=fonds, year=year, code_category=category.code,
                                code_retention=retention.code, volume__isnull=True
                                ).aggregate(top=Max("item_number"))["top"]
    return (top or 0) + 1


def _apply_filing(record: Record, *, stage: Stage | None, formed_on: dt.date | None,
                  volume: Volume | None, year: int | None, retention: RetentionPeriod | None,
                  item_number: int | None, page_start: int | None, page_end: int | None) -> None:
    """Give ``record`` its stage, retention and 档号 components (not saved)."""
    fonds = record.fonds if record.fonds_id else None
    if volume is not None:
        for name, given, expected in (("fonds", fonds, volume.fonds), ("stage", stage, volume.stage),
                                      ("year", year, volume.year),
                                      ("retention", retention, volume.retention)):
            if given is not None and given != expected:
                raise CatalogError(_("%(field)s differs from volume %(volume)s's") % {
                    "field": _FIELD_NAMES[name], "volume": volume}, field=name,
                                   rule="volume_mismatch")
        fonds, stage, year, retention = volume.fonds, volume.stage, volume.year, volume.retention
    if fonds is None:
        raise CatalogError(_("a record needs a fonds"), field="fonds", rule="required")
    if stage is None:
        raise CatalogError(_("a record needs a business stage"), field="stage", rule="required")
    if formed_on is None:
        raise CatalogError(_("a record needs its formation date"), field="formed_on",
                           rule="required")
    year = year or formed_on.year
    retention = _retention_for(stage, formed_on, retention)
    if page_start is not None and page_end is not None and page_end < page_start:
        raise CatalogError(_("the last page (%(end)s) is before the first page (%(start)s)") % {
                           "end": page_end, "start": page_start},
                           field="page_end", rule="page_range")
    due_on = _due_date(stage, formed_on, retention)
    if volume is None and item_number is None:
        # Taken last: the lock it needs is held until the commit.
        item_number = _next_item_number(fonds, year, stage.category, retention)
    record.fonds, record.year, record.category, record.stage = fonds, year, stage.category, stage
    record.retention, record.volume, record.formed_on = retention, volume, formed_on
    record.appraisal_due_on = due_on
    record.code_fonds, record.code_category = fonds.code, stage.category.code
    record.code_stage, record.code_retention = stage.code, retention.code
    record.volume_number = volume.number if volume else None
    record.item_number, record.page_start, record.page_end = item_number, page_start, page_end
    record.archive_code = codes.render(_parts(record), in_volume=volume is not None)
    taken = Record.objects.filter(archive_code=record.archive_code).exclude(pk=record.pk)
    if taken.exists():
        raise ArchiveCodeError(_("档号 %(code)s is already taken") % {"code": record.archive_code},
                               field="archive_code", rule="unique")


def _save_filed(record: Record, *, actor, action: str, details: dict) -> Record:
    try:
        with transaction.atomic():
            # _apply_filing checked the 档号 is free; the unique index catches a race.
            return _save(record, actor=actor, action=action, details=details,
                         unique_checked=frozenset({"archive_code"}))
    except IntegrityError:
        raise ArchiveCodeError(_("档号 %(code)s is already taken") % {"code": record.archive_code},
                               field="archive_code", rule="unique") from None


# What the volume-mismatch error calls each field.
_FIELD_NAMES = {"fonds": _lazy("fonds"), "stage": _lazy("business stage"), "year": _lazy("year"),
                "retention": _lazy("retention period")}

# States a record may be catalogued in by hand: in the holdings, or still being processed.
_CATALOGUED_STATES = (RecordStatus.READY, RecordStatus.PROCESSING)


@transaction.atomic
def record_create(*, actor, title: str, formed_on: dt.date, stage: Stage | None = None,
                  fonds: Fonds | None = None, volume: Volume | None = None, year: int | None = None,
                  retention: RetentionPeriod | None = None, item_number: int | None = None,
                  page_start: int | None = None, page_end: int | None = None,
                  members: Iterable[Member] = (), units: Iterable[Unit] = (),
                  status: str = RecordStatus.READY,
                  sensitivity: str = Sensitivity.NORMAL) -> Record:
    """Catalogue a record by hand, inside ``volume`` or, without one, as an item on its own.

    The 档号 components are copied from the plan now; the code is rendered with
    the deployment's template for the filing form and must be unique.
    """
    if status not in _CATALOGUED_STATES:
        # Later states are reached only through the lifecycle's transitions.
        raise CatalogError(_("a record is catalogued as %(states)s, not %(status)s") % {
            "states": "、".join(str(RecordStatus(s).label) for s in _CATALOGUED_STATES),
            "status": status}, field="status", rule="transition")
    record = Record(fonds=fonds or (volume.fonds if volume else None), title=title, status=status,
                    sensitivity=sensitivity)
    _apply_filing(record, stage=stage, formed_on=formed_on, volume=volume, year=year,
                  retention=retention, item_number=item_number, page_start=page_start,
                  page_end=page_end)
    _save_filed(record, actor=actor, action="create",
                details={"archive_code": record.archive_code, "title": title,
                         "retention": record.retention.code})
    for member in members:
        record_link_member(actor=actor, record=record, member=member)
    for unit in units:
        record_link_unit(actor=actor, record=record, unit=unit)
    return record


@transaction.atomic
def record_receive(*, actor, fonds: Fonds, title: str, original_sha256: str,
                   source_name: str = "", formed_on: dt.date | None = None,
                   year: int | None = None) -> tuple[Record, bool]:
    """Register a record whose original is already stored, before it is classified.

    The same original received twice gives the existing record back: returns
    ``(record, created)``. On PostgreSQL a transaction-scoped advisory lock on
    the hash makes concurrent receives of the same original wait for each
    other, so only one of them creates the record (SQLite serialises writes).
    """
    xact_lock("record_receive", original_sha256)
    existing = (Record.objects.select_for_update().filter(original_sha256=original_sha256)
                .exclude(status=RecordStatus.DESTROYED).first())
    if existing is not None:
        return existing, False
    record = Record(fonds=fonds, title=title[:500], original_sha256=original_sha256,
                    source_name=source_name[:500], formed_on=formed_on,
                    year=year or (formed_on.year if formed_on else clock.today().year),
                    status=RecordStatus.RECEIVED)
    _save(record, actor=actor, action="receive",
          details={"source": source_name, "original_sha256": original_sha256})
    return record, True


@transaction.atomic
def record_file(*, actor, record: Record, stage: Stage | None = None,
                formed_on: dt.date | None = None, volume: Volume | None = None,
                year: int | None = None, retention: RetentionPeriod | None = None,
                item_number: int | None = None, page_start: int | None = None,
                page_end: int | None = None, confidence: float | None = None) -> Record:
    """Classify a received record and give it its 档号; a filed record keeps its code."""
    record = Record.objects.select_related("fonds").select_for_update(of=("self",)).get(
        pk=record.pk)
    if record.is_filed:
        raise CatalogError(_("the record is already filed as %(code)s") % {
                           "code": record.archive_code},
                           field="archive_code", rule="already_filed")
    _apply_filing(record, stage=stage, formed_on=formed_on or record.formed_on, volume=volume,
                  year=year, retention=retention, item_number=item_number,
                  page_start=page_start, page_end=page_end)
    record.classification_confidence = confidence
    return _save_filed(record, actor=actor, action="file",
                       details={"archive_code": record.archive_code, "stage": record.stage.code,
                                "retention": record.retention.code, "confidence": confidence})


# Transitions a caller may take by name; ``destroy`` only through ``record_destroy``.
_TRANSITIONS_BY_NAME = ("process", "review", "ready", "fail")


def record_transition(*, actor, record: Record, transition: str,
                      errors: list[str] | None = None) -> Record:
    """Take a lifecycle transition (``catalog.lifecycle``), recording why when it failed."""
    if transition not in _TRANSITIONS_BY_NAME:
        raise CatalogError(_("%(name)r is not taken this way") % {"name": transition},
                           field="status", rule="unknown_transition")
    fields = {} if errors is None else {"errors": errors}
    return RECORD_LIFECYCLE.apply(record, transition, actor=actor,
                                  details={"errors": errors or []}, **fields)


def record_destroy(*, actor, record: Record, register, details: dict | None = None) -> Record:
    """Destroy ``record`` as an item of the destruction ``register`` that authorises it.

    The catalogue entry stays as a tombstone; the audit event names the
    register (its label and id) beside ``details`` (what the destroying app
    announces: supervisors, method, date), and the counter's tombstone reads it
    from there. Removing the stored files is the caller's business (storage is
    not the catalogue's).
    """
    if register is None or getattr(register, "pk", None) is None:
        raise CatalogError(_("a record is destroyed only under a saved destruction register"),
                           field="register", rule="required")
    meta = getattr(register, "_meta", None)
    return RECORD_LIFECYCLE.apply(record, "destroy", actor=actor, details={
        **(details or {}), "register": str(register), "register_id": register.pk,
        "register_type": meta.label if meta else type(register).__name__})


def _parts(record: Record) -> ArchiveCodeParts:
    return ArchiveCodeParts(fonds=record.code_fonds, year=record.year,
                            category=record.code_category, stage=record.code_stage,
                            volume=record.volume_number, item=record.item_number,
                            page=record.page_start, retention=record.code_retention)


@transaction.atomic
def record_sensitivity_set(*, actor, record: Record, sensitivity: str, reason: str) -> Record:
    """Open or restrict a record; the reason is kept in the audit trail."""
    record = Record.objects.select_for_update().get(pk=record.pk)
    if sensitivity not in Sensitivity.values:
        raise CatalogError(_("unknown sensitivity %(value)r; known: %(known)s") % {
            "value": sensitivity, "known": ", ".join(Sensitivity.values)},
            field="sensitivity", rule="choice")
    if record.status == RecordStatus.DESTROYED:
        raise CatalogError(_("a destroyed record is a tombstone and cannot be edited"),
                           field="status", rule="destroyed")
    if not reason.strip():
        raise CatalogError(_("give the reason for the change"), field="reason", rule="required")
    if record.sensitivity == sensitivity:
        return record
    old = record.sensitivity
    record.sensitivity = sensitivity
    record.save(update_fields=["sensitivity", "updated_at"])
    _announce(instance=record, action="sensitivity", actor=actor,
              details={"from": old, "to": sensitivity, "reason": reason})
    return record


@transaction.atomic
def record_link_member(*, actor, record: Record, member: Member,
                       source: str = LinkSource.MANUAL) -> RecordMember:
    link, created = RecordMember.objects.get_or_create(record=record, member=member,
                                                       defaults={"source": source})
    if created:
        _announce(instance=record, action="link_member", actor=actor,
                  details={"member": member.id_number, "source": source})
    return link


@transaction.atomic
def record_link_unit(*, actor, record: Record, unit: Unit,
                     source: str = LinkSource.MANUAL) -> RecordUnit:
    link, created = RecordUnit.objects.get_or_create(record=record, unit=unit,
                                                     defaults={"source": source})
    if created:
        _announce(instance=record, action="link_unit", actor=actor,
                  details={"unit": unit.credit_code or unit.name, "source": source})
    return link
