"""An officer's corrections of a record, each with its reason in the audit trail.

Every correction needs ``catalog.change_record`` and a reason; a refused one raises a
``CatalogError`` with a Chinese message (through gettext) naming the rule. A correction
that changes the 档号 (another stage, category, retention, year or volume) gives the
record its new code and keeps the old one as a ``RecordCodeAlias``, which still finds it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from .. import codes
from .. import retention as rules
from ..errors import CatalogError, RetentionError
from ..models import (
    LinkSource,
    Member,
    Record,
    RecordCodeAlias,
    RecordMember,
    RecordStatus,
    RecordUnit,
    RetentionPeriod,
    Stage,
    Unit,
    Volume,
)
from ._base import _announce, _jsonable
from .records import _apply_filing, _parts, _save_filed, record_sensitivity_set
from .retention import _due_date, retention_check_minimum


def _open(actor, record: Record, reason: str) -> Record:
    """Check who corrects and why, and lock the record for the correction."""
    if not actor.has_perm("catalog.change_record"):
        raise CatalogError(_("correcting a record needs the right to change records"),
                           field=None, rule="permission")
    if not (reason or "").strip():
        raise CatalogError(_("give the reason for the correction"), field="reason",
                           rule="reason_required")
    record = (Record.objects.select_related("fonds", "stage", "retention", "volume")
              .select_for_update(of=("self",)).get(pk=record.pk))
    if record.status == RecordStatus.DESTROYED:
        raise CatalogError(_("a destroyed record is a tombstone and cannot be corrected"),
                           field=None, rule="destroyed")
    return record


def _filed(record: Record) -> None:
    if not record.is_filed:
        raise CatalogError(_("file the record first: it has no 档号 yet"), field=None,
                           rule="not_filed")


def _saved(record: Record, *, actor, action: str, reason: str, changed: dict) -> Record:
    record.save()
    _announce(instance=record, action=action, actor=actor,
              details={"changed": changed, "reason": reason.strip()})
    return record


def _check_retention(stage: Stage, retention: RetentionPeriod, formed_on: dt.date | None) -> None:
    try:
        retention_check_minimum(stage=stage, retention=retention, formed_on=formed_on)
    except RetentionError as exc:
        if exc.rule == "below_minimum":
            raise CatalogError(
                _("retention %(code)s is below the minimum the file plan sets for %(stage)s; "
                  "a period may be longer than the plan's, never shorter")
                % {"code": retention.code, "stage": stage.code},
                field="retention", rule="below_minimum") from None
        raise CatalogError(_("stage %(stage)s has no retention schedule in the file plan")
                           % {"stage": stage.code}, field="stage", rule=exc.rule) from None


def _refile(record: Record, *, actor, action: str, reason: str, stage: Stage,
            formed_on: dt.date, retention: RetentionPeriod | None,
            volume: Volume | None) -> Record:
    """Give ``record`` a new 档号 from these components; the old one becomes an alias."""
    old_code = record.archive_code
    before = {"archive_code": old_code, "stage": record.stage.code,
              "retention": record.retention.code, "formed_on": _jsonable(record.formed_on),
              "volume": record.volume_id}
    if retention is not None:
        _check_retention(stage, retention, formed_on)
    item_number = _next_in_volume(volume) if volume is not None else None
    try:
        _apply_filing(record, stage=stage, formed_on=formed_on, volume=volume,
                      year=volume.year if volume else formed_on.year, retention=retention,
                      item_number=item_number, page_start=record.page_start,
                      page_end=record.page_end)
    except RetentionError:
        raise CatalogError(_("stage %(stage)s has no retention schedule in the file plan")
                           % {"stage": stage.code}, field="stage", rule="no_schedule") from None
    except CatalogError as exc:
        if exc.rule == "volume_mismatch":
            raise CatalogError(_("the volume holds records of another fonds, stage or year"),
                               field="volume", rule="volume_mismatch") from None
        raise
    after = {"archive_code": record.archive_code, "stage": record.stage.code,
             "retention": record.retention.code, "formed_on": _jsonable(record.formed_on),
             "volume": record.volume_id}
    if old_code != record.archive_code:
        RecordCodeAlias.objects.create(record=record, archive_code=old_code,
                                       reason=reason.strip()[:300])
    _save_filed(record, actor=actor, action=action,
                details={"changed": {k: [before[k], after[k]] for k in before
                                     if before[k] != after[k]},
                         "former_archive_code": old_code, "reason": reason.strip()})
    return record


def _next_in_volume(volume: Volume) -> int:
    list(Volume.objects.select_for_update().filter(pk=volume.pk).values_list("pk", flat=True))
    top = Record.objects.filter(volume=volume).aggregate(top=Max("item_number"))["top"]
    return (top or 0) + 1


@transaction.atomic
def record_title_correct(*, actor, record: Record, title: str, reason: str) -> Record:
    """Correct the title (题名) a record was given from its file name or its text."""
    record = _open(actor, record, reason)
    title = " ".join((title or "").split())
    if not title:
        raise CatalogError(_("a record needs a title"), field="title", rule="required")
    if len(title) > 500:
        raise CatalogError(_("a title is at most 500 characters"), field="title", rule="max_length")
    if title == record.title:
        return record
    changed = {"title": [record.title, title]}
    record.title = title
    return _saved(record, actor=actor, action="correct_title", reason=reason, changed=changed)


@transaction.atomic
def record_formed_on_correct(*, actor, record: Record, formed_on: dt.date, reason: str) -> Record:
    """Correct the formation date; another year gives a new 档号 (the year is part of it)."""
    record = _open(actor, record, reason)
    if formed_on is None:
        raise CatalogError(_("a record needs its formation date"), field="formed_on",
                           rule="required")
    if formed_on == record.formed_on:
        return record
    if record.is_filed and record.volume_id is None and formed_on.year != record.year:
        return _refile(record, actor=actor, action="correct_formed_on", reason=reason,
                       stage=record.stage, formed_on=formed_on, retention=record.retention,
                       volume=None)
    if record.volume_id is not None and formed_on.year != record.volume.year:
        raise CatalogError(_("the volume holds records of %(year)s: move the record out of the "
                             "volume first") % {"year": record.volume.year},
                           field="formed_on", rule="volume_mismatch")
    changed = {"formed_on": [_jsonable(record.formed_on), formed_on.isoformat()]}
    record.formed_on = formed_on
    if record.is_filed:
        _check_retention(record.stage, record.retention, formed_on)
        record.appraisal_due_on = _due_date(record.stage, formed_on, record.retention)
    return _saved(record, actor=actor, action="correct_formed_on", reason=reason, changed=changed)


@transaction.atomic
def record_refile(*, actor, record: Record, stage: Stage, reason: str,
                  retention: RetentionPeriod | None = None) -> Record:
    """File the record under another stage (and so perhaps category): a new 档号.

    The retention is the plan's for the new stage unless a longer one is given. A
    record in a volume leaves it (the volume holds one stage) and is filed on its own.
    """
    record = _open(actor, record, reason)
    _filed(record)
    if stage.pk == record.stage_id and (retention is None or retention.pk == record.retention_id):
        return record
    return _refile(record, actor=actor, action="refile", reason=reason, stage=stage,
                   formed_on=record.formed_on, retention=retention, volume=None)


@transaction.atomic
def record_retention_correct(*, actor, record: Record, retention: RetentionPeriod,
                             reason: str) -> Record:
    """Give the record another retention, never below the plan's; the 档号 follows it."""
    record = _open(actor, record, reason)
    _filed(record)
    if retention.pk == record.retention_id:
        return record
    _check_retention(record.stage, retention, record.formed_on)
    if record.volume_id is not None:
        raise CatalogError(_("a record in a volume keeps the volume's retention: move it out of "
                             "the volume first"), field="retention", rule="volume_mismatch")
    return _refile(record, actor=actor, action="correct_retention", reason=reason,
                   stage=record.stage, formed_on=record.formed_on, retention=retention,
                   volume=None)


def is_longer(candidate: RetentionPeriod, than: RetentionPeriod | None) -> bool:
    """Return whether ``candidate`` keeps a record longer than ``than`` (permanent is longest)."""
    if than is None:
        return True
    return candidate.years != than.years and rules.longest([candidate.years, than.years]) == (
        candidate.years)


@transaction.atomic
def record_retention_extend(*, actor, record: Record, retention: RetentionPeriod,
                            reason: str) -> Record:
    """Keep the record longer after an appraisal (延长保管期限): retention and due date re-set.

    A period that is not longer than the record's is ignored (appraisal never
    shortens). A record filed on its own gets the 档号 of its new retention (the
    old one stays an alias); a record in a volume keeps the volume's 档号, which
    is written on the folder, and carries the longer retention itself. Either
    way the schedule refresh reads the record's own retention, so a later
    schedule version never cuts the extension.
    """
    record = _open(actor, record, reason)
    _filed(record)
    if not is_longer(retention, record.retention):
        return record
    if record.volume_id is None:
        return _refile(record, actor=actor, action="extend_retention", reason=reason,
                       stage=record.stage, formed_on=record.formed_on, retention=retention,
                       volume=None)
    changed = {"retention": [record.retention.code, retention.code],
               "appraisal_due_on": [_jsonable(record.appraisal_due_on), None]}
    record.retention = retention
    record.appraisal_due_on = _due_date(record.stage, record.formed_on, retention)
    changed["appraisal_due_on"][1] = _jsonable(record.appraisal_due_on)
    return _saved(record, actor=actor, action="extend_retention", reason=reason, changed=changed)


@transaction.atomic
def record_volume_correct(*, actor, record: Record, volume: Volume | None, reason: str) -> Record:
    """Put the record into ``volume`` (its next item) or, with None, file it on its own."""
    record = _open(actor, record, reason)
    _filed(record)
    if (volume.pk if volume else None) == record.volume_id:
        return record
    if volume is not None and volume.stage_id != record.stage_id:
        raise CatalogError(_("the volume holds records of stage %(stage)s; re-file the record "
                             "under that stage first") % {"stage": volume.stage.code},
                           field="volume", rule="volume_mismatch")
    if volume is not None and record.page_start is None:
        # The 档号 of a record in a volume carries its first page (DA/T 22).
        raise CatalogError(_("a record in a volume is numbered by its first page: enter the "
                             "pages first"), field="page_start", rule="page_required")
    return _refile(record, actor=actor, action="correct_volume", reason=reason,
                   stage=record.stage, formed_on=record.formed_on,
                   retention=volume.retention if volume else record.retention, volume=volume)


@transaction.atomic
def record_pages_correct(*, actor, record: Record, page_start: int | None,
                         page_end: int | None, reason: str) -> Record:
    """Correct the first and last page; a 档号 that carries the page changes with it."""
    record = _open(actor, record, reason)
    if page_start is not None and page_end is not None and page_end < page_start:
        raise CatalogError(_("the last page (%(end)s) is before the first page (%(start)s)")
                           % {"end": page_end, "start": page_start},
                           field="page_end", rule="page_range")
    if (page_start, page_end) == (record.page_start, record.page_end):
        return record
    changed = {"page_start": [record.page_start, page_start],
               "page_end": [record.page_end, page_end]}
    record.page_start, record.page_end = page_start, page_end
    if record.is_filed:
        new_code = codes.render(_parts(record), in_volume=record.volume_id is not None)
        if new_code != record.archive_code:
            if Record.objects.filter(archive_code=new_code).exclude(pk=record.pk).exists():
                raise CatalogError(_("档号 %(code)s is already taken") % {"code": new_code},
                                   field="page_start", rule="unique")
            RecordCodeAlias.objects.create(record=record, archive_code=record.archive_code,
                                           reason=reason.strip()[:300])
            changed["archive_code"] = [record.archive_code, new_code]
            record.archive_code = new_code
    return _saved(record, actor=actor, action="correct_pages", reason=reason, changed=changed)


@transaction.atomic
def record_sensitivity_correct(*, actor, record: Record, sensitivity: str, reason: str) -> Record:
    """Open or restrict the record (``record_sensitivity_set``), refused without a reason."""
    record = _open(actor, record, reason)
    return record_sensitivity_set(actor=actor, record=record, sensitivity=sensitivity,
                                  reason=reason.strip())


def _link(record: Record, member: Member | None, unit: Unit | None):
    if (member is None) == (unit is None):
        raise CatalogError(_("name one member or one unit"), field=None, rule="one_link")
    if member is not None:
        link = RecordMember.objects.filter(record=record, member=member).first()
        subject = {"member": member.id_number}
    else:
        link = RecordUnit.objects.filter(record=record, unit=unit).first()
        subject = {"unit": unit.credit_code or unit.name}
    if link is None:
        raise CatalogError(_("the record is not linked to this member or unit"), field=None,
                           rule="not_linked")
    return link, subject


@transaction.atomic
def record_link_confirm(*, actor, record: Record, reason: str, member: Member | None = None,
                        unit: Unit | None = None) -> Record:
    """Confirm a link suggested from the text: it becomes the officer's (manual) link."""
    record = _open(actor, record, reason)
    link, subject = _link(record, member, unit)
    if link.source == LinkSource.MANUAL:
        return record
    link.source = LinkSource.MANUAL
    link.save(update_fields=["source"])
    _announce(instance=record, action="link_confirm", actor=actor,
              details={**subject, "reason": reason.strip()})
    return record


@transaction.atomic
def record_link_drop(*, actor, record: Record, reason: str, member: Member | None = None,
                     unit: Unit | None = None) -> Record:
    """Remove a wrong link (a number misread, a person not on the record)."""
    record = _open(actor, record, reason)
    link, subject = _link(record, member, unit)
    source = link.source
    link.delete()
    _announce(instance=record, action="link_drop", actor=actor,
              details={**subject, "source": source, "reason": reason.strip()})
    return record


@transaction.atomic
def record_correct(*, actor, record: Record, reason: str, title: str, formed_on: dt.date,
                   stage: Stage, retention: RetentionPeriod, sensitivity: str,
                   volume: Volume | None, page_start: int | None,
                   page_end: int | None) -> Record:
    """Apply each correction of the 更正 form that changes something, all with one reason.

    The order keeps the rules: the stage (or else the retention) before the date, the
    volume before its pages. One refusal rolls all of them back.
    """
    record = record_title_correct(actor=actor, record=record, title=title, reason=reason)
    if stage.pk != record.stage_id:
        # The retention chosen with the new stage, unless it is the plan's default.
        keep = retention if retention.pk != record.retention_id else None
        record = record_refile(actor=actor, record=record, stage=stage, retention=keep,
                               reason=reason)
    elif retention.pk != record.retention_id:
        record = record_retention_correct(actor=actor, record=record, retention=retention,
                                          reason=reason)
    record = record_formed_on_correct(actor=actor, record=record, formed_on=formed_on,
                                      reason=reason)
    record = record_volume_correct(actor=actor, record=record, volume=volume, reason=reason)
    record = record_pages_correct(actor=actor, record=record, page_start=page_start,
                                  page_end=page_end, reason=reason)
    return record_sensitivity_correct(actor=actor, record=record, sensitivity=sensitivity,
                                      reason=reason)
