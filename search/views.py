"""档案检索 in the admin: one search box, facets to narrow, results grouped by record."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from catalog.selectors import code_names
from kernel.errors import form_add_error

from .backends.base import SearchUnavailable
from .forms import SearchForm
from .query import FACETS, MAX_DEPTH, QueryError
from .selectors import search_records
from .services import search_log


def archive_search(request):
    if not request.user.has_perm("catalog.view_record"):
        raise PermissionDenied
    form = SearchForm(request.GET or None)
    context = {"form": form, "results": None, "error": None}
    if form.is_bound and form.is_valid() and form.has_query():
        params = form.search_params()
        try:
            results = search_records(user=request.user, **params)
        except QueryError as exc:
            form_add_error(form, exc)
        except SearchUnavailable as exc:
            context["error"] = str(exc)
        else:
            search_log(actor=request.user, text=params["text"],
                       filters={k: v for k, v in params.items() if k != "text"},
                       total=results.total)
            context.update(results=results, facets=_facet_links(request, results),
                           code_names=code_names(),
                           pages=_pages(request, results))
    return render(request, "search/search.html", context)


def _link(request, **changes) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    if "page" not in changes:
        query.pop("page", None)  # a new filter starts at the first page
    return "?" + urlencode(query, doseq=True)


def _facet_links(request, results) -> list[tuple[str, list[tuple[str, int, str, bool]]]]:
    """Each facet's values with counts and links; codes carry their names (GL 社会保险管理类)."""
    chosen = {name: request.GET.get(name) for name in FACETS}
    names = code_names()
    out = []
    for name in FACETS:
        if name == "year":
            buckets = sorted(results.facets[name], key=lambda b: b[0], reverse=True)
            links = [(value, count, _link(request, year_from=value, year_to=value),
                      request.GET.get("year_from") == value == request.GET.get("year_to"))
                     for value, count in buckets]
        else:
            named = names.get(name, {})
            links = [(f"{value} {named[value]}" if value in named else value, count,
                      _link(request, **{name: None if chosen[name] == value else value}),
                      chosen[name] == value)
                     for value, count in results.facets[name]]
        out.append((name, links))
    return out


def _pages(request, results):
    # No link past the deepest result a search may reach (search.query.MAX_DEPTH).
    paginator = Paginator(range(min(results.total, MAX_DEPTH)), results.query.per_page)
    page = paginator.get_page(results.query.page)
    return {"page": page, "previous": _link(request, page=page.previous_page_number())
            if page.has_previous() else None,
            "next": _link(request, page=page.next_page_number()) if page.has_next() else None}
