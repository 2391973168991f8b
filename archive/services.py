"""Custody writes: storing objects, checking their fixity, sweeping those no row names,
anchoring the audit chain."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kernel.locks import xact_lock

from .anchor import Checkpoint, checkpoint_log_locked
from .audit import AuditSubject, audit_log
from .models import AuditChainHead, AuditEvent, StoredObject
from .references import referenced
from .signals import objects_sweeping
from .storage import NameTaken, ObjectInfo, ObjectNotFound, ObjectStore, object_store
from .storage.base import spooled

TEMP_MAX_AGE = dt.timedelta(days=1)


def _object_lock(sha256: str) -> None:
    """Serialise puts and the sweep of one object until the transaction ends."""
    xact_lock("stored_object", sha256)


def stored_object_put(*, actor, data: bytes | BinaryIO, content_type: str = "",
                      store: ObjectStore | None = None, derived: bool = False) -> StoredObject:
    """Store bytes under their SHA-256 and register them; the same bytes give the same row.

    The object is written before the row, so a row never names a missing object.
    The bytes go up outside any lock (a large upload holds nobody up); then,
    under the object's lock, they are put again if the sweep removed them
    meanwhile, and the row's ``last_put_at`` is set, so the sweep keeps them for
    its grace period while the caller writes the row that names them.
    Originals are audited as they arrive; ``derived`` objects (page images,
    thumbnails) are made again from an original and are not. The store rewrites
    an object that no longer matches its key, so putting the intact bytes again
    repairs it and the row is marked sound.
    """
    store = store or object_store()
    with spooled(data) as (copy, digest, size):
        info = store.put_spooled(copy, digest, size)
        with transaction.atomic():
            _object_lock(digest)
            if not store.exists(digest):
                store.put_spooled(copy, digest, size)
            now = timezone.now()
            stored, created = StoredObject.objects.get_or_create(
                sha256=info.sha256, defaults={"size": info.size, "content_type": content_type,
                                              "last_put_at": now})
            if created and not derived:
                audit_log(actor=actor, action="store", obj=stored, size=info.size,
                          content_type=content_type)
            if not created:
                stored.last_put_at = now
                update = ["last_put_at"]
                if stored.last_check_ok is False:
                    stored.last_check_ok, stored.last_checked_at = True, now
                    update += ["last_check_ok", "last_checked_at"]
                    audit_log(actor=actor, action="object_repaired", obj=stored, size=info.size)
                stored.save(update_fields=update)
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


@dataclass(frozen=True)
class Swept:
    """One thing the sweep removed (or, in a dry run, would remove)."""

    kind: str  # "object", "temp" or what a receiver of objects_sweeping names
    name: str
    size: int = 0


@dataclass
class SweepReport:
    dry_run: bool = False
    removed: list[Swept] = field(default_factory=list)
    kept_referenced: int = 0
    kept_young: int = 0

    def of(self, kind: str) -> list[Swept]:
        return [item for item in self.removed if item.kind == kind]

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "kept_referenced": self.kept_referenced,
                "kept_young": self.kept_young,
                "removed": [{"kind": s.kind, "name": s.name, "size": s.size} for s in self.removed]}


def objects_sweep_run(*, actor=None, store: ObjectStore | None = None, dry_run: bool = False,
                      now: dt.datetime | None = None,
                      grace: dt.timedelta | None = None) -> SweepReport:
    """Remove objects no row names, put before the grace period, and stale temporary files.

    An object is kept while any model's ``OBJECT_REFERENCES`` names it, and while
    it was put (its row's ``last_put_at``, else the bytes' own time) within
    ``grace`` (by default ``ARCHIVE_SWEEP_GRACE_HOURS``). Each is checked again under its lock before
    its bytes, then its row, are deleted, with one ``object_swept`` event each.
    Temporary files of interrupted writes older than a day go too, and the apps
    above remove their own leftovers (``objects_sweeping``). ``dry_run`` lists
    what would go and changes nothing.
    """
    store = store or object_store()
    now = now or timezone.now()
    before = now - (grace if grace is not None
                    else dt.timedelta(hours=settings.ARCHIVE_SWEEP_GRACE_HOURS))
    report = SweepReport(dry_run=dry_run)
    chunk: list[ObjectInfo] = []
    for info in store.inventory():
        chunk.append(info)
        if len(chunk) == 500:
            _sweep_objects(actor, store, chunk, before, report)
            chunk = []
    _sweep_objects(actor, store, chunk, before, report)
    for temp in store.temp_files(before=now - TEMP_MAX_AGE):
        if not dry_run:
            store.temp_remove(temp)
        report.removed.append(Swept("temp", temp.name, temp.size))
    report.removed += _sweep_upload_temp(now - TEMP_MAX_AGE, dry_run)
    for _receiver, swept in objects_sweeping.send(sender=StoredObject, before=before,
                                                  dry_run=dry_run, actor=actor):
        report.removed += swept or []
    if not dry_run:
        audit_log(actor=actor, action="objects_sweep", obj=AuditSubject(type="archive.StoredObject"),
                  objects=len(report.of("object")),
                  bytes=sum(s.size for s in report.of("object")),
                  others=[{"kind": s.kind, "name": s.name, "size": s.size}
                          for s in report.removed if s.kind != "object"],
                  kept_referenced=report.kept_referenced, kept_young=report.kept_young)
    return report


def _put_at(row: StoredObject | None, info: ObjectInfo) -> dt.datetime | None:
    """The last time these bytes were put: the row's and the store's, whichever is later."""
    times = [t for t in (info.modified, row and (row.last_put_at or row.created_at)) if t]
    return max(times) if times else None


def _old(put_at: dt.datetime | None, before: dt.datetime) -> bool:
    return put_at is not None and put_at < before


def _sweep_objects(actor, store, chunk: list[ObjectInfo], before, report: SweepReport) -> None:
    shas = [info.sha256 for info in chunk]
    rows = StoredObject.objects.in_bulk(shas)
    named = referenced(shas)
    for info in chunk:
        if info.sha256 in named:
            report.kept_referenced += 1
        elif not _old(_put_at(rows.get(info.sha256), info), before):
            report.kept_young += 1
        elif report.dry_run or _object_sweep(actor, store, info, before):
            report.removed.append(Swept("object", info.sha256, info.size))
        else:
            report.kept_young += 1  # put or named again since it was listed


def _object_sweep(actor, store: ObjectStore, info: ObjectInfo, before: dt.datetime) -> bool:
    """Delete one object and its row if, under its lock, it is still unnamed and old."""
    with transaction.atomic():
        _object_lock(info.sha256)
        row = StoredObject.objects.filter(sha256=info.sha256).first()
        put_at = _put_at(row, info)
        if not _old(put_at, before) or referenced([info.sha256]):
            return False
        store.delete(info.sha256)
        if row is not None:
            row.delete()
        audit_log(actor=actor, action="object_swept",
                  obj=AuditSubject(type="archive.StoredObject", id=info.sha256,
                                   label=info.sha256[:12]),
                  sha256=info.sha256, size=info.size, last_put_at=put_at.isoformat(),
                  registered=row is not None)
    return True


def _sweep_upload_temp(before: dt.datetime, dry_run: bool) -> list[Swept]:
    """Remove request bodies Django spooled to FILE_UPLOAD_TEMP_DIR and a killed process left."""
    folder = settings.FILE_UPLOAD_TEMP_DIR
    if not folder:  # the system's temporary directory is not ours to sweep
        return []
    swept = []
    for path in sorted(Path(folder).glob("*.upload*")):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        if not path.is_file() or dt.datetime.fromtimestamp(stat.st_mtime, tz=dt.UTC) >= before:
            continue
        if not dry_run:
            path.unlink(missing_ok=True)
        swept.append(Swept("temp", str(path), stat.st_size))
    return swept


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
