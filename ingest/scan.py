"""The scan in the back office: the review form and the record's admin page show its pages.

The counter's viewer (``archive.counter``) serves them, permission-checked by the
catalogue's one visibility rule and audited with the counter's events, with the purpose
编目 (cataloguing) in place of a counter visit.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from archive.counter import selectors as counter
from archive.counter.services import cataloguing_use, cataloguing_view_log
from archive.counter.views import requested_width, serve_page_image
from catalog.models import Page, Record

SESSION_SCANNED = "catalogue_scanned"  # records whose scan was shown: their thumbnails may load


def suggested_codes(record: Record) -> list[str]:
    """The identifiers suggested or linked for ``record``: their words are boxed on the page."""
    suggestions = getattr(record, "suggestions", None) or {}
    found = [m.id_number for m in record.members.all()]
    found += [code for u in record.units.all() for code in u.codes]
    found += [m.get("id_number", "") for m in suggestions.get("members") or []]
    found += [u.get("credit_code", "") for u in suggestions.get("units") or []]
    return list(dict.fromkeys(code for code in found if code))


def scan_context(request, record: Record) -> dict:
    """Audit the record's scan shown to the officer; return the viewer's pages and start."""
    cataloguing_view_log(actor=request.user, action="counter_view_record", obj=record)
    scanned = request.session.get(SESSION_SCANNED, [])
    if record.pk not in scanned:
        request.session[SESSION_SCANNED] = [*scanned, record.pk][-200:]
    pages = counter.viewer_pages(record, " ".join(suggested_codes(record)))
    start = next((p.number for p in pages if p.boxes), pages[0].number if pages else 1)
    return {"pages": pages, "start": start, "q": ""}


def _visible_page(request, pk: int) -> tuple[Page, Record] | HttpResponse:
    page = get_object_or_404(Page.objects.only("pk", "number", "record_id", "object_sha256",
                                               "thumbnail_sha256"), pk=pk)
    if not counter.may_use_counter(request.user):
        return HttpResponse(_("You may not see this record."), status=403)
    try:
        record = counter.counter_record(user=request.user, pk=page.record_id)
    except counter.RecordBlocked as exc:
        cataloguing_view_log(actor=request.user, action="counter_refused", obj=exc.record,
                             details={"reason": exc.reason, "page": page.number})
        return HttpResponse(_("You may not see this record."), status=403)
    return page, record


@login_required
def page_image(request, pk: int):
    width = requested_width(request)
    if isinstance(width, HttpResponse):
        return width
    found = _visible_page(request, pk)
    if isinstance(found, HttpResponse):
        return found
    page, record = found
    use = cataloguing_use()
    response = serve_page_image(request, page, record, page.object_sha256, width,
                                purpose_text=use["purpose_text"], use=use)
    if response.status_code == 200:
        cataloguing_view_log(actor=request.user, action="counter_view_page", obj=page,
                             details={"record": record.pk, "page": page.number, "width": width})
    return response


@login_required
def page_thumbnail(request, pk: int):
    found = _visible_page(request, pk)
    if isinstance(found, HttpResponse):
        return found
    page, record = found
    # Thumbnails are part of the scan shown, which is in the audit trail already.
    if record.pk not in request.session.get(SESSION_SCANNED, []):
        return HttpResponse(_("Open the record first."), status=403)
    use = cataloguing_use()
    return serve_page_image(request, page, record, page.thumbnail_sha256, 256,
                            purpose_text=use["purpose_text"], use=use)
