"""Snippets: the densest window of the page with every match marked."""

import html
import random
import re

import pytest

from search import analysis, highlight
from search.highlight import snippet
from search.query import parse_text


def quadratic_snippet(text, clauses, *, size=highlight.SNIPPET_CHARS):
    """The snippet as it was built before the linear window search (the reference)."""
    folded = analysis.normalize(text)
    if len(folded) != len(text):
        folded = text.lower()
    pattern = highlight._patterns(clauses)
    matches = list(pattern.finditer(folded)) if pattern else []
    if not matches:
        return html.escape(" ".join(text[:size].split()))
    best, best_count = matches[0], 0
    for i, match in enumerate(matches):
        count = sum(1 for m in matches[i:] if m.end() <= match.start() + size)
        if count > best_count:
            best, best_count = match, count
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


EXAMPLES = [
    ("王小明申请伤残补助金，经认定为七级伤残，发放一次性伤残补助金。", "伤残 补助金"),
    ("参保人 张 三 于2019年参保，" * 30 + "张三再次参保", "张三 参保"),
    ("没有匹配的文字" * 40, "王五"),
    ("<b>参保</b> & 参保" * 50, "参保"),
    ("ＡＢＣ全角参保", "参保"),
    ("短", "短"),
]


@pytest.mark.parametrize("text,query", EXAMPLES)
def test_snippet_is_the_same_as_before_on_examples(text, query):
    clauses = parse_text(query)
    assert snippet(text, clauses) == quadratic_snippet(text, clauses)


def test_snippet_is_the_same_as_before_on_random_pages_and_window_sizes():
    rng = random.Random(13)
    words = ["参保", "养老", "待遇", "张三", "工伤", "认定", "的", "，", " ", "\n"]
    for _ in range(300):
        text = "".join(rng.choice(words) for _ in range(rng.randint(1, 400)))
        clauses = parse_text(" ".join(rng.sample(["参保", "张三", "工伤认定", "待遇"], 2)))
        size = rng.choice([1, 4, 20, 120, 500])
        assert snippet(text, clauses, size=size) == quadratic_snippet(text, clauses, size=size)


def test_the_densest_window_is_found_with_one_forward_pass():
    """Count how often a match's end is read: linear in the matches, not quadratic."""
    reads = 0

    class Match:
        def __init__(self, start, end):
            self._start, self._end = start, end

        def start(self):
            return self._start

        def end(self):
            nonlocal reads
            reads += 1
            return self._end

    matches = [Match(i * 2, i * 2 + 1) for i in range(2000)]
    assert highlight._densest(matches, 120) == 0
    assert reads <= 2 * len(matches) + 1
