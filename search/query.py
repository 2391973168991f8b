"""What a search asks for and what it gives back, shared by every backend."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from kernel.errors import DomainError

from . import analysis

SORTS = ("relevance", "date", "-date")
FACETS = ("year", "category", "stage", "retention")
# Keyword filters a query may carry: query attribute -> index field.
KEYWORD_FILTERS = {"category": "category", "stage": "stage", "retention": "retention",
                   "fonds": "fonds", "status": "status", "member": "member_ids",
                   "unit": "unit_codes"}
MAX_PER_PAGE = 100
# Deepest record a search may reach: page × per_page never goes past it, so no
# engine is ever asked for a huge offset (narrow the search instead of paging on).
MAX_DEPTH = 1000
# Codes, ID numbers, credit codes: Latin letters/digits, long enough not to be a word.
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z·\-]{5,}$")
_TERM = re.compile(r'"([^"]+)"|(\S+)')


class QueryError(DomainError, ValueError):
    """A search request that cannot be run; ``field`` names the offending parameter."""

    def __init__(self, message: str, *, field: str, rule: str = "invalid"):
        super().__init__(message, field=field, rule=rule)


@dataclasses.dataclass(frozen=True)
class Clause:
    """One word or phrase of the query; every clause must match."""

    raw: str
    unigrams: tuple[str, ...]
    bigrams: tuple[str, ...]
    code: str | None  # set when the clause could be an identifier or 档号

    @property
    def single_char(self) -> bool:
        return len(self.unigrams) == 1 and analysis.is_cjk(self.unigrams[0])


def parse_text(text: str) -> list[Clause]:
    """Split the query into clauses: quoted phrases and whitespace-separated words."""
    clauses = []
    for quoted, word in _TERM.findall(text or ""):
        raw = quoted or word
        uni, bi = analysis.unigrams(raw), analysis.bigrams(raw)
        if not uni:
            continue  # punctuation only
        code = analysis.keyword(raw) if not quoted and _CODE.match(analysis.normalize(raw)) else None
        clauses.append(Clause(raw=raw, unigrams=tuple(uni), bigrams=tuple(bi), code=code))
    return clauses


@dataclasses.dataclass
class SearchQuery:
    """A search as the backends receive it; access limits are already filled in."""

    text: str = ""
    year_from: int | None = None
    year_to: int | None = None
    category: list[str] = dataclasses.field(default_factory=list)
    stage: list[str] = dataclasses.field(default_factory=list)
    retention: list[str] = dataclasses.field(default_factory=list)
    fonds: list[str] = dataclasses.field(default_factory=list)
    status: list[str] = dataclasses.field(default_factory=list)
    member: list[str] = dataclasses.field(default_factory=list)
    unit: list[str] = dataclasses.field(default_factory=list)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    # Access: what the asking user may see. None means no limit (system use only).
    allowed_sensitivity: list[str] | None = None
    allowed_status: list[str] | None = None

    def __post_init__(self):
        for name in KEYWORD_FILTERS:
            values = getattr(self, name)
            if isinstance(values, str):
                values = [values]
            setattr(self, name, [analysis.keyword(v) if name in ("member", "unit") else v.strip()
                                 for v in values or [] if v and v.strip()])
        if self.sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}", field="sort")
        if not isinstance(self.page, int) or self.page < 1:
            raise QueryError("page must be 1 or more", field="page")
        if not isinstance(self.per_page, int) or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise QueryError(f"per_page must be between 1 and {MAX_PER_PAGE}", field="per_page")
        if self.page * self.per_page > MAX_DEPTH:
            raise QueryError(f"page goes past the first {MAX_DEPTH} results: narrow the search "
                             f"(at most page {MAX_DEPTH // self.per_page} of {self.per_page})",
                             field="page", rule="too_deep")
        if (self.year_from and self.year_to) and self.year_from > self.year_to:
            raise QueryError("year_from is after year_to", field="year_from")

    @property
    def clauses(self) -> list[Clause]:
        return parse_text(self.text)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def keyword_filters(self) -> dict[str, list[str]]:
        """Index field -> accepted values, access limits included."""
        filters = {KEYWORD_FILTERS[name]: getattr(self, name) for name in KEYWORD_FILTERS
                   if getattr(self, name)}
        if self.allowed_sensitivity is not None:
            filters["sensitivity"] = list(self.allowed_sensitivity)
        if self.allowed_status is not None:
            allowed = set(self.allowed_status)
            wanted = set(filters.get("status", allowed)) & allowed
            filters["status"] = sorted(wanted) or ["\0none"]  # nothing allowed: match nothing
        return filters


@dataclasses.dataclass
class PageHit:
    page_id: int
    number: int
    score: float
    snippet: str = ""  # HTML: escaped text with matches in <mark>
    boxes: list[list[int]] = dataclasses.field(default_factory=list)  # [left, top, width, height]


@dataclasses.dataclass
class RecordHit:
    record_id: int
    archive_code: str
    title: str
    year: int
    formed_on: dt.date | None
    category: str
    stage: str
    retention: str
    status: str
    score: float
    pages: list[PageHit] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class SearchResults:
    total: int  # matching records the user may see
    hits: list[RecordHit]
    facets: dict[str, list[tuple[str, int]]]  # field -> [(value, record count)], most first
    query: SearchQuery

    def as_dict(self) -> dict:
        return {"total": self.total, "page": self.query.page, "per_page": self.query.per_page,
                "hits": [dataclasses.asdict(hit) | {"formed_on": hit.formed_on.isoformat()
                                                    if hit.formed_on else None}
                         for hit in self.hits],
                "facets": {name: [{"value": v, "count": c} for v, c in buckets]
                           for name, buckets in self.facets.items()}}
