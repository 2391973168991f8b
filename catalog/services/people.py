"""Write members (参保人) and units (参保单位) with their identifiers checked."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .. import identifiers
from ..errors import CatalogError, IdentifierError
from ..models import (
    Member,
    Unit,
)
from ._base import _changes, _save

# --- members and units ---------------------------------------------------------------------

def _checked(field: str, check) -> str:
    if not check.valid:
        raise IdentifierError(check.message, field=field, rule=check.rule)
    return check.normalized


@transaction.atomic
def member_create(*, actor, id_number: str, name: str) -> Member:
    number = _checked("id_number", identifiers.check_citizen_id(id_number))
    return _save(Member(id_number=number, name=name.strip()), actor=actor, action="create",
                 details={"id_number": number})


@transaction.atomic
def member_update(*, actor, member: Member, name: str) -> Member:
    changed = _changes(member, {"name": name.strip()})
    if not changed:
        return member
    return _save(member, actor=actor, action="update", details={"changed": changed})


def _unit_values(credit_code, org_code, computer_code, ss_code, name) -> dict:
    credit = _checked("credit_code", identifiers.check_credit_code(credit_code)) if credit_code else None
    org = _checked("org_code", identifiers.check_org_code(org_code)) if org_code else ""
    if credit and org and credit[8:17] != org:
        raise IdentifierError(_("the organisation code %(org)s is not the one inside %(credit)s")
                              % {"org": org, "credit": credit},
                              field="org_code", rule="mismatch")
    if credit and not org:
        org = credit[8:17]
    return {"name": name.strip(), "credit_code": credit, "org_code": org,
            "computer_code": computer_code.strip(), "ss_code": ss_code.strip()}


@transaction.atomic
def unit_create(*, actor, name: str, credit_code: str | None = None, org_code: str = "",
                computer_code: str = "", ss_code: str = "") -> Unit:
    values = _unit_values(credit_code, org_code, computer_code, ss_code, name)
    return _save(Unit(**values), actor=actor, action="create",
                 details={k: v for k, v in values.items() if v})


def _found_or_created(model, lookup: dict, create):
    """The row matching ``lookup``, or the one ``create`` registers.

    Another process may register the same one at the same moment; its row then
    fails our unique check or insert, and theirs is returned.
    """
    found = model.objects.filter(**lookup).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return create()
    except (IntegrityError, CatalogError):
        found = model.objects.filter(**lookup).first()
        if found is None:
            raise
        return found


def member_get_or_create(*, actor, id_number: str, name: str = "") -> Member:
    """The member with this number, registered through ``member_create`` if new."""
    number = _checked("id_number", identifiers.check_citizen_id(id_number))
    return _found_or_created(Member, {"id_number": number},
                             lambda: member_create(actor=actor, id_number=number, name=name))


def unit_get_or_create(*, actor, credit_code: str, name: str = "", computer_code: str = "",
                       ss_code: str = "") -> Unit:
    """The unit with this credit code, registered through ``unit_create`` if new."""
    credit = _checked("credit_code", identifiers.check_credit_code(credit_code))
    return _found_or_created(Unit, {"credit_code": credit}, lambda: unit_create(
        actor=actor, name=name, credit_code=credit, computer_code=computer_code, ss_code=ss_code))


@transaction.atomic
def unit_update(*, actor, unit: Unit, name: str, credit_code: str | None = None,
                org_code: str = "", computer_code: str = "", ss_code: str = "") -> Unit:
    changed = _changes(unit, _unit_values(credit_code, org_code, computer_code, ss_code, name))
    if not changed:
        return unit
    return _save(unit, actor=actor, action="update", details={"changed": changed})


