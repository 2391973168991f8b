"""Time ``search.highlight.snippet`` on pages with many matches, against the old algorithm.

Builds pages of 20,000 characters (1,796 matches) and 50,000 (4,545 matches)
and prints, for each, the time of the current snippet and of the quadratic
window search it replaced (kept here as the reference), run in the same
process, and their ratio; the current one should grow linearly with the page.

    .venv/bin/python benchmarks/snippet.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
_tmp = tempfile.TemporaryDirectory(prefix="snippet-bench-")
os.environ.setdefault("ARCHIVE_DATA_DIR", _tmp.name)

import django  # noqa: E402

django.setup()

from search.highlight import snippet  # noqa: E402
from search.query import parse_text  # noqa: E402
from tests.search.test_highlight import quadratic_snippet  # noqa: E402


def page(chars: int, matches: int) -> str:
    """Return ``chars`` characters of form text holding 参保 exactly ``matches`` times."""
    filler = "人员养老待遇核定表单位缴费记录" * 4
    gap = chars // matches
    segment = "参保" + filler[:gap - 2]
    return (segment * matches + filler * (chars // len(filler) + 1))[:chars]


def timed(function, *args, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    clauses = parse_text("参保")
    print("chars\tmatches\tlinear_s\tquadratic_s\tquadratic/linear")
    for chars, wanted in ((20_000, 1_796), (50_000, 4_545)):
        text = page(chars, wanted)
        matches = text.count("参保")
        assert matches == wanted, matches
        assert snippet(text, clauses) == quadratic_snippet(text, clauses)
        new, old = timed(snippet, text, clauses), timed(quadratic_snippet, text, clauses)
        print(f"{chars}\t{matches}\t{new:.4f}\t{old:.4f}\t{old / new:.1f}x")


if __name__ == "__main__":
    main()
