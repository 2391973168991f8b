"""Chinese characters, defined once for every rule that looks for them.

``HAN_CLASS`` is the body of a regular-expression character class (no brackets), so
callers can add what their own rule needs around it: the extraction rules a middle dot,
the OCR's script check CJK punctuation, search the compatibility ideographs and 〇.
"""

from __future__ import annotations

import re

# CJK Unified Ideographs Extension A and the unified block: every character of a name,
# a title or a unit's name on a form.
HAN_CLASS = r"\u3400-\u4dbf\u4e00-\u9fff"
# The compatibility ideographs some fonts and OCR engines give for unified ones.
HAN_COMPATIBILITY_CLASS = r"\uf900-\ufaff"

HAN = re.compile(f"[{HAN_CLASS}]")


def has_han(text: str) -> bool:
    """Return whether ``text`` holds at least one Chinese character."""
    return HAN.search(text) is not None
