"""Destruction registers (销毁清册): build from a batch, submit, refuse, approve, file, close.

One register per fonds from the batch's destroy decisions. A held record never
enters one: the build lists it apart with the hold in its note, and adding it
by hand is refused (rule ``held``). Vouchers of unsettled matters (未了事项,
order No. 79: records under a hold of kind ``unsettled``) are listed apart as
``excluded`` and never destroyed. A register with accounting records needs the
order No. 79 signatories before it is submitted. Submitting freezes the rows
and records the SHA-256 of the content in the audit trail; nothing of the
content changes afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from archive.audit import audit_log
from catalog.models import Record, RecordStatus
from kernel import clock

from ..errors import RetentionError
from ..models import (
    AppraisalBatch,
    AppraisalItem,
    BatchState,
    Decision,
    DestructionItem,
    DestructionRegister,
    Hold,
    HoldKind,
    ItemState,
    RegisterState,
)
from ..numbers import create_numbered
from ..reports.register_content import (
    DEFAULT_REASON,
    SIGNATORIES,
    content_digest,
    is_accounting_record,
    item_row,
    missing_signatories,
    register_items,
)
from ..selectors import holds_covering
from ..workflows import REGISTER_LIFECYCLE

PREPARE = "retention.prepare_destruction"
APPROVE = "retention.approve_destruction"
# Registers whose items are spoken for: every state but closed (a refused one is a draft again).
ACTIVE_STATES = [s for s in RegisterState.values if s != RegisterState.CLOSED]


def _require(actor, permission: str) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise RetentionError(_("this step needs the permission %(permission)s")
                             % {"permission": permission}, rule="permission")


def _locked(register: DestructionRegister) -> DestructionRegister:
    return DestructionRegister.objects.select_for_update().select_related(
        "fonds", "batch", "prepared_by").get(pk=register.pk)


def _require_draft(register: DestructionRegister) -> None:
    if register.state != RegisterState.DRAFT:
        raise RetentionError(
            _("register %(number)s is frozen since it was submitted; its content cannot change")
            % {"number": register.number}, field="state", rule="frozen")


def _hold_label(holds: list[Hold]) -> str:
    return "、".join(f"{h.number}（{h.name}）" for h in holds)


def _on_other_register(record: Record, *, exclude_register=None):
    found = (DestructionItem.objects.filter(record=record, register__state__in=ACTIVE_STATES)
             .exclude(state__in=[ItemState.EXCLUDED, ItemState.SKIPPED]))
    if exclude_register is not None:
        found = found.exclude(register=exclude_register)
    return found.select_related("register").first()


def _classify(record: Record) -> tuple[str, str]:
    """Return (state, note) for a record about to be listed: held ones are listed apart.

    The note is part of the register's content: written in Chinese whoever builds it.
    """
    with translation.override("zh-hans"):
        return _classified(record)


def _classified(record: Record) -> tuple[str, str]:
    unsettled = holds_covering(record, kinds=(HoldKind.UNSETTLED,))
    if unsettled:
        return ItemState.EXCLUDED, _("unsettled matter (order No. 79), not destroyed: %(holds)s") % {
            "holds": _hold_label(unsettled)}
    held = holds_covering(record)
    if held:
        return ItemState.EXCLUDED, _("held, not destroyed: %(holds)s") % {
            "holds": _hold_label(held)}
    return ItemState.LISTED, ""


def _next_serial(register: DestructionRegister) -> int:
    last = register.items.order_by("-serial").values_list("serial", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def register_build(*, actor, batch: AppraisalBatch) -> list[DestructionRegister]:
    """Draw up one register per fonds from the closed ``batch``'s destroy decisions.

    Records already on another register that is not closed refuse the whole
    build (rule ``already_registered``); held records and unsettled-matter
    vouchers are listed apart (``excluded``) with the hold named in the note.
    """
    _require(actor, PREPARE)
    batch = AppraisalBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != BatchState.CLOSED:
        raise RetentionError(_("appraisal batch %(number)s is not decided yet")
                             % {"number": batch.number}, field="batch", rule="batch_not_closed")
    items = list(AppraisalItem.objects.filter(batch=batch, decision=Decision.DESTROY)
                 .exclude(record__status=RecordStatus.DESTROYED)
                 .select_related("record__fonds", "record__stage")
                 .prefetch_related("record__stage__retention_versions")
                 .order_by("record__fonds__code", "record__archive_code", "pk"))
    if not items:
        raise RetentionError(_("appraisal batch %(number)s decided to destroy nothing")
                             % {"number": batch.number}, field="batch", rule="nothing_to_destroy")
    for item in items:
        taken = _on_other_register(item.record)
        if taken is not None:
            raise RetentionError(
                _("%(code)s is already on destruction register %(register)s")
                % {"code": item.record.archive_code, "register": taken.register.number},
                field="batch", rule="already_registered")
    by_fonds: dict[int, list[AppraisalItem]] = defaultdict(list)
    for item in items:
        by_fonds[item.record.fonds_id].append(item)
    registers = []
    for group in by_fonds.values():
        fonds = group[0].record.fonds
        register = create_numbered(
            DestructionRegister, "register", batch=batch, fonds=fonds, prepared_by=actor,
            is_accounting=any(is_accounting_record(i.record) for i in group))
        excluded = []
        for serial, item in enumerate(group, start=1):
            state, note = _classify(item.record)
            DestructionItem.objects.create(
                register=register, serial=serial, record=item.record, appraisal_item=item,
                reason=(item.decision_reason or DEFAULT_REASON)[:300], note=note[:300],
                state=state)
            if state == ItemState.EXCLUDED:
                excluded.append({"archive_code": item.record.archive_code, "note": note})
        audit_log(actor=actor, action="register_build", obj=register, batch=batch.number,
                  fonds=fonds.code, items=len(group), excluded=excluded,
                  is_accounting=register.is_accounting)
        registers.append(register)
    return registers


@transaction.atomic
def register_item_add(*, actor, register: DestructionRegister, record: Record) -> DestructionItem:
    """Add a record of the batch's destroy decisions to a draft register by hand.

    Refused for a held record (rule ``held``, naming the 档号 and the hold) and
    for an unsettled-matter voucher (rule ``unsettled``).
    """
    _require(actor, PREPARE)
    register = _locked(register)
    _require_draft(register)
    unsettled = holds_covering(record, kinds=(HoldKind.UNSETTLED,))
    if unsettled:
        raise RetentionError(
            _("%(code)s is a voucher of an unsettled matter (order No. 79, %(holds)s) and is "
              "never destroyed") % {"code": record.archive_code, "holds": _hold_label(unsettled)},
            field="record", rule="unsettled")
    held = holds_covering(record)
    if held:
        raise RetentionError(_("%(code)s is held by %(holds)s and cannot enter a destruction "
                               "register") % {"code": record.archive_code,
                                              "holds": _hold_label(held)},
                             field="record", rule="held")
    if record.fonds_id != register.fonds_id:
        raise RetentionError(_("%(code)s belongs to another fonds") % {
            "code": record.archive_code}, field="record", rule="fonds_mismatch")
    appraisal = AppraisalItem.objects.filter(batch=register.batch, record=record,
                                             decision=Decision.DESTROY).first()
    if appraisal is None:
        raise RetentionError(_("%(code)s was not appraised for destruction in batch %(batch)s")
                             % {"code": record.archive_code, "batch": register.batch.number},
                             field="record", rule="not_appraised")
    taken = _on_other_register(record)
    if taken is not None:
        raise RetentionError(_("%(code)s is already on destruction register %(register)s")
                             % {"code": record.archive_code, "register": taken.register.number},
                             field="record", rule="already_registered")
    item = DestructionItem.objects.create(
        register=register, serial=_next_serial(register), record=record,
        appraisal_item=appraisal, reason=(appraisal.decision_reason or DEFAULT_REASON)[:300])
    if not register.is_accounting and is_accounting_record(record):
        DestructionRegister.objects.filter(pk=register.pk).update(is_accounting=True)
    audit_log(actor=actor, action="register_item_add", obj=register,
              archive_code=record.archive_code, record_id=record.pk, serial=item.serial)
    return item


@transaction.atomic
def register_item_exclude(*, actor, item: DestructionItem, note: str) -> DestructionItem:
    """List an item of a draft register apart (not destroyed), saying why."""
    _require(actor, PREPARE)
    register = _locked(item.register)
    _require_draft(register)
    if not note.strip():
        raise RetentionError(_("say why the item is not destroyed"), field="note", rule="required")
    item = DestructionItem.objects.select_for_update().get(pk=item.pk)
    item.state, item.note = ItemState.EXCLUDED, note.strip()[:300]
    item.save(update_fields=["state", "note"])
    audit_log(actor=actor, action="register_item_exclude", obj=register,
              archive_code=item.record.archive_code, serial=item.serial, note=item.note)
    return item


@transaction.atomic
def register_signatories_set(*, actor, register: DestructionRegister,
                             **names: str) -> DestructionRegister:
    """Name the order No. 79 signatories of a draft accounting register."""
    _require(actor, PREPARE)
    register = _locked(register)
    _require_draft(register)
    known = {key for key, _label in SIGNATORIES}
    unknown = set(names) - known
    if unknown:
        raise RetentionError(_("unknown signatory %(name)s") % {"name": sorted(unknown)[0]},
                             field="signatories", rule="unknown_signatory")
    signatories = {**register.signatories,
                   **{key: str(value or "").strip()[:60] for key, value in names.items()}}
    register.signatories = signatories
    register.save(update_fields=["signatories", "updated_at"])
    audit_log(actor=actor, action="register_signatories_set", obj=register,
              signatories=signatories)
    return register


def _recheck_holds(register: DestructionRegister) -> None:
    for item in register.items.filter(state=ItemState.LISTED).select_related("record"):
        held = holds_covering(item.record)
        if held:
            rule = ("unsettled" if any(h.kind == HoldKind.UNSETTLED for h in held) else "held")
            raise RetentionError(
                _("%(code)s is held by %(holds)s and cannot enter a destruction register; "
                  "list it apart first") % {"code": item.record.archive_code,
                                           "holds": _hold_label(held)},
                field="items", rule=rule)


@transaction.atomic
def register_submit(*, actor, register: DestructionRegister) -> DestructionRegister:
    """Freeze the register's rows and record the SHA-256 of its content; send it for approval."""
    _require(actor, PREPARE)
    register = _locked(register)
    _require_draft(register)
    if not register.items.filter(state=ItemState.LISTED).exists():
        raise RetentionError(_("register %(number)s lists nothing to destroy")
                             % {"number": register.number}, field="items", rule="empty")
    if register.is_accounting and (missing := missing_signatories(register)):
        raise RetentionError(
            _("an accounting register (order No. 79) needs its signatories: %(missing)s")
            % {"missing": "、".join(missing)}, field="signatories", rule="signatories_missing")
    _recheck_holds(register)
    today = clock.today()
    rows = []
    for item in register_items(register):
        row = item_row(item, on=today)
        DestructionItem.objects.filter(pk=item.pk).update(row=row)
        rows.append(row)
    digest = content_digest(register, rows)
    return REGISTER_LIFECYCLE.apply(
        register, "register_submit", actor=actor,
        details={"content_sha256": digest, "items": len(rows),
                 "excluded": sum(1 for r in rows if r["excluded"])},
        submitted_at=timezone.now(), content_sha256=digest, refusal_reason="")


@transaction.atomic
def register_refuse(*, actor, register: DestructionRegister, reason: str) -> DestructionRegister:
    """Send a submitted register back to its author as a draft, with the reason."""
    _require(actor, APPROVE)
    if not (reason or "").strip():
        raise RetentionError(_("a refusal needs its reason"), field="reason", rule="required")
    return REGISTER_LIFECYCLE.apply(register, "register_refuse", actor=actor,
                                    details={"reason": reason.strip(),
                                             "content_sha256": register.content_sha256},
                                    refusal_reason=reason.strip(), content_sha256="",
                                    submitted_at=None)


def _check_content(register: DestructionRegister) -> None:
    if content_digest(register) != register.content_sha256:
        raise RetentionError(_("register %(number)s no longer matches the content submitted")
                             % {"number": register.number}, field="content_sha256",
                             rule="content_changed")


@transaction.atomic
def register_approve(*, actor, register: DestructionRegister) -> DestructionRegister:
    """Approve a submitted register (审批); its author never approves it."""
    _require(actor, APPROVE)
    register = _locked(register)
    if actor is not None and actor.pk == register.prepared_by_id:
        raise RetentionError(_("the author of a register cannot approve it"),
                             field="approved_by", rule="author_cannot_approve")
    if register.state == RegisterState.SUBMITTED:
        _check_content(register)
    return REGISTER_LIFECYCLE.apply(register, "register_approve", actor=actor,
                                    details={"content_sha256": register.content_sha256},
                                    approved_by=actor, approved_at=timezone.now())


@transaction.atomic
def register_file(*, actor, register: DestructionRegister, filed_on: dt.date,
                  reference: str) -> DestructionRegister:
    """Record the filing (备案) of an approved register with the HRSS department."""
    _require(actor, PREPARE)
    reference = (reference or "").strip()
    if not reference:
        raise RetentionError(_("the filing needs the HRSS department's reference"),
                             field="reference", rule="required")
    if filed_on is None:
        raise RetentionError(_("the filing needs its date"), field="filed_on", rule="required")
    if filed_on > clock.today():
        raise RetentionError(_("the filing date is in the future"), field="filed_on",
                             rule="future_date")
    if register.approved_at and filed_on < timezone.localdate(register.approved_at):
        raise RetentionError(_("the filing date is before the approval"), field="filed_on",
                             rule="before_approval")
    return REGISTER_LIFECYCLE.apply(register, "register_file", actor=actor,
                                    details={"filed_on": filed_on.isoformat(),
                                             "reference": reference},
                                    filed_on=filed_on, filing_reference=reference[:200])


@transaction.atomic
def register_close(*, actor, register: DestructionRegister) -> DestructionRegister:
    """Close an executed register, filing its PDF as a permanent record first."""
    from .register_filing import register_archive

    _require(actor, PREPARE)
    if register.state != RegisterState.EXECUTED:
        # Refused by the workflow with its rule; checked first so nothing is filed.
        return REGISTER_LIFECYCLE.apply(register, "register_close", actor=actor)
    record = register_archive(actor=actor, register=register)
    return REGISTER_LIFECYCLE.apply(register, "register_close", actor=actor,
                                    details={"filed_record": record.archive_code},
                                    closed_at=timezone.now())
