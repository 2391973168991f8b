"""The one way a register becomes a file: declared columns, rows, then XLSX, CSV or PDF.

A ``Register`` declares its ``columns`` and yields its ``rows`` (one value per
column, in order); ``render`` writes them in the format asked. XLSX is written
in openpyxl's write-only mode and CSV row by row, so a long register never sits
in memory as cells; every cell of both passes ``kernel.exports.cell_safe`` (no
formula injection). The PDF is laid out by WeasyPrint from
``retention/register.html``: A4, the CJK fonts the certified copies use, the
fonds, who printed it and when on the first page and "第 n 页 共 m 页" on every one.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from kernel.exports import row_safe
from kernel.names import person_name

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


@dataclass(frozen=True)
class Column:
    """A column: its heading, and its width (characters in XLSX; the PDF shares by weight)."""

    label: str
    width: int = 12


@dataclass
class Register:
    """A list to print: ``kind`` (a code, e.g. ``holds``), its title, columns and rows."""

    kind: str
    title: str
    columns: list[Column]
    rows: Iterable[list]
    actor: object = None
    fonds: str = ""
    filters: dict = field(default_factory=dict)  # label → value, printed under the title
    landscape: bool = True
    printed_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def printed_by(self) -> str:
        return person_name(self.actor) if self.actor is not None else _("the system")

    def filename(self, fmt: str) -> str:
        return f"{self.kind}-{timezone.localtime(self.printed_at):%Y%m%d-%H%M%S}.{fmt}"


@dataclass(frozen=True)
class RenderedFile:
    """A register written out: its bytes, name, type, SHA-256 and how many rows it has."""

    content: bytes
    filename: str
    content_type: str
    sha256: str
    rows: int


def cell_text(value) -> object:
    """Return ``value`` as a cell shows it: local time, 是/否, empty for nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    return value


def _counted(rows: Iterable[list], counter: list[int]) -> Iterator[list]:
    for row in rows:
        counter[0] += 1
        yield [cell_text(value) for value in row]


def _xlsx(register: Register, rows: Iterator[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=register.title[:31])
    for index, column in enumerate(register.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.append(row_safe([cell_text(register.title)]))
    sheet.append(row_safe([_("Fonds"), register.fonds, _("Printed by"), register.printed_by,
                           _("Printed at"), cell_text(register.printed_at)]))
    for label, value in register.filters.items():
        sheet.append(row_safe([cell_text(label), cell_text(value)]))
    sheet.append(row_safe([cell_text(column.label) for column in register.columns]))
    for row in rows:
        sheet.append(row_safe(row))
    # Spooled: a long register goes to a temporary file, not memory, on its way out.
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as out:
        book.save(out)
        out.seek(0)
        return out.read()


def _csv(register: Register, rows: Iterator[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(row_safe([cell_text(column.label) for column in register.columns]))
    for row in rows:
        writer.writerow(row_safe(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: Excel reads UTF-8 then


def _pdf(register: Register, rows: Iterator[list]) -> bytes:
    from archive.counter.copies import _weasyprint

    total = sum(column.width for column in register.columns) or 1
    columns = [{"label": c.label, "share": round(100 * c.width / total, 2)}
               for c in register.columns]
    html = render_to_string("retention/register.html", {
        "register": register, "columns": columns,
        "printed_at": timezone.localtime(register.printed_at),
        "rows": [[str(value) for value in row] for row in rows]})
    return _weasyprint().HTML(string=html).write_pdf()


WRITERS = {"xlsx": _xlsx, "csv": _csv, "pdf": _pdf}


def render(register: Register, fmt: str) -> RenderedFile:
    """Write ``register`` as ``fmt`` (xlsx, csv or pdf)."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown register format {fmt!r}; choose one of {', '.join(WRITERS)}")
    counter = [0]
    content = WRITERS[fmt](register, _counted(register.rows, counter))
    return RenderedFile(content=content, filename=register.filename(fmt),
                        content_type=FORMATS[fmt], sha256=hashlib.sha256(content).hexdigest(),
                        rows=counter[0])
