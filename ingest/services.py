"""Taking files in: store the original first, then register the record and queue its work."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from archive.audit import audit_log
from archive.services import Swept, stored_object_put
from catalog import services as catalog
from catalog.models import Fonds

from .models import Batch, BatchItem
from .preflight import EMPTY, TOO_LARGE, FileRefused, file_preflight, ingest_max_bytes
from .tasks import process_record


@dataclass
class Source:
    """One file to take in: its name as the user knows it, and its bytes or why it cannot be read."""

    name: str
    data: bytes | None
    error: str = ""


@transaction.atomic
def batch_create(*, actor, source: str, label: str = "") -> Batch:
    return Batch.objects.create(created_by=actor if getattr(actor, "pk", None) else None,
                                source=source, label=label[:300])


def empty_batches_sweep(*, actor, before, dry_run: bool = False) -> list[Swept]:
    """Remove batches made before ``before`` that never got a file (an upload killed early).

    Each is locked and checked again before it goes, and audited (``batch_swept``).
    """
    swept = []
    for batch in Batch.objects.filter(created_at__lt=before, items__isnull=True).order_by("pk"):
        name = f"#{batch.pk} {batch.label}".strip()
        if dry_run:
            swept.append(Swept("empty_batch", name))
            continue
        with transaction.atomic():
            locked = Batch.objects.select_for_update().filter(pk=batch.pk).first()
            if locked is None or locked.items.exists():
                continue
            audit_log(actor=actor, action="batch_swept", obj=locked, source=locked.source,
                      label=locked.label, created_at=locked.created_at.isoformat())
            locked.delete()
        swept.append(Swept("empty_batch", name))
    return swept


def file_ingest(*, actor, batch: Batch, source: Source, metadata: dict | None = None,
                errors: list[str] | None = None, queue: bool = True) -> BatchItem:
    """Take one file in. Refusals are recorded on the batch item; the original is kept.

    The original goes into the object store before anything else; then the
    record is created as ``received`` (or the existing one is returned for the
    same bytes) and, unless ``queue`` is False, its processing is queued once
    the transaction commits.
    """
    metadata = dict(metadata or {})
    errors = list(errors or [])
    if source.error:
        return _refuse(batch, source.name, "", [source.error], metadata)
    data = source.data or b""
    # Opening the file to count its pages is the pipeline's first step: a file refused
    # there stays visible as a failed record.
    try:
        content_type = file_preflight(source=data, name=source.name,
                                      max_bytes=ingest_max_bytes()).content_type
    except FileRefused as exc:
        if exc.rule in (EMPTY, TOO_LARGE):  # nothing worth keeping
            return _refuse(batch, source.name, "", [exc.message], metadata)
        content_type, errors = "", [*errors, exc.message]
    stored = stored_object_put(actor=actor, data=data, content_type=content_type)
    if errors:
        return _refuse(batch, source.name, stored.sha256, errors, metadata)
    fonds = Fonds.objects.filter(code=metadata["fonds"]).first() if metadata.get("fonds") else (
        Fonds.objects.order_by("pk").first())
    if fonds is None:
        return _refuse(batch, source.name, stored.sha256,
                       [_("no fonds exists yet: create one (manage.py archive_setup)")], metadata)
    with transaction.atomic():
        record, created = catalog.record_receive(
            actor=actor, fonds=fonds, title=metadata.get("title") or PurePosixPath(source.name).stem,
            original_sha256=stored.sha256, source_name=source.name, year=metadata.get("year"))
        item = BatchItem.objects.create(batch=batch, source=source.name[:500],
                                        original_sha256=stored.sha256, record=record,
                                        metadata=metadata)
        if created and queue:
            transaction.on_commit(lambda: process_record.delay(record.pk))
    return item


def _refuse(batch: Batch, name: str, sha256: str, errors: list[str], metadata: dict) -> BatchItem:
    return BatchItem.objects.create(batch=batch, source=name[:500], original_sha256=sha256,
                                    refused=True, errors=errors, metadata=metadata)


def collect_sources(paths: list[str | Path]) -> Iterator[Source]:
    """Yield the files named: files themselves, folders (recursively, sorted), ZIP entries."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                yield from _from_file(child, child.relative_to(path).as_posix())
        elif path.is_file():
            yield from _from_file(path, path.name)
        else:
            yield Source(str(raw), None, _("%(name)s: no such file or folder") % {"name": raw})


def _from_file(path: Path, name: str) -> Iterator[Source]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Source(name, None, _("%(name)s: cannot be read (%(why)s)") % {"name": name, "why": exc.strerror})
        return
    if data[:4] == b"PK\x03\x04" and path.suffix.lower() == ".zip":
        yield from _from_zip(path, name)
    else:
        yield Source(name, data)


def _from_zip(path: Path, name: str) -> Iterator[Source]:
    limit = ingest_max_bytes()  # checked on the declared size, before unpacking
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        yield Source(name, None, _("%(name)s: not a readable ZIP archive (%(why)s)") % {"name": name, "why": exc})
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            entry = PurePosixPath(info.filename)
            label = f"{name}!{info.filename}"
            if entry.is_absolute() or ".." in entry.parts or "\\" in info.filename:
                yield Source(label, None, _("%(name)s: unsafe path in the ZIP archive, entry refused") % {"name": label})
                continue
            if info.file_size > limit:
                yield Source(label, None, _("%(name)s: %(size)d bytes unpacked, over the %(limit)d MB limit")
                                % {"name": label, "size": info.file_size,
                                   "limit": settings.INGEST_MAX_FILE_MB})
                continue
            try:
                yield Source(label, archive.read(info))
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                yield Source(label, None, _("%(name)s: cannot be unpacked (%(why)s)") % {"name": label, "why": exc})
