"""Health checks for load balancers and orchestrators (issue 16): cheap, unauthenticated, and leaking
nothing but "ok"/"fail" per dependency (no versions, hosts or error texts).

- `/healthz`: the process answers (no database, no cache).
- `/readyz`: the database, the cache and, when one is configured, the task broker answer; 503 when any
  does not, so that the balancer stops sending traffic here.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger("portal.health")


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    ping = getattr(cache, "ping", None)
    if ping is not None:  # Redis: ask it directly, the cache itself would hide the failure
        ping()
        return
    cache.set("readyz", "1", 10)
    if cache.get("readyz") != "1":
        raise RuntimeError("cache did not keep a value")


def _broker():
    url = getattr(settings, "CELERY_BROKER_URL", "")
    if not url:
        return "not_configured"
    if url.startswith(("redis://", "rediss://")):
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
        return "ok"
    from kombu import Connection

    with Connection(url, connect_timeout=0.5) as conn:
        conn.ensure_connection(max_retries=1)
    return "ok"


CHECKS = {"database": _database, "cache": _cache, "broker": _broker}


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check() or "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready; logged, not shown
            log.warning("readiness: %s unavailable: %s", name, exc.__class__.__name__)
            results[name] = "fail"
    ready = all(v in ("ok", "not_configured") for v in results.values())
    response = JsonResponse(
        {"status": "ok" if ready else "fail", "checks": results}, status=200 if ready else 503
    )
    if not ready:
        response["Retry-After"] = "30"
    return response
