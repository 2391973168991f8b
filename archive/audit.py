"""The tamper-evident audit trail: append events to a hash chain and verify it.

The chain is anchored outside the database by ``archive.anchor``: a keyed MAC
on every event and checkpoints of the head in a file and the object store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from .anchor import KEY_SETTING, checkpoints_load, event_mac, event_mac_matches
from .models import AuditChainHead, AuditEvent, PendingAuditEvent
from .storage import ObjectStore, object_store
from .vocabulary import is_known

GENESIS = "0" * 64


class UnknownAuditAction(ValueError):
    """An action missing from the vocabulary (``archive.vocabulary``): a programming error."""


@dataclass(frozen=True)
class AuditSubject:
    """What an event is about when it is not a model instance (a query, a sign-in name)."""

    type: str
    id: str | int = ""
    label: str = ""


def audit_log(*, actor, action: str, obj=None, **details) -> AuditEvent:
    """Append an event about ``obj`` (a model instance or an ``AuditSubject``).

    The object's type (``app_label.Model``), id and label are taken from it;
    ``details`` become the event's details. ``action`` must be in the
    vocabulary. Inside ``audit_batch()`` the event is appended when the batch ends.
    """
    if not is_known(action):
        raise UnknownAuditAction(f"audit action {action!r} is not in archive.vocabulary")
    if obj is None:
        object_type, object_id, object_repr = "", "", ""
    elif isinstance(obj, AuditSubject):
        object_type, object_id, object_repr = obj.type, obj.id, obj.label
    else:
        object_type, object_id, object_repr = obj._meta.label, obj.pk or "", str(obj)
    return audit_event_record(actor=actor, action=action, object_type=object_type,
                              object_id=object_id, object_repr=object_repr, details=details)


def _plain(details: dict | None) -> dict:
    # Store exactly what is hashed: JSON types only, as the database gives them back.
    return _without_nul(json.loads(json.dumps(details or {}, ensure_ascii=False, default=str)))


def _without_nul(value):
    """Replace NUL characters, which PostgreSQL cannot store in text or jsonb.

    Whatever a caller typed is audited, even bytes no form would accept; the
    replacement character shows where a NUL was.
    """
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value


def event_hash(*, sequence: int, occurred_at: dt.datetime, actor_id: int | None, actor_name: str,
               action: str, object_type: str, object_id: str, object_repr: str, details: dict,
               prev_hash: str) -> str:
    """Return the SHA-256 of an event's fields in a canonical JSON form."""
    payload = {
        "sequence": sequence,
        "occurred_at": occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id, "actor_name": actor_name, "action": action,
        "object_type": object_type, "object_id": object_id, "object_repr": object_repr,
        "details": details, "prev_hash": prev_hash,
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _actor_name(actor) -> str:
    if actor is None:
        return "system"
    return actor.get_username() if hasattr(actor, "get_username") else str(actor)


_pending = threading.local()

_EVENT_FIELDS = ("actor_id", "actor_name", "action", "object_type", "object_id", "object_repr",
                 "details")


def audit_event_record(*, actor, action: str, object_type: str, object_id: str | int = "",
                       object_repr: str = "", details: dict | None = None) -> AuditEvent:
    """Append one event as given; the head row is locked so concurrent appends form one chain.

    The chain's own primitive: application code calls ``audit_log``, which
    checks the vocabulary and reads the object. Inside ``audit_batch()`` the
    event waits in its transaction and is appended when the batch ends.
    """
    event = AuditEvent(
        actor_id=getattr(actor, "pk", None) if actor is not None else None,
        actor_name=_without_nul(_actor_name(actor)[:150]), action=action[:64],
        object_type=object_type[:100], object_id=_without_nul(str(object_id)[:64]),
        object_repr=_without_nul(str(object_repr)[:300]), details=_plain(details))
    batch = getattr(_pending, "batch", None)
    if batch is not None:
        PendingAuditEvent.objects.create(batch=batch, **{name: getattr(event, name)
                                                         for name in _EVENT_FIELDS})
        return event
    return _append([event])[0]


@contextmanager
def audit_batch():
    """Hold the events recorded inside and append them together at the end.

    Use it around a whole write transaction (inside ``transaction.atomic``): the
    chain's head row is then locked only from the end of the block to the
    commit, not for the whole transaction, so concurrent writers are not
    serialised on it. Held events wait as rows of the same transaction, so
    those recorded inside a savepoint that rolled back are gone with it, as
    their changes are.
    """
    if getattr(_pending, "batch", None) is not None:  # nested: the outer block appends
        yield
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_batch() must run inside transaction.atomic()")
    _pending.batch = batch = uuid.uuid4()
    try:
        yield
        _pending.batch = None
        events = _held_taken(batch)
        if events:
            _append(events)
    finally:
        _pending.batch = None


def _held_taken(batch: uuid.UUID) -> list[AuditEvent]:
    """Delete the batch's held rows and return their events in the order they were recorded.

    One ``DELETE … RETURNING`` where the database has it: the batch ends while
    other writers may wait on locks this transaction holds, so it asks once.
    """
    held = PendingAuditEvent.objects.filter(batch=batch)
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 35):
        rows = [[getattr(row, name) for name in ("pk", *_EVENT_FIELDS)] for row in held]
        held.delete()
    else:
        meta, quote = PendingAuditEvent._meta, connection.ops.quote_name
        columns = ", ".join(quote(meta.get_field(name).column) for name in ("id", *_EVENT_FIELDS))
        details = meta.get_field("details")
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {quote(meta.db_table)} WHERE {quote('batch')} = %s "
                f"RETURNING {columns}",
                [meta.get_field("batch").get_db_prep_value(batch, connection)])
            rows = [[*row[:-1], details.from_db_value(row[-1], None, connection)]
                    for row in cursor.fetchall()]
    return [AuditEvent(**dict(zip(_EVENT_FIELDS, row[1:], strict=True)))
            for row in sorted(rows, key=lambda row: row[0])]


@transaction.atomic
def _append(events: list[AuditEvent]) -> list[AuditEvent]:
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    now = timezone.now()
    sequence, previous = head.last_sequence, head.last_hash
    for event in events:
        sequence += 1
        event.sequence, event.occurred_at, event.prev_hash = sequence, now, previous
        event.hash = previous = event_hash(
            sequence=sequence, occurred_at=now, actor_id=event.actor_id,
            actor_name=event.actor_name, action=event.action, object_type=event.object_type,
            object_id=event.object_id, object_repr=event.object_repr, details=event.details,
            prev_hash=event.prev_hash)
        event.mac = event_mac(event.hash)
    AuditEvent.objects.bulk_create(events)
    head.last_sequence, head.last_hash = sequence, previous
    head.save(update_fields=["last_sequence", "last_hash"])
    return events


@dataclass
class ChainReport:
    """What ``audit_chain_verify`` found.

    ``broken_sequence`` is the first event found wrong (None when only the
    checkpoints disagree with each other, listed in ``anchor_problems``);
    ``untrusted_from`` is the first event after the last checkpoint that
    still matches: from there on the trail cannot be trusted.
    """

    ok: bool
    checked: int
    broken_sequence: int | None = None
    broken_id: int | None = None
    reason: str = ""
    before_anchoring: int = 0
    checkpoints: int = 0
    last_good_checkpoint: int | None = None
    untrusted_from: int | None = None
    anchor_problems: list[str] = field(default_factory=list)


def audit_chain_verify(*, store: ObjectStore | None = None) -> ChainReport:
    """Walk the chain in sequence order, check every MAC and checkpoint, and say where it breaks.

    Events without a MAC are accepted only before the first one that has one
    (and before the ``mac_from`` of every checkpoint): they were written before
    the chain was anchored and are covered by their hashes and the checkpoints.
    """
    anchors = checkpoints_load(store or object_store())
    named: dict[int, list] = {}
    for checkpoint in anchors.checkpoints:
        named.setdefault(checkpoint.sequence, []).append(checkpoint)
    report = ChainReport(False, 0, anchor_problems=anchors.problems)
    with _one_snapshot():  # taken after the checkpoints were read: it holds every event they name
        reason = _walk(report, named, anchors.mac_from)
        if reason is None:
            reason = _head_and_tail(report, named)
    report.ok = reason is None and not anchors.problems
    if reason is not None:
        report.reason = reason
        good = report.last_good_checkpoint
        report.untrusted_from = 1 if good is None else good + 1
    return report


@contextmanager
def _one_snapshot():
    """Read the events and the head as of one moment, while appends go on meanwhile.

    Without it the head, read after a long walk, names events appended since
    and the end of the chain looks cut.
    """
    if transaction.get_connection().in_atomic_block:  # the caller's transaction decides
        yield
        return
    with transaction.atomic():
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield  # SQLite: a read transaction is one snapshot already


def _walk(report: ChainReport, named: dict[int, list], mac_from: int | None) -> str | None:
    """Check every event in order; return why the first wrong one is wrong, if any."""
    previous_hash = GENESIS
    expected_sequence = 1
    anchored_at = None
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        report.broken_sequence, report.broken_id = event.sequence, event.pk
        if event.sequence != expected_sequence:
            return (f"sequence {event.sequence} follows {expected_sequence - 1}: "
                    f"event(s) {expected_sequence}..{event.sequence - 1} are missing")
        if event.prev_hash != previous_hash:
            return ("its previous-hash does not match the event before it "
                    "(an event was removed or the order changed)")
        recomputed = event_hash(
            sequence=event.sequence, occurred_at=event.occurred_at, actor_id=event.actor_id,
            actor_name=event.actor_name, action=event.action, object_type=event.object_type,
            object_id=event.object_id, object_repr=event.object_repr, details=event.details,
            prev_hash=event.prev_hash)
        if recomputed != event.hash:
            return "its content does not match its hash (the row was edited)"
        if event.mac:
            if not event_mac_matches(event.mac, event.hash):
                return ("its MAC does not match (the row was edited and the chain recomputed, "
                        f"or {KEY_SETTING} / the key file is not the key it was written with)")
            anchored_at = anchored_at or event.sequence
        elif anchored_at is not None or (mac_from is not None and event.sequence >= mac_from):
            since = anchored_at or mac_from
            return f"it has no MAC though every event from #{since} on must have one (removed)"
        else:
            report.before_anchoring += 1
        for checkpoint in named.get(event.sequence, ()):
            if checkpoint.hash != event.hash:
                return (f"its hash differs from the one in {checkpoint.label()}: "
                        "the chain was rewritten up to here")
        if event.sequence in named:
            report.checkpoints += len(named[event.sequence])
            report.last_good_checkpoint = event.sequence
        previous_hash = event.hash
        expected_sequence += 1
        report.checked += 1
    report.broken_sequence = report.broken_id = None
    return None


def _head_and_tail(report: ChainReport, named: dict[int, list]) -> str | None:
    """Check that the head names the last event and no checkpoint names a later one."""
    last = report.checked
    head = AuditChainHead.objects.filter(pk=1).first()
    last_hash = (AuditEvent.objects.filter(sequence=last).values_list("hash", flat=True).first()
                 if last else GENESIS)
    if head is not None and (head.last_sequence, head.last_hash) != (last, last_hash):
        report.broken_sequence = head.last_sequence
        return (f"the chain ends at {last} but its head names "
                f"{head.last_sequence}: events at the end were removed")
    beyond = [checkpoint for sequence, found in named.items() if sequence > last
              for checkpoint in found]
    if beyond:
        latest = max(beyond, key=lambda c: c.sequence)
        report.broken_sequence = latest.sequence
        return (f"{latest.label()} names event #{latest.sequence} but the chain ends at "
                f"#{last}: events at the end were removed and the head moved back")
    return None
