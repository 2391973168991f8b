"""What an officer reads on a page: its text and the attributes a browser shows or speaks."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
HIDDEN_ELEMENTS = {"script", "style"}
# Data exchanged with other systems, shown verbatim as evidence (archive_display.shown).
# Wagtail draws its sidebar (menu, account, search box) from this JSON in a script element.
SIDEBAR_PROPS = "wagtail-sidebar-props"


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "use", "path"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        self._script_id = ""
        self._depth = 0
        self._hidden_at = 0  # the depth of the element carrying ``hidden``, while inside it

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in VOID:
            self._depth += 1
            if "hidden" in attrs and not self._hidden_at:
                self._hidden_at = self._depth  # not shown, not read out
        if self._hidden_at:
            return
        for name in SHOWN_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])
        if tag in HIDDEN_ELEMENTS or "data-verbatim" in attrs:
            self._hidden += 1
            self._script_id = attrs.get("id") or ""

    def handle_endtag(self, tag):
        if tag not in VOID:
            if self._hidden_at == self._depth:
                self._hidden_at = 0
            self._depth = max(0, self._depth - 1)
        if (tag in HIDDEN_ELEMENTS or tag == "pre") and self._hidden:
            self._hidden -= 1
            self._script_id = ""

    def handle_data(self, data):
        if self._hidden_at:
            return
        if not self._hidden:
            self.parts.append(data)
        elif self._script_id == SIDEBAR_PROPS:
            self.parts.extend(_sidebar_labels(json.loads(data)))


def _sidebar_labels(value) -> list[str]:
    """Collect the strings the sidebar shows: menu labels, the account name, the search box."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("label", "placeholder", "title") and isinstance(item, str):
                found.append(item)
            else:
                found.extend(_sidebar_labels(item))
    elif isinstance(value, list):
        for item in value:
            # Telepath packs a menu item's arguments in "_args": [name, label, url, ...].
            if isinstance(item, dict) and isinstance(item.get("_args"), list):
                args = item["_args"]
                if args and isinstance(args[0], dict):
                    found.extend(_sidebar_labels(args[0]))
                found.extend(_sidebar_labels(args[1:]))
            else:
                found.extend(_sidebar_labels(item))
    return found


def visible_text(html: str) -> str:
    """Return the text a reader sees or hears on ``html``, one fragment a line."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "\n".join(p.strip() for p in parser.parts if p.strip())


# Genuine codes and abbreviations an officer reads as they are.
ALLOWED_WORDS = {"SHA", "PDF", "OCR", "ID", "PNG", "JPEG", "JPG", "TIFF", "TIF", "ZIP", "API",
                 "JSON", "CSV", "URL", "HTTP", "HTTPS", "MAC", "DPI", "dpi", "KB", "MB", "GB",
                 "B", "px",
                 # Key names on the keyboard-shortcuts sheet, as printed on the keys.
                 "Ctrl", "Shift", "Alt", "Esc", "Cmd", "PageUp", "PageDown",
                 # The language an officer may choose, in its own name.
                 "English"}
# Category, stage and retention codes (GL, GL01, D30, Y) and sequences of them.
CODE = re.compile(r"^[A-Z]{1,3}\d{0,3}[A-Z]?(\.\d{1,3})*$")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.@]*")
LEFTOVERS = ("None", "True", "False", "(blank)")


def english_words(text: str, *, allowed: set[str] = frozenset()) -> list[str]:
    """Return the English words and Python leftovers in ``text`` that are not codes."""
    for value in sorted(allowed, key=len, reverse=True):
        if value:
            text = text.replace(value, " ")
    text = re.sub(r"https?://\S+", " ", text)  # addresses are data
    text = re.sub(r"[\w.-]+\.(pdf|png|jpe?g|tiff?|zip)\b", " ", text, flags=re.I)  # file names
    found = []
    for word in WORD.findall(text):
        word = word.rstrip("._")
        if len(word) < 2 or word in ALLOWED_WORDS or CODE.match(word):
            continue
        if re.fullmatch(r"[0-9a-f]{6,}", word) or re.search(r"\d{4,}", word):
            continue  # digests and numbers with a letter (ID numbers, credit codes)
        found.append(word)
    found.extend(leftover for leftover in LEFTOVERS if leftover in text)
    return found
