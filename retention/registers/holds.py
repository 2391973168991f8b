"""The hold report (冻结登记表): every hold, or those of a state or kind, with its scope."""

from __future__ import annotations

from django.utils.translation import gettext as _

from catalog.identifiers import mask_citizen_id
from catalog.models import Fonds
from kernel.names import person_name

from ..models import Hold, HoldKind, HoldState
from ..selectors import hold_records
from .base import Column, Register


def scope_text(hold: Hold, *, full_id: bool = False) -> str:
    """Describe the hold's scope in words: the records chosen and the rule."""
    parts = []
    chosen = hold.chosen.count()
    if chosen:
        parts.append(_("%(count)s record(s) chosen") % {"count": chosen})
    if hold.member_id:
        number = hold.member.id_number if full_id else mask_citizen_id(hold.member.id_number)
        parts.append(_("member %(member)s") % {"member": f"{hold.member.name} {number}".strip()})
    if hold.unit_id:
        parts.append(_("unit %(unit)s") % {"unit": hold.unit})
    if hold.stage_id:
        parts.append(_("stage %(stage)s") % {"stage": hold.stage})
    elif hold.category_id:
        parts.append(_("category %(category)s") % {"category": hold.category})
    if hold.year_from is not None or hold.year_to is not None:
        parts.append(_("years %(start)s–%(end)s") % {"start": hold.year_from or "…",
                                                     "end": hold.year_to or "…"})
    return "；".join(parts)


def fonds_name() -> str:
    """The fonds the archive keeps, as headers name it (all of them when there are several)."""
    return "、".join(f"{f.code} {f.name}" for f in Fonds.objects.order_by("code"))


def hold_register(*, actor, state: str | None = None, kind: str | None = None) -> Register:
    """Build the hold report as ``actor`` prints it (records counted as the actor sees them)."""
    holds = Hold.objects.select_related("placed_by", "released_by", "member", "unit",
                                        "category", "stage").order_by("placed_at", "pk")
    filters = {}
    if state:
        holds = holds.filter(state=state)
        filters[_("state")] = HoldState(state).label
    if kind:
        holds = holds.filter(kind=kind)
        filters[_("kind")] = HoldKind(kind).label
    full_id = actor is not None and actor.has_perm("archive.view_full_id_number")

    def rows():
        for hold in holds.iterator(chunk_size=500):
            yield [hold.number, hold.name, hold.get_kind_display(), hold.get_state_display(),
                   scope_text(hold, full_id=full_id), hold.reason, person_name(hold.placed_by),
                   hold.placed_at, person_name(hold.released_by) if hold.released_by_id else "",
                   hold.released_at, hold.release_reason,
                   hold_records(hold, user=actor).count()]

    columns = [Column(_("hold number"), 17), Column(_("name"), 18), Column(_("kind"), 12),
               Column(_("state"), 9), Column(_("scope"), 26), Column(_("reason"), 24),
               Column(_("placed by"), 8), Column(_("placed at"), 15),
               Column(_("released by"), 8), Column(_("released at"), 15),
               Column(_("reason for release"), 20), Column(_("records covered"), 9)]
    return Register(kind="holds", title=_("Hold report"), columns=columns, rows=rows(),
                    actor=actor, fonds=fonds_name(), filters=filters)
