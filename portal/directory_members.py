"""推荐目录成员 for the apps below `directory` (issue 17 §3): the badges and the filter of the demand and
offer listings, and their exports.

`directory` sits above `demands` and `offerings` (its applications cite offers as evidence), so those
may not import it. The rule stays in one place, `Application.objects.members()` with its twin
`Application.is_member` (directory/models.py): `DirectoryConfig.ready()` hands that queryset method to
`provide()` at start-up, and everything below asks here.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router

_members = None
# The SQL of the members' organization ids, compiled once per process and database (alias: (SQL,
# parameters), and "model": the applications' model). Building and compiling the queryset for each listing page cost 1.8 ms of CPU, a
# tenth of the offers page's (issue 15); the rule's parameters are constants (statuses, the latest
# published edition as a subquery), so the SQL is the same for every page and reads the rows as they are.
_compiled = {}


def provide(members):
    """Called once, by `directory.apps.DirectoryConfig.ready()`: `members()` returns the applications
    of the latest published edition that are members (a lazy queryset with `organization_id`)."""
    global _members
    _members = members
    _compiled.clear()


def member_applications():
    """The member applications of the latest published 推荐目录, as one lazy queryset."""
    if _members is None:
        raise ImproperlyConfigured("directory is not installed: nobody provided the 推荐目录 members")
    return _members()


def member_organization_ids(among=None):
    """Organizations in the latest published directory (for the badges in the listings): one query.
    `among`: only these organizations are asked about (a listing's page: 20 instead of ~1,200 rows)."""
    if among is None:
        return set(member_applications().values_list("organization_id", flat=True))
    # [0] (no such id) when the page has none: still one query, so the page's count stays fixed.
    ids = list(among) or [0]
    alias, sql, params = _member_ids_sql()
    marks = ", ".join(["%s"] * len(ids))
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT organization_id FROM ({sql}) AS members WHERE organization_id IN ({marks})",
            (*params, *ids),
        )
        return {row[0] for row in cursor.fetchall()}


def _member_ids_sql():
    """(database, SQL, parameters) of `member_applications()`'s organization ids, unordered (a set),
    on the database the router reads them from (the replica for a listing page, when there is one)."""
    if "model" not in _compiled:
        _compiled["model"] = member_applications().model
    alias = router.db_for_read(_compiled["model"])
    if alias not in _compiled:
        query = member_applications().order_by().values_list("organization_id", flat=True).query
        _compiled[alias] = query.get_compiler(alias).as_sql()
    return (alias, *_compiled[alias])


def mark_members(rows, organization_field, mark):
    """Set `row.<mark>` on each of `rows` (a list): is the organization in `row.<organization_field>`
    (an id, or None) a member? One query for the lot."""
    ids = {getattr(row, organization_field) for row in rows} - {None}
    members = member_organization_ids(among=ids)
    for row in rows:
        setattr(row, mark, getattr(row, organization_field) in members)
    return rows
