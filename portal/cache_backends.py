"""Redis as Django's cache, degrading instead of failing (issue 16, "Degrade, don't fail").

The cache holds what can be lost or recomputed: rate-limit counters, the cached public figures. With
Redis down (or too slow), every operation is answered by a fallback cache instead, after at most the
socket timeouts: the database cache (table `portal_cache`, made by the migrations everywhere: the very
cache the portal uses without REDIS_URL). After a failure Redis is not asked again for
`RETRY_AFTER_SECONDS`, so that pages do not wait on a dead Redis at every call.

Why the database and not an empty cache: the rate limits must fail SAFE. Counting in the database,
shared by every host, the login's limits (allauth's, R-ACC-1) and the public forms' limits apply exactly
as without Redis: a Redis outage neither switches brute-force protection off nor locks anybody out (the
counts start from zero in the fallback; counts made during the outage are left there when Redis is back,
so at most one window's worth of extra tries). The figures are recomputed and cached in the database.
Each failure is logged, at most once a minute per process. `/readyz` asks Redis directly (`ping`).
"""

import logging
import time

from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("portal.cache")
DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
# Short enough that a page does not hang on a dead cache, long enough for a busy one.
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}
FALLBACK_TABLE = "portal_cache"
RETRY_AFTER_SECONDS = 5.0


class ResilientRedisCache(RedisCache):
    _last_warning = 0.0

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self._fallback_table = options.pop("FALLBACK_TABLE", FALLBACK_TABLE)
        self._retry_after = float(options.pop("RETRY_AFTER_SECONDS", RETRY_AFTER_SECONDS))
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **options}}
        super().__init__(server, params)
        self._fallback_params = {
            k: v for k, v in params.items() if k in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")
        }
        self._fallback_cache = None
        self._skip_until = 0.0

    @property
    def fallback(self):
        if self._fallback_cache is None:
            self._fallback_cache = DatabaseCache(self._fallback_table, self._fallback_params)
        return self._fallback_cache

    def _down(self, operation, exc):
        now = time.monotonic()
        self._skip_until = now + self._retry_after
        if now - ResilientRedisCache._last_warning > 60:
            ResilientRedisCache._last_warning = now
            log.warning("cache unavailable (%s): %s; using the database cache", operation, exc)

    def ping(self):
        """For the readiness check: raises when Redis does not answer."""
        return self._cache.get_client().ping()

    def _safe(name):  # noqa: N805 - a decorator factory used in the class body
        redis_method = getattr(RedisCache, name)

        def safe(self, *args, **kwargs):
            if time.monotonic() >= self._skip_until:
                try:
                    return redis_method(self, *args, **kwargs)
                except DOWN as exc:
                    self._down(name, exc)
            return getattr(self.fallback, name)(*args, **kwargs)

        safe.__name__ = name
        return safe

    add = _safe("add")
    get = _safe("get")
    set = _safe("set")
    touch = _safe("touch")
    delete = _safe("delete")
    get_many = _safe("get_many")
    has_key = _safe("has_key")
    incr = _safe("incr")
    set_many = _safe("set_many")
    delete_many = _safe("delete_many")
    clear = _safe("clear")

    del _safe
