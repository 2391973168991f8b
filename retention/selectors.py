"""Reads of the retention workflows: which records are held, which fell due.

A hold covers the records chosen into it and every record its rule matches (see
``retention.models.Hold``); both are expressed as ``pk__in`` subqueries so they
combine with any record queryset without duplicate rows. Destruction re-checks
``holds_covering`` inside its own transaction; the due list, the registers and
the admin screens use ``held_q``.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Count, Q, QuerySet

from catalog.models import Record
from kernel import clock

from .models import AppraisalItem, BatchState, Decision, Hold, HoldKind, HoldRecord, HoldState


def _rule_filter(hold: Hold) -> Q:
    q = Q()
    if hold.member_id is not None:
        q &= Q(members=hold.member_id)
    if hold.unit_id is not None:
        q &= Q(units=hold.unit_id)
    if hold.category_id is not None:
        q &= Q(category_id=hold.category_id)
    if hold.stage_id is not None:
        q &= Q(stage_id=hold.stage_id)
    if hold.year_from is not None:
        q &= Q(year__gte=hold.year_from)
    if hold.year_to is not None:
        q &= Q(year__lte=hold.year_to)
    return q


def active_holds(*, kinds: tuple[str, ...] | None = None) -> QuerySet[Hold]:
    holds = Hold.objects.filter(state=HoldState.ACTIVE)
    return holds.filter(kind__in=kinds) if kinds else holds


def held_q(*, kinds: tuple[str, ...] | None = None) -> Q:
    """Return a filter on ``Record`` matching every record under an active hold.

    ``kinds`` narrows to holds of those kinds (the unsettled-matter vouchers of
    order No. 79 are ``HoldKind.UNSETTLED``).
    """
    holds = list(active_holds(kinds=kinds))
    chosen = HoldRecord.objects.filter(hold__in=[h.pk for h in holds]).values("record_id")
    q = Q(pk__in=chosen)
    for hold in holds:
        if hold.has_rule:
            q |= Q(pk__in=Record.objects.filter(_rule_filter(hold)).values("pk"))
    return q


def records_held(queryset: QuerySet[Record] | None = None, *,
                 kinds: tuple[str, ...] | None = None) -> QuerySet[Record]:
    """Return the records of ``queryset`` (default: all) under an active hold."""
    return (Record.objects.all() if queryset is None else queryset).filter(held_q(kinds=kinds))


def holds_covering(record: Record, *, kinds: tuple[str, ...] | None = None) -> list[Hold]:
    """Return the active holds that cover ``record`` (chosen into them or matched by a rule)."""
    found = []
    for hold in active_holds(kinds=kinds).order_by("placed_at", "pk"):
        if HoldRecord.objects.filter(hold=hold, record=record).exists():
            found.append(hold)
        elif hold.has_rule and Record.objects.filter(_rule_filter(hold), pk=record.pk).exists():
            found.append(hold)
    return found


def is_unsettled_voucher(record: Record) -> bool:
    """Return whether ``record`` is under an unsettled-matter hold (未了事项, order No. 79)."""
    return bool(holds_covering(record, kinds=(HoldKind.UNSETTLED,)))


def batched_q() -> Q:
    """Return a filter on ``Record`` matching records already taken up by an appraisal.

    That is: an item of a batch still being prepared or appraised, or a destroy
    decision whose destruction has not happened yet (it is on its way to a register).
    """
    open_items = AppraisalItem.objects.filter(
        batch__state__in=[BatchState.DRAFT, BatchState.SUBMITTED]).values("record_id")
    to_destroy = AppraisalItem.objects.filter(
        batch__state=BatchState.CLOSED, decision=Decision.DESTROY).values("record_id")
    return Q(pk__in=open_items) | Q(pk__in=to_destroy)


def due_records(*, as_of: dt.date | None = None,
                queryset: QuerySet[Record] | None = None) -> QuerySet[Record]:
    """Return the records due for appraisal by ``as_of`` (default today), not held, not batched.

    Only records in the holdings (``ready``) are appraised; destroyed ones are gone.
    """
    base = Record.objects.all() if queryset is None else queryset
    return (base.due_for_appraisal(as_of or clock.today()).filter(status="ready")
            .exclude(held_q()).exclude(batched_q()))


# --- holds: what each covers, and finding the records, members and units an officer names ---

def hold_records(hold: Hold, *, user=None) -> QuerySet[Record]:
    """Return the records ``hold`` covers (chosen or matched by its rule), whatever its state.

    With ``user``, only those the user may see; destroyed records are left out.
    """
    q = Q(pk__in=HoldRecord.objects.filter(hold=hold).values("record_id"))
    if hold.has_rule:
        q |= Q(pk__in=Record.objects.filter(_rule_filter(hold)).values("pk"))
    records = Record.objects.filter(q).not_destroyed()
    return records.visible_to(user) if user is not None else records


def holds_visible_to(user) -> QuerySet[Hold]:
    """Return the holds ``user`` may list (``retention.view_hold``), newest first."""
    if user is None or not user.has_perm("retention.view_hold"):
        return Hold.objects.none()
    return Hold.objects.select_related("placed_by", "released_by", "member", "unit", "category",
                                       "stage")


def records_by_reference(references) -> tuple[list[Record], list[str]]:
    """Return the records named by id or 档号 (a former 档号 too, as the counter finds it), and
    the references not found."""
    from archive.counter.selectors import record_by_archive_code

    found, missing = {}, []
    for reference in dict.fromkeys(str(r).strip() for r in references if str(r).strip()):
        record = None
        if reference.isdigit():
            record = Record.objects.filter(pk=int(reference)).first()
        record = record or record_by_archive_code(reference)
        if record is None:
            missing.append(reference)
        else:
            found.setdefault(record.pk, record)
    return list(found.values()), missing


def member_by_id_number(text: str):
    """Return the member with this citizen ID number (as officers type it), or None."""
    from catalog.identifiers import normalize
    from catalog.models import Member
    return Member.objects.filter(id_number=normalize(text)).first()


def unit_by_code(text: str):
    """Return the unit with this credit, organisation, computer or SS code, or None."""
    from catalog.identifiers import normalize
    from catalog.models import Unit
    code = normalize(text)
    if not code:
        return None
    return Unit.objects.filter(Q(credit_code=code) | Q(org_code=code) | Q(computer_code=code)
                               | Q(ss_code=code)).order_by("pk").first()


# --- the due list: counts by category, stage and year ---------------------------------------

DUE_KEYS = ("category__code", "category__name", "stage__code", "stage__name", "year")


def due_counts(*, as_of: dt.date | None = None) -> list[dict]:
    """Count the records due by ``as_of`` (not held, not batched) by category, stage, year and
    sensitivity: what the daily due list stores, and what each user's view is summed from."""
    rows = (due_records(as_of=as_of).order_by().values(*DUE_KEYS, "sensitivity")
            .annotate(count=Count("pk")).order_by("category__sort_order", "category__code",
                                                  "stage__code", "year"))
    return [{"category": r["category__code"] or "", "category_name": r["category__name"] or "",
             "stage": r["stage__code"] or "", "stage_name": r["stage__name"] or "",
             "year": r["year"], "sensitivity": r["sensitivity"], "count": r["count"]}
            for r in rows]


def due_summary_for(user, rows: list[dict]) -> list[dict]:
    """Sum ``rows`` (from ``due_counts``) by category, stage and year over what ``user`` may see."""
    from catalog.models import RecordStatus, visible_values

    if user is not None:
        allowed = visible_values(user)
        if RecordStatus.READY.value not in allowed["status"]:
            return []
        rows = [r for r in rows if r["sensitivity"] in allowed["sensitivity"]]
    summed: dict[tuple, dict] = {}
    for row in rows:
        key = (row["category"], row["stage"], row["year"])
        if key not in summed:
            summed[key] = {k: v for k, v in row.items() if k != "sensitivity"} | {"count": 0}
        summed[key]["count"] += row["count"]
    return list(summed.values())


def due_by_category(summary: list[dict]) -> list[dict]:
    """Total a summary by category, in the summary's order."""
    totals: dict[str, dict] = {}
    for row in summary:
        entry = totals.setdefault(row["category"], {"category": row["category"],
                                                    "category_name": row["category_name"],
                                                    "count": 0})
        entry["count"] += row["count"]
    return list(totals.values())


def due_breakdown(records: QuerySet[Record]) -> list[dict]:
    """Count ``records`` by category, stage and year (the due list page's filtered summary)."""
    return list(records.order_by().values(
        "category__code", "category__name", "stage__code", "stage__name", "year")
        .annotate(count=Count("pk")).order_by("category__code", "stage__code", "year"))


def appraisal_members_eligible():
    """Return the active people who may give appraisal opinions (the group is chosen from them)."""
    granted = Permission.objects.filter(codename="give_appraisal_opinion",
                                        content_type__app_label="retention")
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(Q(is_superuser=True) | Q(groups__permissions__in=granted)
                        | Q(user_permissions__in=granted)).distinct().order_by("username")


def batch_items(batch, *, query: str = ""):
    """Return the batch's items with their records, sorted by 档号, optionally searched by 档号."""
    items = AppraisalItem.objects.filter(batch=batch).select_related(
        "record", "decided_retention").order_by("record__archive_code", "pk")
    query = (query or "").strip()
    if query:
        items = items.filter(Q(record__archive_code__icontains=query)
                             | Q(record__title__icontains=query))
    return items
