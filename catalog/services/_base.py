"""Save and announce: the shared steps of every catalogue write."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from ..errors import CatalogError
from ..signals import catalog_changed


def _announce(*, instance, action: str, actor, details: dict | None = None,
              model: type | None = None) -> None:
    catalog_changed.send(sender=model or type(instance), instance=instance, action=action,
                         actor=actor, details=details or {})


def _save(instance, *, actor, action: str, details: dict | None = None,
          unique_checked: frozenset[str] = frozenset()):
    """Validate the model's own rules, save, and announce; refuse with the failing field.

    ``unique_checked`` names unique fields the caller has just checked itself.
    """
    try:
        # A related object the caller holds was read from the database: asking it again
        # whether it exists costs a query each (the database's foreign key still checks).
        instance.clean_fields(exclude=_loaded_relations(instance))
        instance.clean()
        instance.validate_unique(exclude=unique_checked)
        instance.validate_constraints()
    except ValidationError as exc:
        field, errors = next(iter(exc.update_error_dict({}).items()))
        codes = {error.code for error in errors}
        rule = "unique" if codes & {"unique", "unique_together"} else (
            next(iter(codes - {None}), None) or "invalid")
        message = "; ".join(m for error in errors for m in error.messages)
        raise CatalogError(message, field=None if field == "__all__" else field,
                           rule=rule) from None
    instance.save()
    _announce(instance=instance, action=action, actor=actor, details=details)
    return instance


def _loaded_relations(instance) -> set[str]:
    """Name the foreign keys of ``instance`` set to an object that was read from the database."""
    loaded = set()
    for field in instance._meta.concrete_fields:
        if field.is_relation and field.is_cached(instance):
            related = field.get_cached_value(instance)
            if related is not None and not related._state.adding and related.pk == getattr(
                    instance, field.attname):
                loaded.add(field.name)
    return loaded


def _changes(instance, values: dict) -> dict:
    changed = {}
    for name, value in values.items():
        old = getattr(instance, name)
        if old != value:
            changed[name] = [_jsonable(old), _jsonable(value)]
            setattr(instance, name, value)
    return changed


def _jsonable(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


