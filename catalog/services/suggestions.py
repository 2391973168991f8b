"""Keep what a record's pages say as suggestions, and apply the confident ones.

The reading itself happens at ingest; these services store it on the record and fill
in what nobody has set: a title that is only the file's name, a member's or unit's
missing name. A value an officer set is never overwritten here.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db import transaction

from kernel.han import has_han

from ..errors import CatalogError
from ..models import Member, Record, Unit
from ._base import _announce, _changes, _save


def title_is_file_name(record: Record) -> bool:
    """Say whether the record's title is only its file's name (``zhangsan-jiaofei``)."""
    title = record.title.strip()
    stem = PurePosixPath(record.source_name).stem if record.source_name else None
    return not title or title == stem or title == record.source_name or not has_han(title)


@transaction.atomic
def record_suggestions_set(*, actor, record: Record, suggestions: dict,
                           title: str | None = None) -> Record:
    """Store what the pages say on ``record``; with ``title``, replace a file-name title.

    A title an officer or the manifest gave (one that is not the file's name) is kept.
    """
    if not isinstance(suggestions, dict):
        raise CatalogError("suggestions are a mapping", field="suggestions", rule="invalid")
    record = Record.objects.select_for_update().get(pk=record.pk)
    values: dict = {"suggestions": suggestions}
    if title and title.strip() and title_is_file_name(record):
        values["title"] = title.strip()
    changed = _changes(record, values)
    if not changed:
        return record
    details = {"applied": sorted(k for k in changed if k != "suggestions")}
    if "title" in changed:
        details["title"] = changed["title"]
    return _save(record, actor=actor, action="suggest", details=details)


def _name_fill(model, instance, *, actor, name: str, source: str):
    instance = model.objects.select_for_update().get(pk=instance.pk)
    name = name.strip()
    if instance.name or not name:  # a name is set already: an officer's is never replaced
        return instance
    changed = _changes(instance, {"name": name})
    instance.save(update_fields=["name"])
    _announce(instance=instance, action="update", actor=actor,
              details={"changed": changed, "source": source})
    return instance


@transaction.atomic
def member_name_fill(*, actor, member: Member, name: str, source: str = "extracted") -> Member:
    """Give a nameless member the name read beside its ID number; a set name stays."""
    return _name_fill(Member, member, actor=actor, name=name, source=source)


@transaction.atomic
def unit_name_fill(*, actor, unit: Unit, name: str, source: str = "extracted") -> Unit:
    """Give a nameless unit the name read beside its credit code; a set name stays."""
    return _name_fill(Unit, unit, actor=actor, name=name, source=source)
