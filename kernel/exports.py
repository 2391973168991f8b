"""Make values safe to write into a spreadsheet or CSV that someone opens in Excel.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read as a formula (CSV injection). Following the OWASP guidance, such a value
gets a leading ``'`` so it is shown as text. Every XLSX and CSV the project
writes passes its cells through :func:`cell_safe`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value: Any) -> Any:
    """Return ``value``, prefixed with ``'`` when it is a string that would start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row_safe(values: Iterable[Any]) -> list[Any]:
    """Return the row with every cell made safe."""
    return [cell_safe(value) for value in values]
