"""An optional read replica (issue 16 §2, settings DATABASE_REPLICA_URL).

- Which requests read from the replica: GET and HEAD of the public listing and search pages and of the
  public API (`REPLICA_VIEWS` below, by URL name), and only outside a transaction. Everything else —
  every other page, every write, every read inside `transaction.atomic` — uses the primary ("default").
- Read-your-own-writes: a request that wrote anything (any non-GET/HEAD request, or any save through
  the ORM) sets the cookie `primary_until` (a Unix time REPLICA_PIN_SECONDS ahead); while it has not
  passed, that browser's requests read from the primary. A cookie rather than the session: it works for
  visitors who are not logged in (留言, 申请开通账号) and costs no database read to decide. Forging it
  only sends oneself to the primary.
- Never from the replica, whatever the page: sessions and the database cache (rate-limit counters,
  cached figures), which must be current.

Without DATABASE_REPLICA_URL the router is not installed and the middleware does nothing.
"""

import contextvars
import time

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_COOKIE = "primary_until"
# (namespace, url_name); a url_name of None: every page in that namespace.
REPLICA_VIEWS = {
    ("demands", "list"),
    ("offerings", "list"),
    ("directory", "list"),
    ("directory", "edition"),
    ("notices", "policies"),
    ("notices", "announcements"),
    ("notices", "downloads"),
    ("opendata", "demand_feed"),
    ("opendata:v1", None),
    ("", "search"),
}
ALWAYS_PRIMARY_APPS = {"sessions", "django_cache"}

_use_replica = contextvars.ContextVar("use_replica", default=False)
_wrote = contextvars.ContextVar("wrote", default=False)


def replica_configured():
    return REPLICA in settings.DATABASES


def is_replica_view(match):
    if match is None:
        return False
    namespace = match.namespace or ""
    return (namespace, match.url_name) in REPLICA_VIEWS or (namespace, None) in REPLICA_VIEWS


def pinned(request, now=None):
    """Whether this browser wrote less than REPLICA_PIN_SECONDS ago (its cookie says so)."""
    try:
        until = float(request.COOKIES.get(PIN_COOKIE, "0"))
    except ValueError:
        return False
    return until > (time.time() if now is None else now)


def reads_from_replica(request, match):
    """The routing decision for one request (before any query of its own)."""
    return (
        replica_configured()
        and request.method in ("GET", "HEAD")
        and is_replica_view(match)
        and not pinned(request)
    )


def in_transaction():
    """Whether the primary is inside `transaction.atomic` (a test case's own wrapping block aside)."""
    return any(not block._from_testcase for block in connections["default"].atomic_blocks)


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads go to the replica only when the middleware said this request may."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in ALWAYS_PRIMARY_APPS or not _use_replica.get():
            return "default"
        if in_transaction():
            return "default"
        return REPLICA

    def db_for_write(self, model, **hints):
        if model._meta.app_label not in ALWAYS_PRIMARY_APPS:
            _wrote.set(True)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


class ReplicaMiddleware:
    """Decides per request whether its reads may go to the replica, and pins a browser to the primary
    for REPLICA_PIN_SECONDS after it wrote."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        wrote = _wrote.set(False)
        use = _use_replica.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get() or request.method not in ("GET", "HEAD", "OPTIONS"):
                seconds = settings.REPLICA_PIN_SECONDS
                response.set_cookie(
                    PIN_COOKIE,
                    f"{time.time() + seconds:.0f}",
                    max_age=seconds,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
            return response
        finally:
            _wrote.reset(wrote)
            _use_replica.reset(use)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if replica_configured():
            _use_replica.set(reads_from_replica(request, request.resolver_match))
