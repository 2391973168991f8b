"""Text analysis for Chinese: unigrams and bigrams of CJK runs, whole Latin/digit words.

Both backends split text the same way. The embedded engine receives the tokens
made here; Elasticsearch builds the same streams with its own standard tokenizer
and ``cjk_bigram`` filter (see backends/elasticsearch.py), so a query means the
same thing on either.

A word of two or more Chinese characters is searched as the phrase of its
bigrams (工伤认定 → 工伤 伤认 认定, consecutive), which matches exactly that
substring; a single character (a surname) is searched in the unigram stream.
"""

from __future__ import annotations

import re
import unicodedata

from kernel.han import HAN_CLASS, HAN_COMPATIBILITY_CLASS

# CJK Unified Ideographs, Extension A, compatibility ideographs, and the "〇" numeral.
_CJK = rf"\u3007{HAN_CLASS}{HAN_COMPATIBILITY_CLASS}"
_RUN = re.compile(f"([{_CJK}]+)|([0-9a-z]+)")
_CJK_CHAR = re.compile(f"[{_CJK}]")


def normalize(text: str) -> str:
    """Fold full-width forms to ASCII (NFKC) and lower-case Latin letters."""
    return unicodedata.normalize("NFKC", text or "").lower()


def is_cjk(char: str) -> bool:
    return bool(_CJK_CHAR.fullmatch(char))


def unigrams(text: str) -> list[str]:
    """Return each Chinese character and each Latin/digit word, in order."""
    tokens: list[str] = []
    for cjk, word in _RUN.findall(normalize(text)):
        tokens.extend(cjk if cjk else [word])
    return tokens


def bigrams(text: str) -> list[str]:
    """Return overlapping character pairs of each Chinese run (a lone character stays
    itself) and each Latin/digit word, in order, so phrase positions line up."""
    tokens: list[str] = []
    for cjk, word in _RUN.findall(normalize(text)):
        if not cjk:
            tokens.append(word)
        elif len(cjk) == 1:
            tokens.append(cjk)
        else:
            tokens.extend(cjk[i:i + 2] for i in range(len(cjk) - 1))
    return tokens


def keyword(value: str) -> str:
    """Normalise an identifier or code for exact matching (ID numbers end in upper-case X)."""
    return normalize(value).strip().upper()
