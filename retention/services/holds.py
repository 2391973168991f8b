"""Place, change and release holds (冻结 / 暂缓销毁).

A hold keeps the records it covers out of every destruction register until it
is released; a record under several holds stays held until the last one goes.
Placing and changing are audited here (``hold_place``, ``hold_change``);
releasing is the declared transition ``hold_release``, audited by its workflow.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.audit import audit_log
from catalog.models import Category, Member, Record, RecordStatus, Stage, Unit

from ..errors import RetentionError
from ..models import Hold, HoldKind, HoldRecord, HoldState
from ..numbers import create_numbered
from ..selectors import hold_records
from ..workflows import HOLD_LIFECYCLE

UNSET = object()  # a rule field not given to ``hold_change`` (None clears it)


def _require(actor, permission: str, what: str) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise RetentionError(_("%(what)s needs the permission %(permission)s")
                             % {"what": what, "permission": permission}, rule="permission")


def _text(value: str | None, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RetentionError(message, field=field, rule=f"{field}_required")
    return value


def _check_kind(kind: str) -> str:
    if kind not in HoldKind.values:
        raise RetentionError(_("unknown kind of hold %(kind)r; choose one of %(kinds)s")
                             % {"kind": kind, "kinds": ", ".join(HoldKind.values)},
                             field="kind", rule="unknown_kind")
    return kind


def _check_rule(rule: dict) -> dict:
    """Check a rule's fields (member, unit, category, stage, year range); return them completed.

    A stage without a category takes the stage's category.
    """
    stage, category = rule.get("stage"), rule.get("category")
    if stage is not None and category is None:
        rule["category"] = category = stage.category
    if stage is not None and stage.category_id != category.pk:
        raise RetentionError(_("business stage %(stage)s is not in category %(category)s")
                             % {"stage": stage.code, "category": category.code},
                             field="stage", rule="stage_not_in_category")
    year_from, year_to = rule.get("year_from"), rule.get("year_to")
    if year_from is not None and year_to is not None and year_from > year_to:
        raise RetentionError(_("the year range runs backwards: %(start)s is after %(end)s")
                             % {"start": year_from, "end": year_to},
                             field="year_from", rule="year_range")
    return rule


def _check_records(records: Iterable[Record]) -> list[Record]:
    found = list(dict.fromkeys(records))
    destroyed = [r.archive_code or str(r.pk) for r in found if r.status == RecordStatus.DESTROYED]
    if destroyed:
        raise RetentionError(_("these records are already destroyed: %(codes)s")
                             % {"codes": ", ".join(destroyed[:10])},
                             field="records", rule="record_destroyed")
    return found


def _scope(hold: Hold) -> dict:
    """The hold's rule as the audit trail keeps it: codes, not ids."""
    return {key: value for key, value in {
        "member": hold.member.id_number if hold.member_id else None,
        "unit": hold.unit.credit_code if hold.unit_id else None,
        "category": hold.category.code if hold.category_id else None,
        "stage": hold.stage.code if hold.stage_id else None,
        "year_from": hold.year_from, "year_to": hold.year_to}.items() if value is not None}


def _no_scope() -> RetentionError:
    return RetentionError(_("a hold needs a scope: choose records, or give a member, a unit, "
                            "a category or a year range"), field="records", rule="no_scope")


@transaction.atomic
def hold_place(*, actor, name: str, kind: str, reason: str, records: Iterable[Record] = (),
               member: Member | None = None, unit: Unit | None = None,
               category: Category | None = None, stage: Stage | None = None,
               year_from: int | None = None, year_to: int | None = None) -> Hold:
    """Place a hold on the ``records`` chosen and/or every record the rule matches."""
    _require(actor, "retention.place_hold", _("placing a hold"))
    name = _text(name, field="name", message=_("give the hold a name"))
    reason = _text(reason, field="reason", message=_("give the reason for the hold"))
    _check_kind(kind)
    rule = _check_rule({"member": member, "unit": unit, "category": category, "stage": stage,
                        "year_from": year_from, "year_to": year_to})
    chosen = _check_records(records)
    if not chosen and all(value is None for value in rule.values()):
        raise _no_scope()
    hold = create_numbered(Hold, "hold", name=name, kind=kind, reason=reason, placed_by=actor,
                           **rule)
    HoldRecord.objects.bulk_create([HoldRecord(hold=hold, record=r) for r in chosen])
    audit_log(actor=actor, action="hold_place", obj=hold, number=hold.number, name=name,
              kind=kind, reason=reason, scope=_scope(hold), records=[r.pk for r in chosen],
              covered=hold_records(hold).count())
    return hold


@transaction.atomic
def hold_change(*, actor, hold: Hold, reason: str, name: str | None = None,
                kind: str | None = None, add_records: Iterable[Record] = (),
                remove_records: Iterable[Record] = (), member=UNSET, unit=UNSET,
                category=UNSET, stage=UNSET, year_from=UNSET, year_to=UNSET) -> Hold:
    """Change an active hold's name, kind, chosen records or rule, with the reason.

    A rule field left out stays as it is; ``None`` clears it.
    """
    _require(actor, "retention.place_hold", _("changing a hold"))
    reason = _text(reason, field="reason", message=_("give the reason for the change"))
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.state != HoldState.ACTIVE:
        raise RetentionError(_("hold %(number)s is released and can no longer be changed")
                             % {"number": hold.number}, field="state", rule="not_active")
    changed: dict = {}
    if name is not None and name.strip() != hold.name:
        new = _text(name, field="name", message=_("give the hold a name"))
        changed["name"] = [hold.name, new]
        hold.name = new
    if kind is not None and kind != hold.kind:
        changed["kind"] = [hold.kind, _check_kind(kind)]
        hold.kind = kind
    given = {key: value for key, value in {
        "member": member, "unit": unit, "category": category, "stage": stage,
        "year_from": year_from, "year_to": year_to}.items() if value is not UNSET}
    if given:
        before = _scope(hold)
        rule = _check_rule({key: getattr(hold, key) for key in Hold.RULE_FIELDS} | given)
        for key, value in rule.items():
            setattr(hold, key, value)
        if _scope(hold) != before:
            changed["scope"] = [before, _scope(hold)]
    have = set(HoldRecord.objects.filter(hold=hold).values_list("record_id", flat=True))
    added = [r for r in _check_records(add_records) if r.pk not in have]
    removed = [r.pk for r in dict.fromkeys(remove_records) if r.pk in have]
    if added:
        HoldRecord.objects.bulk_create([HoldRecord(hold=hold, record=r) for r in added])
        changed["records_added"] = [r.pk for r in added]
    if removed:
        HoldRecord.objects.filter(hold=hold, record_id__in=removed).delete()
        changed["records_removed"] = removed
    if not changed:
        raise RetentionError(_("nothing to change: the hold already is as given"),
                             rule="no_change")
    if not hold.has_rule and not HoldRecord.objects.filter(hold=hold).exists():
        raise _no_scope()
    hold.save()
    audit_log(actor=actor, action="hold_change", obj=hold, number=hold.number, reason=reason,
              changed=changed, covered=hold_records(hold).count())
    return hold


@transaction.atomic
def hold_release(*, actor, hold: Hold, reason: str) -> Hold:
    """Release a hold; the records it covered stay held by any other active hold."""
    reason = _text(reason, field="reason", message=_("give the reason for the release"))
    covered = hold_records(hold).count()
    return HOLD_LIFECYCLE.apply(hold, "hold_release", actor=actor,
                                details={"number": hold.number, "reason": reason,
                                         "covered": covered},
                                released_by=actor, released_at=timezone.now(),
                                release_reason=reason)
