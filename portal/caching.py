"""Small shared helpers on Django's cache (the database cache, or Redis with REDIS_URL)."""

from django.conf import settings
from django.core.cache import cache


def public_figures(key, compute):
    """Figures that are the same for every visitor and costly to read (the 数据概览, the home page's
    headline figures): computed at most once per OVERVIEW_CACHE_SECONDS; every time when it is 0."""
    seconds = settings.OVERVIEW_CACHE_SECONDS
    return cache.get_or_set(key, compute, seconds) if seconds else compute()


def count(key):
    """How many times `key` was counted within its window."""
    return cache.get(key, 0)


def increment(key, window):
    """Count one more for `key`, in a window of `window` seconds from its first count; the new count."""
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, window)
        return 1
