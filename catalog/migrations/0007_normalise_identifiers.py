"""Store every citizen ID number and unit code in its one ASCII form, merging duplicates.

Before identifiers were NFKC-normalised and restricted to ASCII digits, a number
typed in full-width (``１１０…``) or Arabic-Indic digits (``١١٠…``) was stored as
typed: one person could have several member rows, one unit several unit rows.
This migration folds each stored value to ASCII (NFKC, then every decimal digit
to 0-9, no spaces or hyphens, upper case). A row whose folded value belongs to
another row is merged into that row: its links are moved there, blank fields are
filled from it, and it is deleted. Any other row just gets its folded value.

The logic is frozen here on purpose: it must not change when ``catalog.identifiers``
does. Links that cannot be moved without a clash outside the record links stop
the migration rather than lose a row.
"""

import re
import unicodedata

from django.db import migrations


def fold(value: str | None) -> str | None:
    """Return ``value`` with NFKC applied, decimal digits in ASCII, no spaces or hyphens."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", value)
    text = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
    return re.sub(r"[\s\-]", "", text).upper()


# Catalog models linking a record to a member or unit once: model name → the record field.
_RECORD_LINKS = {"recordmember": "record", "recordunit": "record"}


def _move_links(model, duplicate, kept) -> None:
    """Point every foreign key at ``duplicate`` to ``kept``; drop record links ``kept`` has."""
    # Hidden relations too: a foreign key with related_name="+" still points here.
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        related, name = rel.related_model, rel.field.name
        rows = related._base_manager.filter(**{name: duplicate})
        other_end = _RECORD_LINKS.get(related._meta.model_name)
        if other_end and related._meta.app_label == "catalog":
            already = related._base_manager.filter(**{name: kept}).values(other_end)
            rows.filter(**{f"{other_end}__in": already}).delete()
        rows.update(**{name: kept})


def _merge_by(model, field: str, fill: tuple[str, ...]) -> None:
    """Fold ``field`` of every row of ``model``, merging rows that fold to another's value."""
    for row in model._base_manager.exclude(**{f"{field}__isnull": True}).order_by("pk"):
        value = getattr(row, field)
        folded = fold(value)
        if folded == value:
            continue
        kept = model._base_manager.filter(**{field: folded}).exclude(pk=row.pk).first()
        if kept is None:
            setattr(row, field, folded)
            row.save(update_fields=[field])
            continue
        blanks = [name for name in fill if not getattr(kept, name) and getattr(row, name)]
        for name in blanks:
            setattr(kept, name, getattr(row, name))
        _move_links(model, row, kept)
        row.delete()
        if blanks:
            kept.save(update_fields=blanks)


def normalise_identifiers(apps, schema_editor) -> None:
    """Fold members' ID numbers and units' credit and organisation codes to ASCII."""
    Member = apps.get_model("catalog", "Member")
    Unit = apps.get_model("catalog", "Unit")
    _merge_by(Member, "id_number", fill=("name",))
    _merge_by(Unit, "credit_code", fill=("name", "org_code", "computer_code", "ss_code"))
    for unit in Unit._base_manager.exclude(org_code=""):
        folded = fold(unit.org_code)
        if folded != unit.org_code:
            unit.org_code = folded
            unit.save(update_fields=["org_code"])


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0006_record_destroy_permission"),
    ]

    operations = [
        migrations.RunPython(normalise_identifiers, migrations.RunPython.noop),
    ]
