"""Counters in the cache over a time window: rate limits, lockouts, throttles."""

from __future__ import annotations

import math
import time

from django.core.cache import cache


def window_count(key: str, window: int) -> tuple[int, float]:
    """Add one to the counter ``key`` and return it with the time its window opened.

    The window opens at the first count and lasts ``window`` seconds; the cache
    (Redis via ``CACHE_URL`` when several processes serve) holds it.
    """
    now = time.time()
    cache.add(f"{key}:start", now, timeout=window)
    cache.add(key, 0, timeout=window)
    try:
        n = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        n = 1
    return n, cache.get(f"{key}:start", now)


def seconds_left(start: float, window: int) -> int:
    """Return the whole seconds (at least 1) until a window opened at ``start`` closes."""
    return max(1, math.ceil(window - (time.time() - start)))
