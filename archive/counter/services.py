"""Counter writes: visits, the audit of every view, the use register, certified copies."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Page, Record, RecordStatus
from kernel.errors import DomainError

from ..audit import AuditSubject, audit_log
from ..models import CounterVisit, UseKind, UseRegisterEntry, VisitPurpose
from ..services import stored_object_corrupted
from ..storage import ObjectCorrupted


class CounterError(DomainError):
    """A refused counter action; ``field`` and ``rule`` say what was wrong."""


def _visit_subject(visit: CounterVisit) -> AuditSubject:
    return AuditSubject(type="archive.CounterVisit", id=visit.pk, label=visit.purpose_text)


def _visit_details(visit: CounterVisit) -> dict:
    return {"visit": visit.pk, "purpose": visit.purpose, "purpose_text": visit.purpose_text}


@transaction.atomic
def visit_start(*, actor, purpose: str, detail: str = "") -> CounterVisit:
    """Open a visit with its purpose; the user's earlier open visit ends with it."""
    if purpose not in VisitPurpose.values:
        raise CounterError(_("unknown purpose %(purpose)r") % {"purpose": purpose}, field="purpose",
                           rule="choice")
    detail = " ".join(detail.split())[:200]
    if purpose == VisitPurpose.OTHER and not detail:
        raise CounterError(_("say what the records are needed for"), field="detail",
                           rule="required")
    for previous in CounterVisit.objects.open().select_for_update().filter(user=actor):
        _close(actor=actor, visit=previous, reason="new_visit")
    visit = CounterVisit.objects.create(user=actor, purpose=purpose, detail=detail)
    audit_log(actor=actor, action="counter_visit_start", obj=_visit_subject(visit),
              **_visit_details(visit))
    return visit


def _close(*, actor, visit: CounterVisit, reason: str) -> CounterVisit:
    visit.ended_at = timezone.now()
    visit.save(update_fields=["ended_at"])
    audit_log(actor=actor, action="counter_visit_end", obj=_visit_subject(visit),
              **_visit_details(visit), reason=reason)
    return visit


@transaction.atomic
def visit_end(*, actor, visit: CounterVisit) -> CounterVisit:
    """End a visit (the next person steps up); an ended visit cannot end again."""
    visit = CounterVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.user_id != actor.pk:
        raise CounterError(_("a visit is ended by the user who opened it"), field="visit",
                           rule="not_owner")
    if visit.ended_at is not None:
        raise CounterError(_("this visit has already ended"), field="visit", rule="ended")
    return _close(actor=actor, visit=visit, reason="ended")


def _open_visit(actor, visit: CounterVisit) -> None:
    if visit.ended_at is not None or visit.user_id != actor.pk:
        raise CounterError(_("start a visit (say the purpose) first"), field="visit",
                           rule="no_visit")


@transaction.atomic
def counter_view_log(*, actor, visit: CounterVisit, action: str, obj,
                     details: dict | None = None) -> None:
    """Write one view (or refusal) at the counter into the audit trail, with the visit's purpose.

    ``obj`` is the instance viewed or an ``AuditSubject`` (a lookup).
    """
    _open_visit(actor, visit)
    audit_log(actor=actor, action=action, obj=obj, **{**_visit_details(visit), **(details or {})})


@transaction.atomic
def record_consult(*, actor, visit: CounterVisit, record: Record) -> None:
    """Log a record opened at the counter: an audit event, and one use-register line per visit."""
    _open_visit(actor, visit)
    if record.status == RecordStatus.DESTROYED:
        action = "counter_view_tombstone"
    else:
        action = "counter_view_record"
        _register_consult(actor=actor, visit=visit, record=record)
    audit_log(actor=actor, action=action, obj=record, **_visit_details(visit))


def _register_consult(*, actor, visit: CounterVisit, record: Record) -> None:
    """Make sure the visit has its consult line for ``record``: one per visit and record."""
    if UseRegisterEntry.objects.filter(kind=UseKind.CONSULT, visit=visit, record=record).exists():
        return
    try:
        with transaction.atomic():
            UseRegisterEntry.objects.create(
                kind=UseKind.CONSULT, user=actor, visit=visit, record=record,
                archive_code=record.archive_code or "", purpose=visit.purpose_text)
    except IntegrityError:
        pass  # registered in this visit by a request running at the same moment


@transaction.atomic
def page_view_log(*, actor, visit: CounterVisit, page: Page, record: Record, width: int) -> None:
    """Log a page image served at the counter, with its record's consult line in this visit.

    A page may be requested without its record having been opened; the page still
    belongs to the use register, so the line and the audit event are written together.
    """
    _open_visit(actor, visit)
    if page.record_id != record.pk:
        raise CounterError(_("this page belongs to another record"), field="page", rule="record")
    if record.status == RecordStatus.DESTROYED:
        raise CounterError(_("the pages of a destroyed record are not shown"), field="record",
                           rule="status")
    _register_consult(actor=actor, visit=visit, record=record)
    audit_log(actor=actor, action="counter_view_page", obj=page,
              **{**_visit_details(visit), "record": record.pk, "page": page.number, "width": width})


def certified_copy_make(*, actor, visit: CounterVisit, record: Record, pages: list[Page],
                        render) -> tuple[UseRegisterEntry, bytes]:
    """Register a certified copy and return it with the PDF ``render(entry, pages)`` made.

    The register line is written first so its number can be printed on the copy;
    if rendering fails, the transaction leaves neither the line nor the event.
    A page image whose bytes no longer match their SHA-256 (``render`` reads them
    verified) refuses the copy: the object is marked bad and the refusal audited.
    """
    _open_visit(actor, visit)
    if not actor.has_perm("archive.print_certified_copy"):
        raise CounterError(_("printing certified copies needs permission"), field="user",
                           rule="permission")
    if record.status != RecordStatus.READY:
        raise CounterError(_("only records in the holdings can be copied"), field="record",
                           rule="status")
    if not pages:
        raise CounterError(_("choose at least one page"), field="pages", rule="required")
    if any(page.record_id != record.pk for page in pages):
        raise CounterError(_("a page of another record was chosen"), field="pages", rule="record")
    try:
        with transaction.atomic():
            return _copy_register(actor=actor, visit=visit, record=record, pages=pages,
                                  render=render)
    except ObjectCorrupted as exc:
        numbers = [p.number for p in pages if p.object_sha256 == exc.sha256]
        stored_object_corrupted(actor=actor, sha256=exc.sha256, actual=exc.actual,
                                use="certified_copy", record=record.pk, pages=numbers,
                                **_visit_details(visit))
        raise CounterError(
            _("the image of page %(pages)s is damaged (it no longer matches the copy taken in "
              "at filing); no certified copy was made, ask the archive administrator to restore "
              "it") % {"pages": ", ".join(map(str, numbers)) or "?"},
            field="pages", rule="corrupted") from None


def _copy_register(*, actor, visit, record, pages, render) -> tuple[UseRegisterEntry, bytes]:
    entry = UseRegisterEntry.objects.create(
        kind=UseKind.COPY, user=actor, visit=visit, record=record,
        archive_code=record.archive_code or "", pages=[p.number for p in pages],
        purpose=visit.purpose_text)
    entry.copy_number = f"FZ{timezone.localtime(entry.created_at):%Y%m%d}-{entry.pk:06d}"
    entry.save(update_fields=["copy_number"])
    pdf = render(entry, pages)
    audit_log(actor=actor, action="certified_copy", obj=record, **_visit_details(visit),
              copy_number=entry.copy_number, pages=entry.pages, bytes=len(pdf))
    return entry, pdf


# The back office's use of a record: an officer classifying or correcting it (编目).
CATALOGUING = "cataloguing"


def cataloguing_use() -> dict:
    """The purpose written with every back-office view of a record's scan."""
    return {"purpose": CATALOGUING, "purpose_text": _("cataloguing")}


@transaction.atomic
def cataloguing_view_log(*, actor, action: str, obj, details: dict | None = None) -> None:
    """Write a back-office view of a record or page (the counter's events, purpose 编目)."""
    audit_log(actor=actor, action=action, obj=obj, **{**cataloguing_use(), **(details or {})})
