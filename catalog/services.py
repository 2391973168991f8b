"""Every write to the catalogue: keyword-only, typed, transactional.

Each service checks its rules, saves, and announces the change on
``catalog_changed`` with the acting user so the audit trail records it.
Errors are ``CatalogError`` subclasses naming the field and the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from kernel import clock
from kernel.locks import xact_lock

from . import codes, identifiers
from . import retention as rules
from .archive_codes import ArchiveCodeParts
from .errors import ArchiveCodeError, CatalogError, IdentifierError, RetentionError
from .fileplan import ORDER_3_EFFECTIVE, PlanChanges, apply_plan, read_plan
from .lifecycle import RECORD_LIFECYCLE
from .models import (Category, Fonds, LinkSource, Member, Record, RecordMember, RecordStatus,
                     RecordUnit, RetentionPeriod, Sensitivity, Stage, StageRetention, Unit, Volume)
from .signals import catalog_changed

def _announce(*, instance, action: str, actor, details: dict | None = None,
              model: type | None = None) -> None:
    catalog_changed.send(sender=model or type(instance), instance=instance, action=action,
                         actor=actor, details=details or {})


def _save(instance, *, actor, action: str, details: dict | None = None,
          unique_checked: frozenset[str] = frozenset()):
    """Validate the model's own rules, save, and announce; refuse with the failing field.

    ``unique_checked`` names unique fields the caller has just checked itself.
    """
    try:
        # A related object the caller holds was read from the database: asking it again
        # whether it exists costs a query each (the database's foreign key still checks).
        instance.clean_fields(exclude=_loaded_relations(instance))
        instance.clean()
        instance.validate_unique(exclude=unique_checked)
        instance.validate_constraints()
    except ValidationError as exc:
        field, errors = next(iter(exc.update_error_dict({}).items()))
        codes = {error.code for error in errors}
        rule = "unique" if codes & {"unique", "unique_together"} else (
            next(iter(codes - {None}), None) or "invalid")
        message = "; ".join(m for error in errors for m in error.messages)
        raise CatalogError(message, field=None if field == "__all__" else field,
                           rule=rule) from None
    instance.save()
    _announce(instance=instance, action=action, actor=actor, details=details)
    return instance


def _loaded_relations(instance) -> set[str]:
    """Name the foreign keys of ``instance`` set to an object that was read from the database."""
    loaded = set()
    for field in instance._meta.concrete_fields:
        if field.is_relation and field.is_cached(instance):
            related = field.get_cached_value(instance)
            if related is not None and not related._state.adding and related.pk == getattr(
                    instance, field.attname):
                loaded.add(field.name)
    return loaded


def _changes(instance, values: dict) -> dict:
    changed = {}
    for name, value in values.items():
        old = getattr(instance, name)
        if old != value:
            changed[name] = [_jsonable(old), _jsonable(value)]
            setattr(instance, name, value)
    return changed


def _jsonable(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


# --- fonds, categories, stages ----------------------------------------------------------

@transaction.atomic
def fonds_create(*, actor, code: str, name: str) -> Fonds:
    return _save(Fonds(code=code, name=name), actor=actor, action="create",
                 details={"code": code, "name": name})


@transaction.atomic
def fonds_update(*, actor, fonds: Fonds, code: str, name: str) -> Fonds:
    """Rename a fonds or change its code; codes already written into 档号 stay as written."""
    changed = _changes(fonds, {"code": code, "name": name})
    if not changed:
        return fonds
    return _save(fonds, actor=actor, action="update", details={"changed": changed})


@transaction.atomic
def category_create(*, actor, code: str, name: str, sort_order: int = 0) -> Category:
    return _save(Category(code=code, name=name, sort_order=sort_order), actor=actor,
                 action="create", details={"code": code, "name": name})


@transaction.atomic
def category_update(*, actor, category: Category, code: str, name: str,
                    sort_order: int | None = None) -> Category:
    """Change a category's code or name; codes already written into 档号 stay as written."""
    values = {"code": code, "name": name}
    if sort_order is not None:
        values["sort_order"] = sort_order
    changed = _changes(category, values)
    if not changed:
        return category
    return _save(category, actor=actor, action="update", details={"changed": changed})


@transaction.atomic
def stage_create(*, actor, category: Category, code: str, name: str, years: int | None,
                 effective_from: dt.date, scope: str = "", basis: str = "") -> Stage:
    """Create a stage with its first schedule version."""
    if not code.startswith(category.code):
        raise CatalogError(f"stage {code} does not start with its category code {category.code}",
                           field="code", rule="category_prefix")
    stage = _save(Stage(category=category, code=code, name=name, scope=scope), actor=actor,
                  action="create", details={"code": code, "category": category.code})
    _retention_version_add(actor=actor, stage=stage, years=years, effective_from=effective_from,
                           basis=basis)
    return stage


@transaction.atomic
def stage_update(*, actor, stage: Stage, name: str, scope: str,
                 category: Category | None = None) -> Stage:
    """Change a stage's name, scope or category; its retention changes only by a new version."""
    values = {"name": name, "scope": scope}
    if category is not None:
        values["category"] = category
    changed = _changes(stage, values)
    if not changed:
        return stage
    return _save(stage, actor=actor, action="update", details={"changed": changed})


def _retention_version_add(*, actor, stage: Stage, years: int | None, effective_from: dt.date,
                           basis: str = "", note: str = "") -> StageRetention:
    if StageRetention.objects.filter(stage=stage, effective_from=effective_from).exists():
        raise RetentionError(
            f"stage {stage.code} already has a schedule version from {effective_from}; "
            "versions are never rewritten, choose a new effective date",
            field="effective_from", rule="version_exists")
    if years is not None and not RetentionPeriod.objects.filter(years=years).exists():
        raise RetentionError(f"no retention code stands for {years} years",
                             field="years", rule="unknown_code")
    version = StageRetention(stage=stage, years=years, effective_from=effective_from,
                             basis=basis, note=note)
    return _save(version, actor=actor, action="create",
                 details={"stage": stage.code, "years": years,
                          "effective_from": effective_from.isoformat(), "basis": basis})


@transaction.atomic
def stage_retention_change(*, actor, stage: Stage, years: int | None, effective_from: dt.date,
                           basis: str = "", note: str = "") -> StageRetention:
    """Give a stage a new retention from a date, as a new schedule version.

    Records already filed keep the retention code they were given; their
    appraisal date follows the longest version that applies to them, so a
    longer new period extends them and a shorter one never cuts them.
    """
    version = _retention_version_add(actor=actor, stage=stage, years=years,
                                     effective_from=effective_from, basis=basis, note=note)
    _refresh_due_dates(actor=actor, stage_ids=[stage.pk])
    return version


def _refresh_due_dates(*, actor, stage_ids: Iterable[int]) -> int:
    changed = 0
    stages = {s.pk: s for s in Stage.objects.with_plan().filter(pk__in=set(stage_ids))}
    records = Record.objects.not_destroyed().filter(stage_id__in=stages).select_related("retention")
    for record in records.iterator():
        due = _due_date(stages[record.stage_id], record.formed_on, record.retention)
        if due != record.appraisal_due_on:
            old = record.appraisal_due_on
            record.appraisal_due_on = due
            record.save(update_fields=["appraisal_due_on", "updated_at"])
            _announce(instance=record, action="retention_recomputed", actor=actor,
                      details={"appraisal_due_on": [_jsonable(old), _jsonable(due)]})
            changed += 1
    return changed


@transaction.atomic
def fileplan_load(*, actor, path: str | Path,
                  default_effective_from: dt.date = ORDER_3_EFFECTIVE) -> PlanChanges:
    """Load a file-plan CSV: all rows are checked first, and any error rolls all back."""
    codes_years = dict(RetentionPeriod.objects.values_list("code", "years"))
    plan = read_plan(path, retention_codes=codes_years,
                     default_effective_from=default_effective_from)
    changes = apply_plan(plan, Category=Category, Stage=Stage, StageRetention=StageRetention)
    if changes.changed_stage_ids:
        _refresh_due_dates(actor=actor, stage_ids=changes.changed_stage_ids)
    _announce(instance=None, model=Stage, action="fileplan_load", actor=actor,
              details={"file": str(path), "categories_created": changes.categories_created,
                       "stages_created": changes.stages_created,
                       "stages_updated": changes.stages_updated,
                       "versions_created": changes.versions_created})
    return changes


# --- retention ----------------------------------------------------------------------------

def schedule_years(*, stage: Stage, formed_on: dt.date) -> int | None:
    """Return the period the file plan sets for a record of ``stage`` formed on that date."""
    versions = stage.schedule()
    if not versions:
        raise RetentionError(f"stage {stage.code} has no retention schedule",
                             field="stage", rule="no_schedule")
    return rules.governing_years(versions, formed_on)


def _due_date(stage: Stage, formed_on: dt.date, assigned: RetentionPeriod) -> dt.date | None:
    years = rules.governing_years(stage.schedule(), formed_on, assigned.years, has_assigned=True)
    return rules.appraisal_due_on(formed_on, years)


def _retention_for(stage: Stage, formed_on: dt.date,
                   chosen: RetentionPeriod | None) -> RetentionPeriod:
    minimum = schedule_years(stage=stage, formed_on=formed_on)
    if chosen is None:
        found = RetentionPeriod.objects.filter(years=minimum).first()
        if found is None:
            raise RetentionError(f"no retention code stands for {minimum} years",
                                 field="retention", rule="unknown_code")
        return found
    _refuse_below(stage, chosen, minimum)
    return chosen


def _refuse_below(stage: Stage, chosen: RetentionPeriod, minimum: int | None) -> None:
    if rules.longest([minimum, chosen.years]) != chosen.years:
        raise RetentionError(
            f"{chosen.code} is below the minimum the file plan sets for {stage.code} "
            f"({rules.period_label(minimum)})", field="retention", rule="below_minimum")


def retention_check_minimum(*, stage: Stage, retention: RetentionPeriod,
                            formed_on: dt.date | None = None) -> None:
    """Refuse ``retention`` if it is shorter than the plan's period for ``stage``.

    Periods are minimums: a longer one is allowed. ``formed_on`` defaults to today.
    """
    _refuse_below(stage, retention,
                  schedule_years(stage=stage, formed_on=formed_on or clock.today()))


# --- members and units ---------------------------------------------------------------------

def _checked(field: str, check) -> str:
    if not check.valid:
        raise IdentifierError(check.message, field=field, rule=check.rule)
    return check.normalized


@transaction.atomic
def member_create(*, actor, id_number: str, name: str) -> Member:
    number = _checked("id_number", identifiers.check_citizen_id(id_number))
    return _save(Member(id_number=number, name=name.strip()), actor=actor, action="create",
                 details={"id_number": number})


@transaction.atomic
def member_update(*, actor, member: Member, name: str) -> Member:
    changed = _changes(member, {"name": name.strip()})
    if not changed:
        return member
    return _save(member, actor=actor, action="update", details={"changed": changed})


def _unit_values(credit_code, org_code, computer_code, ss_code, name) -> dict:
    credit = _checked("credit_code", identifiers.check_credit_code(credit_code)) if credit_code else None
    org = _checked("org_code", identifiers.check_org_code(org_code)) if org_code else ""
    if credit and org and credit[8:17] != org:
        raise IdentifierError(f"the organisation code {org} is not the one inside {credit}",
                              field="org_code", rule="mismatch")
    if credit and not org:
        org = credit[8:17]
    return {"name": name.strip(), "credit_code": credit, "org_code": org,
            "computer_code": computer_code.strip(), "ss_code": ss_code.strip()}


@transaction.atomic
def unit_create(*, actor, name: str, credit_code: str | None = None, org_code: str = "",
                computer_code: str = "", ss_code: str = "") -> Unit:
    values = _unit_values(credit_code, org_code, computer_code, ss_code, name)
    return _save(Unit(**values), actor=actor, action="create",
                 details={k: v for k, v in values.items() if v})


def _found_or_created(model, lookup: dict, create):
    """The row matching ``lookup``, or the one ``create`` registers.

    Another process may register the same one at the same moment; its row then
    fails our unique check or insert, and theirs is returned.
    """
    found = model.objects.filter(**lookup).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return create()
    except (IntegrityError, CatalogError):
        found = model.objects.filter(**lookup).first()
        if found is None:
            raise
        return found


def member_get_or_create(*, actor, id_number: str, name: str = "") -> Member:
    """The member with this number, registered through ``member_create`` if new."""
    number = _checked("id_number", identifiers.check_citizen_id(id_number))
    return _found_or_created(Member, {"id_number": number},
                             lambda: member_create(actor=actor, id_number=number, name=name))


def unit_get_or_create(*, actor, credit_code: str, name: str = "", computer_code: str = "",
                       ss_code: str = "") -> Unit:
    """The unit with this credit code, registered through ``unit_create`` if new."""
    credit = _checked("credit_code", identifiers.check_credit_code(credit_code))
    return _found_or_created(Unit, {"credit_code": credit}, lambda: unit_create(
        actor=actor, name=name, credit_code=credit, computer_code=computer_code, ss_code=ss_code))


@transaction.atomic
def unit_update(*, actor, unit: Unit, name: str, credit_code: str | None = None,
                org_code: str = "", computer_code: str = "", ss_code: str = "") -> Unit:
    changed = _changes(unit, _unit_values(credit_code, org_code, computer_code, ss_code, name))
    if not changed:
        return unit
    return _save(unit, actor=actor, action="update", details={"changed": changed})


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
                raise CatalogError(f"{name} differs from volume {volume}'s", field=name,
                                   rule="volume_mismatch")
        fonds, stage, year, retention = volume.fonds, volume.stage, volume.year, volume.retention
    if fonds is None:
        raise CatalogError("a record needs a fonds", field="fonds", rule="required")
    if stage is None:
        raise CatalogError("a record needs a business stage", field="stage", rule="required")
    if formed_on is None:
        raise CatalogError("a record needs its formation date", field="formed_on", rule="required")
    year = year or formed_on.year
    retention = _retention_for(stage, formed_on, retention)
    if page_start is not None and page_end is not None and page_end < page_start:
        raise CatalogError(f"last page {page_end} is before first page {page_start}",
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
        raise ArchiveCodeError(f"档号 {record.archive_code} is already taken",
                               field="archive_code", rule="unique")


def _save_filed(record: Record, *, actor, action: str, details: dict) -> Record:
    try:
        with transaction.atomic():
            # _apply_filing checked the 档号 is free; the unique index catches a race.
            return _save(record, actor=actor, action=action, details=details,
                         unique_checked=frozenset({"archive_code"}))
    except IntegrityError:
        raise ArchiveCodeError(f"档号 {record.archive_code} is already taken",
                               field="archive_code", rule="unique") from None


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
        raise CatalogError(f"a record is catalogued as {' or '.join(_CATALOGUED_STATES)}, "
                           f"not {status}", field="status", rule="transition")
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
        raise CatalogError(f"record is already filed as {record.archive_code}",
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
        raise CatalogError(f"{transition!r} is not taken this way", field="status",
                           rule="unknown_transition")
    fields = {} if errors is None else {"errors": errors}
    return RECORD_LIFECYCLE.apply(record, transition, actor=actor,
                                  details={"errors": errors or []}, **fields)


def record_destroy(*, actor, record: Record, register) -> Record:
    """Destroy ``record`` as an item of the destruction ``register`` that authorises it.

    The catalogue entry stays as a tombstone; the audit event names the
    register (its label and id), and the counter's tombstone reads it from there.
    Removing the stored files is the caller's business (storage is not the
    catalogue's).
    """
    if register is None or getattr(register, "pk", None) is None:
        raise CatalogError("a record is destroyed only under a saved destruction register",
                           field="register", rule="required")
    meta = getattr(register, "_meta", None)
    return RECORD_LIFECYCLE.apply(record, "destroy", actor=actor, details={
        "register": str(register), "register_id": register.pk,
        "register_type": meta.label if meta else type(register).__name__})


def _parts(record: Record) -> ArchiveCodeParts:
    return ArchiveCodeParts(fonds=record.code_fonds, year=record.year,
                            category=record.code_category, stage=record.code_stage,
                            volume=record.volume_number, item=record.item_number,
                            page=record.page_start, retention=record.code_retention)


@transaction.atomic
def record_update(*, actor, record: Record, title: str, formed_on: dt.date,
                  page_end: int | None = None) -> Record:
    """Correct a record's descriptive metadata; its 档号 components do not change here."""
    if record.status == RecordStatus.DESTROYED:
        raise CatalogError("a destroyed record is a tombstone and cannot be edited",
                           field="status", rule="destroyed")
    if not record.is_filed:
        raise CatalogError("file the record first", field="archive_code", rule="not_filed")
    if page_end is not None and record.page_start is not None and page_end < record.page_start:
        raise CatalogError(f"last page {page_end} is before first page {record.page_start}",
                           field="page_end", rule="page_range")
    changed = _changes(record, {"title": title, "formed_on": formed_on, "page_end": page_end})
    if not changed:
        return record
    if "formed_on" in changed:
        _retention_for(record.stage, formed_on, record.retention)
        record.appraisal_due_on = _due_date(record.stage, formed_on, record.retention)
    return _save(record, actor=actor, action="update", details={"changed": changed})


@transaction.atomic
def record_sensitivity_set(*, actor, record: Record, sensitivity: str, reason: str) -> Record:
    """Open or restrict a record; the reason is kept in the audit trail."""
    record = Record.objects.select_for_update().get(pk=record.pk)
    if sensitivity not in Sensitivity.values:
        raise CatalogError(f"unknown sensitivity {sensitivity!r}; known: "
                           + ", ".join(Sensitivity.values), field="sensitivity", rule="choice")
    if record.status == RecordStatus.DESTROYED:
        raise CatalogError("a destroyed record is a tombstone and cannot be edited",
                           field="status", rule="destroyed")
    if not reason.strip():
        raise CatalogError("give the reason for the change", field="reason", rule="required")
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
