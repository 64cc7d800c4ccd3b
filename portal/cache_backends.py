"""Redis as Django's cache, degrading instead of failing (issue 16, "Degrade, don't fail").

The cache holds what can be lost: rate-limit counters, the cached public figures. With Redis down (or
too slow), every operation answers as an empty cache after at most the socket timeouts: reads miss,
writes are dropped, `add` says it stored (so a rate limit counts its first try and lets it through:
it fails open, and the login's password check still stands). Each failure is logged, at most once a
minute per process, so that someone notices. `/readyz` asks Redis directly (`ping`) and says so.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("portal.cache")
DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
# Short enough that a page does not hang on a dead cache, long enough for a busy one.
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}


class ResilientRedisCache(RedisCache):
    _last_warning = 0.0

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)

    def _down(self, operation, exc):
        now = time.monotonic()
        if now - ResilientRedisCache._last_warning > 60:
            ResilientRedisCache._last_warning = now
            log.warning("cache unavailable (%s): %s; serving without it", operation, exc)

    def ping(self):
        """For the readiness check: raises when Redis does not answer."""
        return self._cache.get_client().ping()

    def _safe(operation, fallback):  # noqa: N805 - a decorator factory used in the class body
        def wrap(method):
            def safe(self, *args, **kwargs):
                try:
                    return method(self, *args, **kwargs)
                except DOWN as exc:
                    self._down(operation, exc)
                    return fallback(*args, **kwargs) if callable(fallback) else fallback

            safe.__name__ = method.__name__
            return safe

        return wrap

    add = _safe("add", True)(RedisCache.add)
    get = _safe("get", lambda key, default=None, version=None: default)(RedisCache.get)
    set = _safe("set", None)(RedisCache.set)
    touch = _safe("touch", False)(RedisCache.touch)
    delete = _safe("delete", False)(RedisCache.delete)
    get_many = _safe("get_many", lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _safe("has_key", False)(RedisCache.has_key)
    set_many = _safe("set_many", lambda *args, **kwargs: [])(RedisCache.set_many)
    delete_many = _safe("delete_many", None)(RedisCache.delete_many)
    clear = _safe("clear", False)(RedisCache.clear)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except DOWN as exc:
            self._down("incr", exc)
            return delta

    del _safe
