"""The counter screens: one search box, member and unit views, the record viewer, copies.

Every view needs an open visit (its purpose asked once), is written to the
audit trail with that purpose, and shows only what the user may see.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import Member, Page, RecordStatus, Unit
from catalog.selectors import code_names
from kernel.errors import form_add_error
from kernel.names import person_name
from search.backends.base import SearchUnavailable
from search.query import QueryError
from search.selectors import search_records

from ..audit import AuditSubject
from ..models import CounterVisit, StoredObject
from ..services import stored_object_corrupted
from ..storage import StoreUnavailable, object_store
from . import lookup as lookups
from . import selectors, services, watermark
from .copies import certified_copy_pdf
from .forms import CopyForm, VisitForm

SESSION_VISIT = "counter_visit"
SESSION_RECORDS = "counter_records"  # records opened in this visit: their thumbnails may load
NO_STORE = {"Cache-Control": "no-store, private"}


def _current_visit(request) -> CounterVisit | None:
    pk = request.session.get(SESSION_VISIT)
    if not pk:
        return None
    return CounterVisit.objects.open().filter(pk=pk, user=request.user).first()


def counter_view(view):
    """Require counter access and an open visit (else ask the purpose first); a record the
    user may not open gives the logged refusal page."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.may_use_counter(request.user):
            raise PermissionDenied
        visit = _current_visit(request)
        if visit is None:
            return redirect(f"{reverse('counter:home')}?next={quote(request.get_full_path())}")
        request.visit = visit
        try:
            return view(request, *args, **kwargs)
        except selectors.RecordBlocked as exc:
            return _blocked(request, exc)
    return wrapped


def home(request):
    if not selectors.may_use_counter(request.user):
        raise PermissionDenied
    visit = request.visit = _current_visit(request)
    if request.method == "POST":
        form = VisitForm(request.POST)
        if form.is_valid():
            try:
                visit = services.visit_start(actor=request.user,
                                             purpose=form.cleaned_data["purpose"],
                                             detail=form.cleaned_data["detail"])
            except services.CounterError as exc:
                form_add_error(form, exc)
            else:
                request.session[SESSION_VISIT] = visit.pk
                request.session[SESSION_RECORDS] = []
                target = form.cleaned_data.get("next") or ""
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                    target = ""
                return HttpResponseRedirect(target or reverse("counter:home"))
    else:
        form = VisitForm(initial={"next": request.GET.get("next", "")})
    return render(request, "counter/home.html", {"visit": visit, "form": form})


@require_POST
def visit_end(request):
    visit = _current_visit(request)
    if visit is not None:
        try:
            services.visit_end(actor=request.user, visit=visit)
        except services.CounterError as exc:
            messages.error(request, exc.message)
    request.session.pop(SESSION_VISIT, None)
    request.session.pop(SESSION_RECORDS, None)
    return redirect("counter:home")


def _log(request, action: str, obj, **details) -> None:
    services.counter_view_log(actor=request.user, visit=request.visit, action=action, obj=obj,
                              details=details)


@counter_view
def find(request):
    text = request.GET.get("q", "").strip()[:200]
    found = lookups.recognise(text)
    _log(request, "counter_lookup", AuditSubject(type="counter.lookup"), text=text,
         kind=found.kind)
    context = {"q": text, "lookup": found, "members": [], "units": [], "results": None,
               "nearest": [], "error": None}
    if found.kind == lookups.EMPTY:
        return redirect("counter:home")
    if found.kind == lookups.CITIZEN_ID:
        member = Member.objects.filter(id_number=found.value).first()
        if member is not None:
            return redirect(f"{reverse('counter:member', args=[member.pk])}?q={quote(found.value)}")
    elif found.kind == lookups.BAD_CITIZEN_ID:
        if request.user.has_perm("archive.lookup_nearest_id"):
            known = {m.id_number: m for m in Member.objects.filter(id_number__in=found.nearest)}
            context["nearest"] = [(selectors.shown_id_number(request.user, n), known[n])
                                  for n in found.nearest if n in known]
        return render(request, "counter/find.html", context)
    elif found.kind == lookups.BAD_UNIT_CODE:
        return render(request, "counter/find.html", context)
    elif found.kind in (lookups.CREDIT_CODE, lookups.ORG_CODE, lookups.UNIT_CODE):
        units = selectors.units_by_code(found.value)
        if len(units) == 1:
            return redirect("counter:unit", units[0].pk)
        context["units"] = units
    elif found.kind == lookups.ARCHIVE_CODE:
        record = selectors.record_by_archive_code(found.value)
        if record is not None:
            return redirect("counter:record", record.pk)
    elif found.kind == lookups.NAME:
        context["members"] = [(selectors.shown_id_number(request.user, m.id_number), m)
                              for m in selectors.members_named(found.value)]
    if found.kind in (lookups.NAME, lookups.WORDS):
        context["units"] = selectors.units_named(found.value)
    try:
        # One window, never a page parameter: the counter lists the best 20 and asks to narrow.
        context["results"] = search_records(user=request.user, text=text, page=1, per_page=20)
        context["code_names"] = code_names()
    except (QueryError, SearchUnavailable) as exc:
        context["error"] = str(exc)
    return render(request, "counter/find.html", context)


def _dossier(request, model, pk: int, selector, action: str, template: str):
    obj = get_object_or_404(model, pk=pk)
    dossier = selector(request.user, obj)
    _log(request, action, obj, records=dossier["total"])
    return render(request, template, {**dossier, "q": request.GET.get("q", "")})


@counter_view
def member(request, pk: int):
    return _dossier(request, Member, pk, lambda user, m: selectors.member_dossier(user=user, member=m),
                    "counter_view_member", "counter/member.html")


@counter_view
def unit(request, pk: int):
    return _dossier(request, Unit, pk, lambda user, u: selectors.unit_dossier(user=user, unit=u),
                    "counter_view_unit", "counter/unit.html")


def _blocked(request, exc: selectors.RecordBlocked):
    _log(request, "counter_refused", exc.record, reason=exc.reason)
    return render(request, "counter/blocked.html", {"reason": exc.reason}, status=403)


@counter_view
def record(request, pk: int):
    record = selectors.counter_record(user=request.user, pk=pk)
    services.record_consult(actor=request.user, visit=request.visit, record=record)
    if record.status == RecordStatus.DESTROYED:
        return render(request, "counter/tombstone.html", {
            "record": record, "entry": selectors.destruction_entry(record)})
    opened = request.session.get(SESSION_RECORDS, [])
    if record.pk not in opened:
        request.session[SESSION_RECORDS] = [*opened, record.pk][-200:]
    query = request.GET.get("q", "")
    pages = selectors.viewer_pages(record, query)
    try:
        start = int(request.GET.get("p", ""))
    except ValueError:
        start = next((p.number for p in pages if p.boxes), pages[0].number if pages else 1)
    return render(request, "counter/record.html", {
        "record": record, "pages": pages, "q": query, "start": start,
        "check": selectors.four_properties(record),
        "members": [(selectors.shown_id_number(request.user, m.id_number), m)
                    for m in record.members.all()],
        "units": record.units.all(),
        "can_copy": request.user.has_perm("archive.print_certified_copy")
                    and record.status == RecordStatus.READY})


def _page_for(request, pk: int):
    page = get_object_or_404(Page.objects.only("pk", "number", "record_id", "object_sha256",
                                               "thumbnail_sha256"), pk=pk)
    record = selectors.counter_record(user=request.user, pk=page.record_id)
    return page, record


def _serve(request, page, record, sha256: str, width: int) -> HttpResponse:
    return serve_page_image(request, page, record, sha256, width,
                            purpose_text=request.visit.purpose_text,
                            use={"visit": request.visit.pk, "purpose": request.visit.purpose,
                                 "purpose_text": request.visit.purpose_text})


def serve_page_image(request, page, record, sha256: str, width: int, *, purpose_text: str,
                     use: dict) -> HttpResponse:
    """Answer with the page's image watermarked for this user and purpose, or why not.

    ``use`` (the visit, or the back office's cataloguing purpose) goes into the audit
    event of a damaged image refused.
    """
    if record.status == RecordStatus.DESTROYED:
        return HttpResponse(_("This record was destroyed."), status=410)
    if not sha256:
        return HttpResponse(_("This page has no image."), status=404)
    # A cheap check on every view: the last check's verdict and the size on record
    # (a certified copy re-hashes the bytes in full).
    stored = StoredObject.objects.filter(sha256=sha256).only("size", "last_check_ok").first()
    if stored is not None and stored.last_check_ok is False:
        return _damaged(request, page, record, sha256, use, known=True)
    try:
        data = object_store().get(sha256)
    except StoreUnavailable:
        return HttpResponse(_("The image store is unavailable; try again shortly."), status=503)
    if stored is not None and len(data) != stored.size:
        return _damaged(request, page, record, sha256, use, known=False, size=len(data))
    mark = watermark.Mark(user=person_name(request.user),
                          when=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
                          purpose=purpose_text,
                          subject=f"{record.archive_code or ''} p.{page.number}")
    return HttpResponse(watermark.watermarked_jpeg(data, mark, max_width=width),
                        content_type="image/jpeg", headers=NO_STORE)


def _damaged(request, page, record, sha256: str, use: dict, *, known: bool,
             **details) -> HttpResponse:
    """Refuse a damaged image: mark its object bad, audit the refusal, say so plainly."""
    stored_object_corrupted(actor=request.user, sha256=sha256, use="counter_view",
                            record=record.pk, page=page.number, known=known, **details, **use)
    return HttpResponse(_("The stored image of this page is damaged and is not shown; ask the "
                          "archive administrator to restore it."),
                        status=409, content_type="text/plain; charset=utf-8", headers=NO_STORE)


def requested_width(request) -> int | HttpResponse:
    """Return the page width asked for in ``w``, or the refusal naming the allowed widths."""
    try:
        width = int(request.GET.get("w", watermark.DEFAULT_WIDTH))
    except ValueError:
        width = 0
    if width not in watermark.WIDTHS:
        return HttpResponse(_("w must be one of %(widths)s")
                            % {"widths": ", ".join(map(str, watermark.WIDTHS))}, status=400)
    return width


@counter_view
def page_image(request, pk: int):
    width = requested_width(request)
    if isinstance(width, HttpResponse):
        return width
    page, record = _page_for(request, pk)
    response = _serve(request, page, record, page.object_sha256, width)
    if response.status_code == 200:
        services.page_view_log(actor=request.user, visit=request.visit, page=page,
                               record=record, width=width)
    return response


@counter_view
def page_thumbnail(request, pk: int):
    page, record = _page_for(request, pk)
    # Thumbnails are part of the record view already in the audit trail.
    if record.pk not in request.session.get(SESSION_RECORDS, []):
        return HttpResponse(_("Open the record first."), status=403)
    return _serve(request, page, record, page.thumbnail_sha256, 256)


@counter_view
def copy(request, pk: int):
    record = selectors.counter_record(user=request.user, pk=pk)
    if not request.user.has_perm("archive.print_certified_copy"):
        raise PermissionDenied
    numbers = list(record.pages.order_by("number").values_list("number", flat=True))
    form = CopyForm(request.POST or None, numbers=numbers)
    if request.method == "POST" and form.is_valid():
        pages = list(record.pages.filter(number__in=form.cleaned_data["pages"]).order_by("number"))
        try:
            entry, pdf = services.certified_copy_make(
                actor=request.user, visit=request.visit, record=record, pages=pages,
                render=lambda entry, pages: certified_copy_pdf(
                    entry, pages, record=record, agency=record.fonds.name))
        except services.CounterError as exc:
            form.add_error(None, exc.message)
        except StoreUnavailable:
            form.add_error(None, _("The image store is unavailable; try again shortly."))
        else:
            response = HttpResponse(pdf, content_type="application/pdf", headers=NO_STORE)
            response["Content-Disposition"] = f'attachment; filename="{entry.copy_number}.pdf"'
            return response
    return render(request, "counter/copy.html", {"record": record, "form": form})
