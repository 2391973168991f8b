"""Registers and reports as files: declared columns and rows written as XLSX, CSV or PDF.

``base`` holds the machinery (one ``Register`` per kind of list); each module
beside it declares one register (``holds``: the hold report).
"""

from .base import FORMATS, Column, Register, RenderedFile, render  # noqa: F401
