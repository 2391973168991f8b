"""Snippets with the matched words marked, and word boxes for the page viewer.

Done here, on the page text and OCR words, rather than by each engine, so both
backends give the same snippets and boxes.
"""

from __future__ import annotations

import html
import re

from . import analysis
from .query import Clause

SNIPPET_CHARS = 120


def _patterns(clauses: list[Clause]) -> re.Pattern | None:
    """A regex matching any clause's text, whatever the spacing and width."""
    parts = []
    for clause in clauses:
        tokens = [re.escape(t) for t in clause.unigrams]
        if tokens:
            # Allow spaces/newlines between characters (OCR line breaks, spaced names).
            parts.append(r"\s*".join(tokens))
    if not parts:
        return None
    parts.sort(key=len, reverse=True)
    return re.compile("|".join(parts), re.IGNORECASE)


def _densest(matches: list[re.Match], size: int) -> int:
    """Return the index of the match with the most matches ending within ``size`` of its start.

    Matches come from one ``finditer``: they do not overlap, so their ends rise with
    their starts and one forward pointer counts every window (linear, not quadratic).
    The first of equally dense windows wins.
    """
    best, best_count, end = 0, 0, 0
    for i, match in enumerate(matches):
        limit = match.start() + size
        end = max(end, i)
        while end < len(matches) and matches[end].end() <= limit:
            end += 1
        if end - i > best_count:
            best, best_count = i, end - i
    return best


def snippet(text: str, clauses: list[Clause], *, size: int = SNIPPET_CHARS) -> str:
    """Return HTML: the densest window of ``text`` with each match in <mark>."""
    if not text:
        return ""
    folded = analysis.normalize(text)
    if len(folded) != len(text):  # NFKC changed lengths: match on the text as it is
        folded = text.lower()
    pattern = _patterns(clauses)
    matches = list(pattern.finditer(folded)) if pattern else []
    if not matches:
        return html.escape(" ".join(text[:size].split()))
    best = matches[_densest(matches, size)]
    start = max(0, best.start() - size // 4)
    end = min(len(text), start + size)
    out, pos = [], start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        out.append(html.escape(text[pos:match.start()]))
        out.append("<mark>" + html.escape(text[match.start():match.end()]) + "</mark>")
        pos = match.end()
    out.append(html.escape(text[pos:end]))
    body = re.sub(r"\s+", " ", "".join(out)).strip()
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def boxes(words: list, clauses: list[Clause]) -> list[list[int]]:
    """Return [left, top, width, height] of every OCR word that is part of a match.

    ``words`` are the page's [text, left, top, width, height, confidence] rows in
    reading order; a match may span words (a name split in two boxes).
    """
    pattern = _patterns(clauses)
    if pattern is None or not words:
        return []
    chars, owner = [], []
    for index, word in enumerate(words):
        text = analysis.normalize(str(word[0]))
        chars.append(text)
        owner.extend([index] * len(text))
        chars.append(" ")
        owner.append(-1)
    joined = "".join(chars)
    hit_words: list[int] = []
    for match in pattern.finditer(joined):
        for index in owner[match.start():match.end()]:
            if index >= 0 and index not in hit_words:
                hit_words.append(index)
    return [[int(v) for v in words[i][1:5]] for i in sorted(hit_words)]


def mark_all(text: str, clauses: list[Clause]) -> str:
    """Return the whole of ``text`` as HTML with every match in <mark> (the viewer's text pane)."""
    pattern = _patterns(clauses)
    folded = analysis.normalize(text or "")
    if len(folded) != len(text or ""):
        folded = (text or "").lower()
    if pattern is None:
        return html.escape(text or "")
    out, pos = [], 0
    for match in pattern.finditer(folded):
        out.append(html.escape(text[pos:match.start()]))
        out.append("<mark>" + html.escape(text[match.start():match.end()]) + "</mark>")
        pos = match.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)
