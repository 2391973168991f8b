"""Custody writes: storing objects, checking their fixity, anchoring the audit chain."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone

from .anchor import Checkpoint, checkpoint_log_locked
from .audit import AuditSubject, audit_log
from .models import AuditChainHead, AuditEvent, StoredObject
from .storage import NameTaken, ObjectNotFound, ObjectStore, object_store


def stored_object_put(*, actor, data: bytes | BinaryIO, content_type: str = "",
                      store: ObjectStore | None = None, derived: bool = False) -> StoredObject:
    """Store bytes under their SHA-256 and register them; the same bytes give the same row.

    The object is written before the row, so a row never names a missing object.
    Originals are audited as they arrive; ``derived`` objects (page images,
    thumbnails) are made again from an original and are not. The store rewrites
    an object that no longer matches its key, so putting the intact bytes again
    repairs it and the row is marked sound.
    """
    info = (store or object_store()).put(data)
    with transaction.atomic():
        stored, created = StoredObject.objects.get_or_create(
            sha256=info.sha256, defaults={"size": info.size, "content_type": content_type})
        if created and not derived:
            audit_log(actor=actor, action="store", obj=stored, size=info.size,
                      content_type=content_type)
        if not created and stored.last_check_ok is False:
            stored.last_check_ok = True
            stored.last_checked_at = timezone.now()
            stored.save(update_fields=["last_check_ok", "last_checked_at"])
            audit_log(actor=actor, action="object_repaired", obj=stored, size=info.size)
    return stored


@transaction.atomic
def stored_object_corrupted(*, actor, sha256: str, actual: str = "", **details) -> None:
    """Record that an object was found damaged on use: mark its row bad and audit the refusal.

    ``details`` say where it was found (the visit, the record and page).
    """
    StoredObject.objects.filter(sha256=sha256).update(last_check_ok=False,
                                                      last_checked_at=timezone.now())
    audit_log(actor=actor, action="object_corrupted",
              obj=AuditSubject(type="archive.StoredObject", id=sha256, label=sha256[:12]),
              sha256=sha256, actual=actual, **details)


@dataclass
class FixityReport:
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    mismatched: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.mismatched


def fixity_check_run(*, actor=None, store: ObjectStore | None = None,
                     limit: int | None = None) -> FixityReport:
    """Re-hash stored objects, oldest-checked first, and record every result.

    Each object's result is saved as it is found, so an interrupted run keeps
    what it did and the next run starts with the objects not yet checked.
    """
    store = store or object_store()
    report = FixityReport()
    queryset = StoredObject.objects.order_by("last_checked_at", "created_at")
    if limit:
        queryset = queryset[:limit]
    for stored in queryset.iterator():
        try:
            actual = store.rehash(stored.sha256)
        except ObjectNotFound:
            ok = False
            report.missing.append(stored.sha256)
        else:
            ok = actual == stored.sha256
            if not ok:
                report.mismatched.append({"sha256": stored.sha256, "actual": actual})
        report.checked += 1
        StoredObject.objects.filter(pk=stored.pk).update(last_checked_at=timezone.now(),
                                                         last_check_ok=ok)
    audit_log(actor=actor, action="fixity_check", obj=AuditSubject(type="archive.StoredObject"),
              checked=report.checked, missing=report.missing, mismatched=report.mismatched)
    return report


def audit_checkpoint_write(*, store: ObjectStore | None = None) -> tuple[Checkpoint | None, bool]:
    """Write the audit chain's head as a checkpoint to the object store, then to the file.

    Return the checkpoint now last and whether it was appended: a head that has
    not moved since the last one is not written again, and an empty chain has
    nothing to anchor (None). The store comes first, so every line of the file
    is in the store too; while the store is down nothing is written and the
    error is raised (the beat task retries). The checkpoint itself is not an
    audit event: it would move the head it records.
    """
    store = store or object_store()
    with checkpoint_log_locked() as log:
        last = log.last()
        head = AuditChainHead.objects.get(pk=1)
        if head.last_sequence == 0:
            return None, False
        if last is not None and (last.sequence, last.hash) == (head.last_sequence, head.last_hash):
            return last, False
        checkpoint = Checkpoint.make(sequence=head.last_sequence, hash=head.last_hash,
                                     mac_from=last.mac_from if last else _first_mac_sequence(head))
        try:
            store.put_named(checkpoint.name, checkpoint.to_bytes())
        except NameTaken:
            # An earlier run stored this head but could not append it to the file: adopt it.
            stored = Checkpoint.parse(store.get_named(checkpoint.name))
            if stored is None:
                raise
            checkpoint = stored
        log.append(checkpoint)
    return checkpoint, True


def _first_mac_sequence(head: AuditChainHead) -> int:
    """Return the first event carrying a MAC (the next one when none does yet)."""
    first = (AuditEvent.objects.exclude(mac="").order_by("sequence")
             .values_list("sequence", flat=True).first())
    return first or head.last_sequence + 1
