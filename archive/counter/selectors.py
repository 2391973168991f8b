"""Counter reads: what a user may open, a member's and a unit's records, the page viewer's data.

Access is the catalogue's one rule (``catalog.models.visible_values``): what a
user may not see is left out of every list and count, and refused when asked
for by number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Q
from django.http import Http404

from catalog.models import Member, Page, Record, Unit, visible_values
from search.highlight import boxes, mark_all
from search.query import parse_text

from ..models import AuditEvent
from ..selectors import audit_events_for
from . import watermark
from .lookup import mask_citizen_id


class RecordBlocked(Exception):
    """The record exists but the user may not open it."""

    def __init__(self, record: Record, reason: str):
        super().__init__(reason)
        self.record, self.reason = record, reason


def may_use_counter(user) -> bool:
    return bool(user and user.is_active and user.has_perm("catalog.view_record"))


def shown_id_number(user, number: str) -> str:
    """The ID number as ``user`` may see it: in full, or masked."""
    return number if user.has_perm("archive.view_full_id_number") else mask_citizen_id(number)


def counter_record(*, user, pk: int) -> Record:
    """Return the record if ``user`` may open it; raise RecordBlocked or Http404."""
    record = Record.objects.with_plan().filter(pk=pk).first()
    if record is None:
        raise Http404("no such record")
    allowed = visible_values(user)
    if record.sensitivity not in allowed["sensitivity"]:
        raise RecordBlocked(record, "restricted")
    if record.status not in allowed["status"]:
        raise RecordBlocked(record, "not_in_holdings")
    return record


def visible_records(user):
    return Record.objects.visible_to(user).with_plan()


@dataclass
class YearGroup:
    year: int
    records: list[Record]


@dataclass
class CategoryGroup:
    code: str
    name: str
    years: list[YearGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(y.records) for y in self.years)


def grouped(records) -> list[CategoryGroup]:
    """Group records by category (plan order) and then by year, newest first."""
    def category_key(r: Record):
        return ((r.category.sort_order, r.category.code) if r.category else (9999, ""))

    ordered = sorted(records, key=lambda r: (category_key(r), -r.year, r.archive_code or ""))
    groups = []
    for _, items in groupby(ordered, key=category_key):
        items = list(items)
        first = items[0].category
        group = CategoryGroup(first.code if first else "", first.name if first else "")
        for year, in_year in groupby(items, key=lambda r: r.year):
            group.years.append(YearGroup(year, list(in_year)))
        groups.append(group)
    return groups


def member_dossier(*, user, member: Member) -> dict:
    """A member's records the user may see, grouped, and the units named on them."""
    records = list(visible_records(user).filter(recordmember__member=member))
    units = Unit.objects.filter(recordunit__record__in=[r.pk for r in records]).distinct()
    return {"member": member, "id_shown": shown_id_number(user, member.id_number),
            "groups": grouped(records), "total": len(records), "units": list(units)}


def unit_dossier(*, user, unit: Unit) -> dict:
    """A unit's records the user may see, grouped."""
    records = list(visible_records(user).filter(recordunit__unit=unit))
    return {"unit": unit, "groups": grouped(records), "total": len(records)}


def members_named(name: str, *, limit: int = 50) -> list[Member]:
    return list(Member.objects.filter(name=name).order_by("id_number")[:limit])


def units_by_code(code: str) -> list[Unit]:
    return list(Unit.objects.filter(Q(credit_code=code) | Q(org_code=code) |
                                    Q(computer_code=code) | Q(ss_code=code))[:20])


def units_named(text: str, *, limit: int = 20) -> list[Unit]:
    return list(Unit.objects.filter(name__icontains=text).order_by("name")[:limit])


def record_by_archive_code(code: str) -> Record | None:
    """The record with this 档号, or the one that had it before it was re-filed."""
    return (Record.objects.filter(archive_code__iexact=code).first()
            or Record.objects.filter(code_aliases__archive_code__iexact=code).first())


def destruction_entry(record: Record) -> AuditEvent | None:
    """The audit event ``catalog.services.record_destroy`` wrote (the tombstone shows it)."""
    return audit_events_for(record, actions=["destroy"]).last()


def four_properties(record: Record):
    """The record's four-properties check (DA/T 70), made at ingest; None if never checked."""
    try:
        return record.four_properties  # reverse accessor of ingest.FourPropertiesCheck
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist of another app's model
        return None


@dataclass
class ViewerPage:
    id: int
    number: int
    has_image: bool
    text_html: str
    confidence: float | None
    text_source: str
    width: int
    height: int
    page_share: float  # the page's share of the served image's height (a band follows)
    boxes: list[tuple[float, float, float, float]]  # left, top, width, height in %


def viewer_pages(record: Record, query: str = "") -> list[ViewerPage]:
    """Each page with its text (matches marked) and the word boxes of the matches in %."""
    clauses = parse_text(query) if query else []
    pages = []
    for page in Page.objects.filter(record=record).order_by("number").only(
            "pk", "number", "object_sha256", "text", "words", "confidence", "text_source",
            "width", "height"):
        width, height = page.width or 0, page.height or 0
        has_image = bool(page.object_sha256 and width and height)
        share, hits = 1.0, []
        if has_image:
            out_w, out_h, band_h = watermark.served_size(width, height, watermark.DEFAULT_WIDTH)
            share = out_h / (out_h + band_h)
            if clauses:
                hits = [(100 * left / width, 100 * top / height, 100 * w / width, 100 * h / height)
                        for left, top, w, h in boxes(page.words or [], clauses)]
        pages.append(ViewerPage(page.pk, page.number, has_image,
                                mark_all(page.text, clauses),
                                page.confidence, page.text_source, width, height, share, hits))
    return pages

