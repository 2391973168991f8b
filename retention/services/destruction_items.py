"""The destruction of one register item, idempotent and resumable.

Steps, each safe to repeat, so a crash, a killed worker or an object-store
outage at any point leaves the item ``queued`` and running it again finishes it:

1. Under the item's lock: re-check holds and the other interlocks (a hold placed
   after approval skips the item, naming the hold); clear the pages' text, word
   boxes and raw OCR; take the catalogue's tombstone transition. From here the
   content is out of reach of every reader.
2. Take the record out of the search index.
3. For each stored object the record's rows name (found through the models'
   ``OBJECT_REFERENCES``): under the object's lock, unless a row of a record
   still alive names it too (storage is content-addressed) or someone put the
   same bytes again since the execution began, delete its fixity row and the
   object. The rows naming it stay until step 5, so a repeat finds it again.
4. Verify: every removed object is missing from the store and from fixity, and
   search finds nothing of the record.
5. Under the item's lock: clear the rows' object references and mark the item
   ``destroyed`` with ``destroyed_at`` and ``verified_at`` — in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from archive.audit import audit_log
from archive.models import StoredObject
from archive.references import object_reference_fields
from archive.storage import ObjectNotFound, StoreUnavailable, object_store
from catalog.models import Page, Record, RecordStatus
from catalog.services import record_destroy
from kernel.errors import DomainError
from kernel.locks import xact_lock
from kernel.names import person_name
from search.backends.base import SearchUnavailable, search_backend
from search.query import SearchQuery
from search.services import index_records_now

from ..models import DestructionItem, DestructionMethod, ItemState, RegisterState
from ..selectors import holds_covering
from .execution import register_finish


class DestructionIncomplete(RuntimeError):
    """A step of an item's destruction did not take yet; running it again finishes it."""


@dataclass
class Outcome:
    item: DestructionItem
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _interlocks(record: Record) -> list[str]:
    """Return why ``record`` must not be destroyed now, besides holds (none yet).

    Issue 16 adds the loans here: a record out on loan is not destroyed.
    """
    return []


def _method_name(method: str) -> str:
    if method not in DestructionMethod.values:
        return method
    with translation.override("zh-hans"):  # the tombstone shows it as recorded
        return str(DestructionMethod(method).label)


def _announcement(item: DestructionItem) -> dict:
    """What the tombstone shows of the destruction (the counter reads the audit event)."""
    register = item.register
    names = [person_name(s.supervisor) for s in
             register.supervisions.select_related("supervisor").order_by("confirmed_at", "pk")]
    executed_at = timezone.localtime(register.executed_at) if register.executed_at else None
    return {"supervisors": names, "method": register.method,
            "method_name": _method_name(register.method),
            "place": register.place, "executed_on": executed_at.date().isoformat()
            if executed_at else "", "item_serial": item.serial}


def _record_rows(record: Record) -> list[tuple[type[models.Model], str, models.QuerySet]]:
    """Every (model, field, rows of this record) that may name one of its objects."""
    found = []
    for model, name in object_reference_fields():
        if model is Record:
            found.append((model, name, Record.objects.filter(pk=record.pk)))
            continue
        for fk in model._meta.fields:
            if isinstance(fk, models.ForeignKey) and fk.related_model is Record:
                found.append((model, name, model._base_manager.filter(**{fk.name: record.pk})))
    return found


def record_objects(record: Record) -> list[str]:
    """Return the stored objects the record's rows name (original, pages, thumbnails, ...)."""
    shas: set[str] = set()
    for _model, name, rows in _record_rows(record):
        shas.update(rows.exclude(**{name: ""}).values_list(name, flat=True))
    return sorted(s for s in shas if s)


def _named_by_others(sha256: str, record: Record) -> bool:
    """Return whether a row not belonging to a destroyed record names ``sha256``.

    Rows of tombstones do not count: their content is gone (or going) anyway,
    so two destroyed records sharing an object do not keep it alive.
    """
    destroyed = Record.objects.filter(status=RecordStatus.DESTROYED).values("pk")
    for model, name in object_reference_fields():
        rows = model._base_manager.filter(**{name: sha256})
        if model is Record:
            rows = rows.exclude(pk__in=destroyed)
        else:
            for fk in model._meta.fields:
                if isinstance(fk, models.ForeignKey) and fk.related_model is Record:
                    rows = rows.exclude(**{f"{fk.name}__in": destroyed})
        if rows.exists():
            return True
    return False


def _prepare(item_id: int) -> DestructionItem:
    """Step 1: lock the item, re-check what forbids it, clear the text, make the tombstone."""
    with transaction.atomic():
        item = (DestructionItem.objects.select_for_update(of=("self",))
                .select_related("register", "record").get(pk=item_id))
        if item.state != ItemState.QUEUED or item.register.state != RegisterState.EXECUTING:
            return item
        record = item.record
        item.attempts += 1
        if record.status != RecordStatus.DESTROYED:
            reasons = [_("under hold %(number)s %(name)s") % {"number": h.number, "name": h.name}
                       for h in holds_covering(record)] + _interlocks(record)
            if reasons:
                item.state, item.error = ItemState.SKIPPED, "；".join(reasons)
                item.save(update_fields=["state", "error", "attempts"])
                return item
            Page.objects.filter(record=record).update(text="", words=[], raw_ocr="")
            Record.objects.filter(pk=record.pk).update(suggestions={})
            try:
                record_destroy(actor=item.register.executed_by, record=record,
                               register=item.register, details=_announcement(item))
            except DomainError as exc:
                transaction.set_rollback(True)
                item.state, item.error = ItemState.SKIPPED, exc.with_rule()
                return item
        item.save(update_fields=["attempts"])
    return item


def _skip_after_rollback(item: DestructionItem) -> None:
    DestructionItem.objects.filter(pk=item.pk, state=ItemState.QUEUED).update(
        state=ItemState.SKIPPED, error=item.error, attempts=item.attempts)


def _remove_objects(record: Record, since) -> tuple[list[str], list[str]]:
    """Step 3: delete each of the record's objects no living record names; return removed, kept."""
    store = object_store()
    removed, kept = [], []
    for sha in record_objects(record):
        with transaction.atomic():
            xact_lock("stored_object", sha)  # the lock stored_object_put and the sweep take
            row = StoredObject.objects.filter(sha256=sha).first()
            put_again = row is not None and row.last_put_at and since and row.last_put_at > since
            if put_again or _named_by_others(sha, record):
                kept.append(sha)
                continue
            if row is not None:
                row.delete()
            store.delete(sha)  # an outage raises: the row comes back with the rollback
            removed.append(sha)
    return removed, kept


def _search_finds(record: Record) -> bool:
    hits = search_backend().search(SearchQuery(
        text=record.archive_code or record.title, year_from=record.year, year_to=record.year,
        per_page=100)).hits
    return any(hit.record_id == record.pk for hit in hits)


def _verify(record: Record, removed: list[str]) -> None:
    """Step 4: raise ``DestructionIncomplete`` unless everything removed is really gone."""
    store = object_store()
    for sha in removed:
        try:
            store.stat(sha)
        except ObjectNotFound:
            pass
        else:
            raise DestructionIncomplete(f"object {sha} is still in the store")
    if StoredObject.objects.filter(sha256__in=removed).exists():
        raise DestructionIncomplete("fixity still expects a removed object")
    if _search_finds(record):
        raise DestructionIncomplete(f"search still finds record {record.pk}")


def _complete(item: DestructionItem, removed: list[str], kept: list[str]) -> DestructionItem:
    """Step 5: clear the rows' references and mark the item destroyed, at once."""
    with transaction.atomic():
        item = DestructionItem.objects.select_for_update().get(pk=item.pk)
        if item.state != ItemState.QUEUED:
            return item
        for _model, name, rows in _record_rows(item.record):
            rows.exclude(**{name: ""}).update(**{name: ""})
        now = timezone.now()
        item.state, item.error = ItemState.DESTROYED, ""
        item.destroyed_at = item.verified_at = now
        item.save(update_fields=["state", "error", "destroyed_at", "verified_at"])
        audit_log(actor=None, action="destruction_item_verified", obj=item.record,
                  register=item.register.number, register_id=item.register_id,
                  item_id=item.pk, removed=removed, kept_shared=kept)
    return item


def _note(item_id: int, exc: Exception) -> None:
    DestructionItem.objects.filter(pk=item_id, state=ItemState.QUEUED).update(
        error=f"{type(exc).__name__}: {exc}"[:2000])


def destruction_item_execute(*, item_id: int) -> Outcome:
    """Destroy one queued register item and verify it; idempotent, resumable.

    Returns at once for an item already destroyed or skipped. A hold placed
    after approval skips the item (naming the hold). An outage of the object
    store or the search engine, or a step not yet verified, leaves the item
    queued with the error noted and is raised for the task to retry.
    """
    item = _prepare(item_id)
    if item.state == ItemState.SKIPPED and item.error:
        _skip_after_rollback(item)
    if item.state != ItemState.QUEUED or item.register.state != RegisterState.EXECUTING:
        register_finish(register=item.register)
        return Outcome(DestructionItem.objects.get(pk=item_id))
    record = Record.objects.get(pk=item.record_id)
    try:
        if not index_records_now([record.pk]):
            raise SearchUnavailable(_("the search index could not be updated"))
        removed, kept = _remove_objects(record, item.register.executed_at)
        _verify(record, removed)
    except (StoreUnavailable, SearchUnavailable, DestructionIncomplete) as exc:
        _note(item_id, exc)
        raise
    item = _complete(item, removed, kept)
    register_finish(register=item.register)
    return Outcome(item, removed, kept)
