"""Build search documents from the catalogue, following the models' SEARCH_FIELDS.

Each record gives one record document (its fields, and the text of all its pages,
so record-level counts, facets and paging are exact) and one document per page
(its text and number, with the record's fields), so results can say which pages
matched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch

from catalog.models import Page, Record, RecordStatus

from . import analysis

# Fields every document has, whatever the models declare.
SYSTEM_FIELDS = {"kind": "keyword", "record_id": "int", "page_id": "int"}
# Keyword fields matched against identifier-looking query words (normalised upper-case).
CODE_FIELDS = ("archive_code", "former_codes", "member_ids", "unit_codes")
# Relative weight of a match in each text field.
TEXT_BOOSTS = {"title": 3.0, "member_names": 3.0, "unit_names": 2.0, "text": 1.0}
RECORD, PAGE = "record", "page"


def field_kinds() -> dict[str, str]:
    """Every index field and its kind: keyword, text, int or date."""
    kinds = dict(SYSTEM_FIELDS)
    for model in (Record, Page):
        kinds.update({name: kind for name, (kind, _path) in model.SEARCH_FIELDS.items()})
    return kinds


def _resolve(obj, path: str) -> list:
    """Follow a dotted attribute path; to-many relations and list values fan out."""
    values = [obj]
    for part in path.split("."):
        next_values = []
        for value in values:
            if value is None:
                continue
            attr = getattr(value, part)
            if hasattr(attr, "all"):
                next_values.extend(attr.all())
            elif isinstance(attr, (list, tuple)):
                next_values.extend(attr)
            else:
                next_values.append(attr)
        values = next_values
    return [v for v in values if v not in (None, "")]


def _fields(obj, declared: dict) -> dict:
    out = {}
    for name, (kind, path) in declared.items():
        values = _resolve(obj, path)
        if name in CODE_FIELDS:
            values = [analysis.keyword(v) for v in values]
        if kind == "text":
            out[name] = "\n".join(str(v) for v in values)
        elif kind == "keyword":
            out[name] = [str(v) for v in values]
        else:  # int, date: single-valued
            out[name] = values[0] if values else None
    return out


def documents_for(record: Record) -> list[dict]:
    """Return the record document and its page documents (pages prefetched or queried)."""
    base = _fields(record, Record.SEARCH_FIELDS)
    base["record_id"] = record.pk
    pages = sorted(record.pages.all(), key=lambda p: p.number)
    docs = [{**base, "kind": RECORD, "page_id": 0, "page_number": 0,
             "text": "\n".join(p.text for p in pages if p.text)}]
    for page in pages:
        docs.append({**base, **_fields(page, Page.SEARCH_FIELDS), "kind": PAGE,
                     "page_id": page.pk})
    return docs


def indexable_records():
    """Records that belong in the index: every one not destroyed, with what documents need."""
    return (Record.objects.exclude(status=RecordStatus.DESTROYED)
            .select_related("fonds", "category", "stage", "retention")
            .prefetch_related("members", "units", "code_aliases",
                              Prefetch("pages", queryset=Page.objects.only(
                                  "id", "record_id", "number", "text"))))


def iter_documents(record_ids: Iterable[int] | None = None, *,
                   chunk_size: int = 200) -> Iterator[dict]:
    """Yield the documents of ``record_ids`` (all indexable records when None)."""
    queryset = indexable_records().order_by("pk")
    if record_ids is not None:
        queryset = queryset.filter(pk__in=list(record_ids))
    for record in queryset.iterator(chunk_size=chunk_size):
        yield from documents_for(record)


def date_number(value: dt.date | None) -> int:
    """A date as YYYYMMDD (0 when unknown), for engines that sort integers."""
    return value.year * 10000 + value.month * 100 + value.day if value else 0
