"""Appraisal batches (鉴定): open from the due list, freeze, collect opinions, decide.

Order No. 3 art. 11: a group of at least three (agency head, business staff,
archivists, HRSS staff) appraises each expired record; each member gives an
opinion per item — destroy, extend (a longer retention, with the reason) or
keep permanently — and the most conservative opinion is the batch's decision
(``retention.decisions``). A batch may hold ten thousand items, so items and
opinions are written in bulk, never one query per item.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from archive.audit import audit_log
from catalog.models import Category, Fonds, Record, RetentionPeriod, Stage
from catalog.services import is_longer
from kernel import clock
from kernel.locks import xact_lock

from .. import selectors
from ..errors import RetentionError
from ..models import (
    AppraisalBatch,
    AppraisalItem,
    AppraisalMember,
    AppraisalOpinion,
    BatchState,
    Decision,
)
from ..numbers import create_numbered
from ..workflows import BATCH_LIFECYCLE

MEMBERS_MIN = 3  # order No. 3 art. 11
OPINION_CHUNK = 2000
# Serialises the writers that take records into batches, so two officers opening
# batches at once cannot both take the same record (pg_advisory_xact_lock key).


@dataclass(frozen=True)
class GroupMember:
    """A member named for a batch's appraisal group."""

    user: object
    post: str = AppraisalMember.Post.OTHER
    is_leader: bool = False


def _as_member(given) -> GroupMember:
    if isinstance(given, GroupMember):
        return given
    if isinstance(given, dict):
        return GroupMember(**given)
    if isinstance(given, (tuple, list)):
        return GroupMember(*given)
    return GroupMember(user=given)


def _need(actor, permission: str, message: str) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise RetentionError(message, field=None, rule="permission")


def _lock_batching() -> None:
    # Two officers taking the same records into two batches at once: one waits for the other.
    xact_lock("appraisal_batching", "all")


def _check_members(members: Sequence) -> list[GroupMember]:
    group = [_as_member(m) for m in members]
    users = [m.user.pk for m in group]
    if len(set(users)) != len(users):
        raise RetentionError(_("a person is named twice in the appraisal group"),
                             field="members", rule="member_twice")
    if len(group) < MEMBERS_MIN:
        raise RetentionError(
            _("an appraisal group has at least three members (order No. 3 art. 11); %(n)d named")
            % {"n": len(group)}, field="members", rule="members_min_three")
    for member in group:
        if not member.user.is_active or not member.user.has_perm(
                "retention.give_appraisal_opinion"):
            raise RetentionError(
                _("%(user)s may not give appraisal opinions") % {"user": member.user},
                field="members", rule="member_not_appraiser")
        if member.post not in AppraisalMember.Post.values:
            raise RetentionError(_("unknown post %(post)s") % {"post": member.post},
                                 field="members", rule="post")
    leaders = [m for m in group if m.is_leader]
    if len(leaders) > 1:
        raise RetentionError(_("an appraisal group has one leader"), field="members",
                             rule="one_leader")
    if not leaders:  # the first named leads, as the group is usually listed
        group[0] = GroupMember(user=group[0].user, post=group[0].post, is_leader=True)
    return group


def _refuse_record(code: str, message: str, rule: str, **values):
    raise RetentionError(message % {"code": code, **values}, field="records", rule=rule)


def _check_chosen(ids: list[int], *, due_by: dt.date, fonds: Fonds | None) -> None:
    """Refuse any chosen record that is unknown, not due, held, batched or of another fonds."""
    rows = {pk: (code, status, due, fonds_id) for pk, code, status, due, fonds_id in
            Record.objects.filter(pk__in=ids).values_list(
                "pk", "archive_code", "status", "appraisal_due_on", "fonds_id")}
    for pk in ids:
        if pk not in rows:
            raise RetentionError(_("no record %(id)s") % {"id": pk}, field="records",
                                 rule="unknown_record")
        code, status, due, fonds_id = rows[pk]
        if status != "ready" or due is None or due > due_by:
            _refuse_record(code or str(pk), _("%(code)s is not due for appraisal by %(date)s"),
                           "not_due", date=due_by.isoformat())
        if fonds is not None and fonds_id != fonds.pk:
            _refuse_record(code, _("%(code)s belongs to another fonds"), "other_fonds")
    chosen = Record.objects.filter(pk__in=ids)
    held = chosen.filter(selectors.held_q()).values_list("archive_code", flat=True).first()
    if held:
        _refuse_record(held, _("%(code)s is under a hold and cannot be appraised"), "held")
    batched = chosen.filter(selectors.batched_q()).values_list("archive_code", flat=True).first()
    if batched:
        _refuse_record(batched, _("%(code)s is already in an appraisal batch"), "batched")


def _candidates(*, due_by, fonds, category, stage, year_from, year_to, records):
    if records is not None:
        ids = list(dict.fromkeys(r if isinstance(r, int) else r.pk for r in records))
        if not ids:
            raise RetentionError(_("choose at least one record"), field="records",
                                 rule="nothing_due")
        _check_chosen(ids, due_by=due_by, fonds=fonds)
        return Record.objects.filter(pk__in=ids)
    found = selectors.due_records(as_of=due_by)
    for name, value in (("fonds", fonds), ("category", category), ("stage", stage)):
        if value is not None:
            found = found.filter(**{name: value})
    if year_from is not None:
        found = found.filter(year__gte=year_from)
    if year_to is not None:
        found = found.filter(year__lte=year_to)
    return found


def _items_create(batch: AppraisalBatch, records) -> int:
    rows = records.values_list("pk", "retention__code", "appraisal_due_on")
    items = [AppraisalItem(batch=batch, record_id=pk, retention_code=code or "", due_on=due)
             for pk, code, due in rows.iterator(chunk_size=5000)]
    AppraisalItem.objects.bulk_create(items, batch_size=5000)
    return len(items)


def _filters(**given) -> dict:
    shown = {}
    for name, value in given.items():
        if value is None:
            continue
        shown[name] = getattr(value, "code", value)
    return shown


@transaction.atomic
def appraisal_open(*, actor, title: str, due_by: dt.date, members: Sequence,
                   fonds: Fonds | None = None, category: Category | None = None,
                   stage: Stage | None = None, year_from: int | None = None,
                   year_to: int | None = None,
                   records: Iterable[Record | int] | None = None) -> AppraisalBatch:
    """Open a batch of the records due by ``due_by`` (filtered, or the ones chosen).

    ``members`` are ``GroupMember``s or ``(user, post, is_leader)`` tuples; the
    opener need not be one of them. Without ``fonds`` the records must all be
    of one fonds (a register is drawn up per fonds).
    """
    _need(actor, "retention.open_appraisal", _("opening an appraisal needs the right to open "
                                                "appraisal batches"))
    title = " ".join((title or "").split())
    if not title:
        raise RetentionError(_("give the batch a title"), field="title", rule="required")
    if due_by is None:
        raise RetentionError(_("give the due date"), field="due_by", rule="required")
    group = _check_members(members)
    _lock_batching()
    found = _candidates(due_by=due_by, fonds=fonds, category=category, stage=stage,
                        year_from=year_from, year_to=year_to, records=records)
    fonds_ids = list(found.order_by().values_list("fonds_id", flat=True).distinct()[:2])
    if not fonds_ids:
        raise RetentionError(_("no record is due for appraisal by %(date)s with these filters")
                             % {"date": due_by.isoformat()}, field="due_by", rule="nothing_due")
    if fonds is None:
        if len(fonds_ids) > 1:
            raise RetentionError(_("the records belong to several fonds: choose one"),
                                 field="fonds", rule="one_fonds")
        fonds = Fonds.objects.get(pk=fonds_ids[0])
    filters = _filters(category=category, stage=stage, year_from=year_from, year_to=year_to)
    if records is not None:
        filters["chosen"] = True
    batch = create_numbered(AppraisalBatch, "batch", title=title, fonds=fonds, due_by=due_by,
                            filters=filters, opened_by=actor)
    AppraisalMember.objects.bulk_create([
        AppraisalMember(batch=batch, user=m.user, post=m.post, is_leader=m.is_leader)
        for m in group])
    count = _items_create(batch, found)
    audit_log(actor=actor, action="appraisal_open", obj=batch, items=count,
              due_by=due_by.isoformat(), fonds=fonds.code, filters=filters,
              members=[{"user": m.user.get_username(), "post": m.post, "leader": m.is_leader}
                       for m in group])
    return batch


def _lock_batch(batch: AppraisalBatch) -> AppraisalBatch:
    return AppraisalBatch.objects.select_for_update().get(pk=batch.pk)


def _draft(actor, batch: AppraisalBatch) -> AppraisalBatch:
    _need(actor, "retention.open_appraisal", _("changing a batch needs the right to open "
                                                "appraisal batches"))
    batch = _lock_batch(batch)
    if batch.state != BatchState.DRAFT:
        raise RetentionError(_("the items of batch %(number)s are frozen: it has been submitted")
                             % {"number": batch.number}, field="records", rule="frozen")
    return batch


@transaction.atomic
def appraisal_items_add(*, actor, batch: AppraisalBatch, records: Iterable[Record | int]) -> int:
    """Add due records to a draft batch; return how many were added."""
    batch = _draft(actor, batch)
    _lock_batching()
    ids = list(dict.fromkeys(r if isinstance(r, int) else r.pk for r in records))
    _check_chosen(ids, due_by=batch.due_by, fonds=batch.fonds)
    count = _items_create(batch, Record.objects.filter(pk__in=ids))
    audit_log(actor=actor, action="appraisal_items_add", obj=batch, count=count, records=ids)
    return count


@transaction.atomic
def appraisal_items_remove(*, actor, batch: AppraisalBatch,
                           records: Iterable[Record | int]) -> int:
    """Take records out of a draft batch (they return to the due list)."""
    batch = _draft(actor, batch)
    ids = [r if isinstance(r, int) else r.pk for r in records]
    count, _deleted = AppraisalItem.objects.filter(batch=batch, record_id__in=ids).delete()
    audit_log(actor=actor, action="appraisal_items_remove", obj=batch, count=count, records=ids)
    return count


def items_digest(batch: AppraisalBatch) -> str:
    """Return the SHA-256 over the batch's items: one ``档号<TAB>id`` line each, sorted."""
    digest = hashlib.sha256()
    rows = (AppraisalItem.objects.filter(batch=batch)
            .order_by("record__archive_code", "record_id")
            .values_list("record__archive_code", "record_id"))
    for code, pk in rows.iterator(chunk_size=5000):
        digest.update(f"{code}\t{pk}\n".encode())
    return digest.hexdigest()


@transaction.atomic
def appraisal_submit(*, actor, batch: AppraisalBatch) -> AppraisalBatch:
    """Freeze the items and open the batch for the members' opinions."""
    batch = _lock_batch(batch)
    count = batch.items.count()
    if batch.state == BatchState.DRAFT and not count:
        raise RetentionError(_("the batch has no items"), field="records", rule="no_items")
    sha = items_digest(batch)
    return BATCH_LIFECYCLE.apply(batch, "appraisal_submit", actor=actor,
                                 details={"items": count, "items_sha256": sha},
                                 submitted_at=clock.now(), items_sha256=sha)


def _years_by_code() -> dict[str, int | None]:
    return dict(RetentionPeriod.objects.values_list("code", "years"))


def _check_opinion(decision, retention, reason, items, years_by_code) -> RetentionPeriod | None:
    if decision not in Decision.values:
        raise RetentionError(_("the opinion is destroy, extend or keep"), field="decision",
                             rule="decision")
    if decision == Decision.DESTROY:
        return None
    if decision == Decision.KEEP:
        return RetentionPeriod.objects.get(years__isnull=True)
    if retention is None:
        raise RetentionError(_("an extension names the longer retention"), field="retention",
                             rule="retention_required")
    if not (reason or "").strip():
        raise RetentionError(_("give the reason for the extension"), field="reason",
                             rule="reason_required")
    not_longer = [code for code, years in years_by_code.items()
                  if not is_longer(retention, RetentionPeriod(code=code, years=years))]
    found = (items.filter(retention_code__in=not_longer)
             .values_list("record__archive_code", "retention_code").first())
    if found:
        raise RetentionError(
            _("%(new)s is not longer than the retention %(old)s of %(code)s: an extension keeps "
              "a record longer") % {"new": retention.code, "old": found[1], "code": found[0]},
            field="retention", rule="extension_not_longer")
    return retention


@transaction.atomic
def appraisal_opinion(*, actor, batch: AppraisalBatch, decision: str,
                      retention: RetentionPeriod | None = None, reason: str = "",
                      records: Iterable[Record | int] | None = None) -> int:
    """Record ``actor``'s opinion on the chosen items (all items without ``records``).

    A later opinion on an item replaces the member's earlier one, so per-item
    exceptions given after a bulk opinion overwrite it. Returns the items covered.
    """
    _need(actor, "retention.give_appraisal_opinion",
          _("giving an opinion needs the right to give appraisal opinions"))
    batch = AppraisalBatch.objects.select_for_update().get(pk=batch.pk)
    member = AppraisalMember.objects.filter(batch=batch, user=actor).first()
    if member is None:
        raise RetentionError(_("%(user)s is not a member of the appraisal group of %(number)s")
                             % {"user": actor, "number": batch.number}, field="actor",
                             rule="not_member")
    if batch.state != BatchState.SUBMITTED:
        raise RetentionError(_("batch %(number)s is not under appraisal") % {
            "number": batch.number}, field="batch", rule="not_under_appraisal")
    items = AppraisalItem.objects.filter(batch=batch)
    ids = None
    if records is not None:
        ids = list(dict.fromkeys(r if isinstance(r, int) else r.pk for r in records))
        items = items.filter(record_id__in=ids)
    retention = _check_opinion(decision, retention, reason, items, _years_by_code())
    item_ids = list(items.values_list("pk", "record_id"))
    if ids is not None and len(item_ids) != len(ids):
        missing = sorted(set(ids) - {record_id for _pk, record_id in item_ids})
        raise RetentionError(_("record %(id)s is not an item of batch %(number)s")
                             % {"id": missing[0], "number": batch.number}, field="records",
                             rule="not_in_batch")
    reason = (reason or "").strip()
    AppraisalOpinion.objects.bulk_create(
        [AppraisalOpinion(item_id=pk, member=member, decision=decision, retention=retention,
                          reason=reason) for pk, _record in item_ids],
        batch_size=OPINION_CHUNK, update_conflicts=True, unique_fields=["item", "member"],
        update_fields=["decision", "retention", "reason", "given_at"])
    audit_log(actor=actor, action="appraisal_opinion", obj=batch, decision=decision,
              retention=retention.code if retention else None, reason=reason,
              count=len(item_ids), scope="records" if ids is not None else "all",
              records=[record_id for _pk, record_id in item_ids])
    return len(item_ids)


def opinions_missing(batch: AppraisalBatch) -> dict[int, int]:
    """Return, per member id, how many items still lack that member's opinion."""
    total = batch.items.count()
    given = dict(AppraisalOpinion.objects.filter(item__batch=batch).values("member_id")
                 .annotate(n=Count("pk")).values_list("member_id", "n"))
    return {m: total - given.get(m, 0) for m in batch.members.values_list("pk", flat=True)
            if total - given.get(m, 0)}
