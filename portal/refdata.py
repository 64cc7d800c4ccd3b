"""Reference data (区, 项目类别, 街镇, 购买服务类型) read from memory: every listing page asks for it and it
changes a few times a year (issue 15).

Each process keeps what it read in `_memo`, tagged with the reference-data version: a token kept in
the shared Django cache (Redis in production, the database cache under `make run`), so that every host
sees one value. A save or delete of a reference row (admin site, imports, seed_demo) replaces the token
once its transaction commits, and so does `migrate`; each process compares its memo's token with the
shared one once per request (the first time the request asks for reference data: one cache read, no
SQL with Redis) and reads the tables again when they differ. Outside a request (commands, workers) the
token is compared at every lookup. A lost token (cache cleared, evicted, Redis down and the fallback
cache used) reads as a new version: a reload, never stale data.

Inside the transaction that wrote reference rows, the writing thread reads its own memo (it sees its
writes, nobody else does); after a rollback that memo is dropped. The tables are read from the
primary (a replica that lags would be remembered under the new version), except in a request routed
to the replica (portal/replica.py): there they are read from the replica once per request, as before,
and neither the cache nor the primary is asked.
"""

import itertools
import threading
import uuid
from contextlib import contextmanager

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, router, transaction

from portal.replica import in_transaction

VERSION_KEY = "portal:refdata:version"

_tags = itertools.count(1)


def _new_memo(version, tag=True):
    """An empty memo for `version`, with a tag of its own (None: one not to build on, see `tag`)."""
    return {"version": version, "tag": next(_tags) if tag else None}


_memo = _new_memo(None)  # this process's reference data: {"version": …, "tag": …, name: value, …}
_local = threading.local()  # per thread: in_request, checked (this request compared the token), own


def version():
    """The shared reference-data version (a new one if the cache has none)."""
    token = cache.get(VERSION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, token, None):
            token = cache.get(VERSION_KEY, token)
    return token


def _replica_routed():
    """Whether this request reads from the replica (portal/replica.py): then reference data is read
    there once per request, as before, and neither the primary nor the cache is asked (a replica-routed
    listing answers while the primary is away, and a lagging replica must not fill the shared memo)."""
    return router.db_for_read(_models()[1]) != DEFAULT_DB_ALIAS


def _current():
    """The memo valid now for this thread."""
    global _memo
    if _replica_routed():
        if getattr(_local, "routed", None) is None:
            _local.routed = _new_memo(None, tag=False)
        return _local.routed
    own = getattr(_local, "own", None)
    if own is not None:
        if in_transaction():
            return own
        _local.own = None  # the writing transaction ended: committed (bumped) or rolled back
    if getattr(_local, "checked", False):
        return _memo
    token = version()
    if getattr(_local, "in_request", False):
        _local.checked = True
    if _memo["version"] != token:
        _memo = _new_memo(token)
    return _memo


def _kept(name, load):
    memo = _current()
    try:
        return memo[name]
    except KeyError:
        value = memo[name] = load()
        return value


def tag():
    """A tag of the memo this thread reads now, new with each reload: for what is computed once from
    reference data (the filter form's category options). None while this thread's own writes are
    pending (its memo is not shared)."""
    return _current()["tag"]


def forget():
    """Drop this process's memo (the next lookup reads the tables again)."""
    global _memo
    _memo = _new_memo(None)
    _local.own = None
    _local.checked = False


def bump():
    """A new shared version: every process reads the tables again on its next request."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    forget()


def _db():
    """Where the tables are read: the primary, or this request's replica (`_replica_routed`)."""
    return router.db_for_read(_models()[1])


# --- the lookups ----------------------------------------------------------------------------------


def _models():
    from portal.models import Category, District, PurchaseType, Street

    return Category, District, PurchaseType, Street


def category_rows():
    """Every category, active or not, as plain rows (pk, code, name, parent_id, is_active) by code."""

    def load():
        category = _models()[0]
        rows = category.objects.using(_db()).order_by("code")
        return tuple(rows.values_list("pk", "code", "name", "parent_id", "is_active"))

    return _kept("category_rows", load)


def districts():
    """Every district by code, as model instances (shared: read them, do not change them)."""
    return _kept("districts", lambda: tuple(_models()[1].objects.using(_db()).order_by("code")))


def district_names():
    """{code: name} of every district."""
    return _kept("district_names", lambda: {d.code: d.name for d in districts()})


def districts_by_pk():
    return _kept("districts_by_pk", lambda: {d.pk: d for d in districts()})


def categories():
    """Every category, active or not, by code, each with its parent (shared instances, read only)."""

    def load():
        rows = tuple(_models()[0].objects.using(_db()).order_by("code"))
        by_pk = {c.pk: c for c in rows}
        parent = _models()[0]._meta.get_field("parent")
        for c in rows:
            parent.set_cached_value(c, by_pk.get(c.parent_id) if c.parent_id is not None else None)
        return rows

    return _kept("categories", load)


def categories_by_pk():
    return _kept("categories_by_pk", lambda: {c.pk: c for c in categories()})


def purchase_types():
    """Every 购买服务类型 in the model's order (shared instances, read only)."""
    return _kept("purchase_types", lambda: tuple(_models()[2].objects.using(_db()).all()))


def streets():
    """Every street, active or not, by 区划代码 and name, each with its district (shared, read only)."""

    def load():
        by_pk = districts_by_pk()
        rows = tuple(_models()[3].objects.using(_db()).order_by("district__code", "name"))
        for street in rows:
            street.district = by_pk.get(street.district_id, street.district)
        return rows

    return _kept("streets", load)


def streets_by_pk():
    """Every street, active or not, by id, each with its district (shared instances, read only)."""
    return _kept("streets_by_pk", lambda: {s.pk: s for s in streets()})


def _by_name_and_code(rows):
    """{the normalised name and the normalised code of each row: the row} (`named`)."""
    from portal.import_widgets import norm

    table = {}
    for row in rows:
        table[norm(row.name)] = row
        table[norm(row.code)] = row
    return table


def district_named(value):
    """The district a person or a file names by its name or its 区划代码, or None: the one tolerance
    every caller matches with (portal.import_widgets.norm: full- and half-width alike, no spaces, no
    case), so “黄浦区”, “黄浦区 ”, “310101” and “３１０１０１” are 黄浦区; “黄浦” is no district."""
    from portal.import_widgets import norm

    return _kept("districts_named", lambda: _by_name_and_code(districts())).get(norm(value))


def street_named(value, district):
    """An active street of `district` by its name, as `district_named`, or None."""
    from portal.import_widgets import norm

    def load():
        return {(s.district_id, norm(s.name)): s for s in streets() if s.is_active}

    return _kept("streets_named", load).get((district.pk, norm(value)))


def purchase_type_named(value):
    """A 购买服务类型 by its name or its code, as `district_named`, or None."""
    from portal.import_widgets import norm

    return _kept("purchase_types_named", lambda: _by_name_and_code(purchase_types())).get(norm(value))


def attach(rows, *fields):
    """Set the 项目类别, 区 or 街镇 of each of `rows` named by `fields` (foreign keys to Category,
    District or Street) from the memo, as select_related would (a category with its parent, a street
    with its district): no query. A row whose id the memo lacks is left to Django's lazy read."""
    if not rows:
        return rows
    by_model = {_models()[0]: categories_by_pk, _models()[1]: districts_by_pk, _models()[3]: streets_by_pk}
    for name in fields:
        field = rows[0]._meta.get_field(name)
        known = by_model[field.related_model]()
        for row in rows:
            value = known.get(getattr(row, field.attname))
            if value is not None:
                field.set_cached_value(row, value)
    return rows


# --- keeping the memo current -----------------------------------------------------------------------


def _written(**kwargs):
    forget()
    if in_transaction():
        _local.own = _new_memo(None, tag=False)
    transaction.on_commit(bump)


@contextmanager
def held():
    """A unit of work outside a request (an Excel import, a background job) reads reference data as a
    request does: it compares the shared version once, at its first lookup, not at every lookup (an
    offer import of 300 rows asked the cache 604 times). Inside a request it changes nothing."""
    if getattr(_local, "in_request", False):
        yield
        return
    _request_started()
    try:
        yield
    finally:
        _request_finished()


def _request_started(**kwargs):
    _local.in_request, _local.checked, _local.routed = True, False, None


def _request_finished(**kwargs):
    _local.in_request, _local.checked, _local.routed = False, False, None


def _migrated(**kwargs):
    bump()


def connect(app_config):
    """Called by PortalConfig.ready()."""
    from django.core.signals import request_finished, request_started
    from django.db.models.signals import post_delete, post_migrate, post_save

    for model in _models():
        post_save.connect(_written, sender=model, dispatch_uid=f"refdata-save-{model.__name__}")
        post_delete.connect(_written, sender=model, dispatch_uid=f"refdata-delete-{model.__name__}")
    request_started.connect(_request_started, dispatch_uid="refdata-request-started")
    request_finished.connect(_request_finished, dispatch_uid="refdata-request-finished")
    post_migrate.connect(_migrated, sender=app_config, dispatch_uid="refdata-migrated")
