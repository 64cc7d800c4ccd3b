"""Small shared helpers on Django's cache (the database cache, or Redis with REDIS_URL)."""

import time

from django.conf import settings
from django.core.cache import cache


def public_figures(key, compute):
    """Figures that are the same for every visitor and costly to read (the 数据概览, the home page's
    headline figures): computed at most once per OVERVIEW_CACHE_SECONDS; every time when it is 0."""
    seconds = settings.OVERVIEW_CACHE_SECONDS
    return cache.get_or_set(key, compute, seconds) if seconds else compute()


def clock():
    """The clock of every rate-limit window, in seconds since the epoch (tests/conftest.py pins where it
    starts, so that no test's counting straddles the end of a window)."""
    return time.time()


def _bucket(key, window, now=None):
    """The key of the fixed window `now` falls in, and the seconds until that window ends."""
    now = clock() if now is None else now
    start = int(now // window) * window
    return f"{key}:{start}", max(1, int(start + window - now) + 1)


def count(key, window):
    """How many times `key` was counted in the current fixed window of `window` seconds."""
    bucket, _ = _bucket(key, window)
    return cache.get(bucket, 0)


def increment(key, window, now=None):
    """Count one more for `key` in the current fixed window of `window` seconds; the new count.

    Windows are fixed (aligned to multiples of `window`) and each counter expires when its window
    ends, whatever the cache does on incr (the database cache's incr re-sets the default timeout):
    a client cannot keep a window open, or reset it, by retrying."""
    bucket, remaining = _bucket(key, window, now)
    if cache.add(bucket, 1, remaining):
        return 1
    try:
        value = cache.incr(bucket)
    except ValueError:  # expired in between
        cache.set(bucket, 1, remaining)
        return 1
    cache.touch(bucket, remaining)
    return value
