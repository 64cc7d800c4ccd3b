"""推荐目录成员 for the apps below `directory` (issue 17 §3): the badges and the filter of the demand and
offer listings, and their exports.

`directory` sits above `demands` and `offerings` (its applications cite offers as evidence), so those
may not import it. The rule stays in one place, `Application.objects.members()` with its twin
`Application.is_member` (directory/models.py): `DirectoryConfig.ready()` hands that queryset method to
`provide()` at start-up, and everything below asks here.
"""

from django.core.exceptions import ImproperlyConfigured

_members = None


def provide(members):
    """Called once, by `directory.apps.DirectoryConfig.ready()`: `members()` returns the applications
    of the latest published edition that are members (a lazy queryset with `organization_id`)."""
    global _members
    _members = members


def member_applications():
    """The member applications of the latest published 推荐目录, as one lazy queryset."""
    if _members is None:
        raise ImproperlyConfigured("directory is not installed: nobody provided the 推荐目录 members")
    return _members()


def member_organization_ids(among=None):
    """Organizations in the latest published directory (for the badges in the listings): one query.
    `among`: only these organizations are asked about (a listing's page: 20 instead of ~1,200 rows)."""
    qs = member_applications()
    if among is not None:
        # [0] (no such id) when the page has none: still one query, so the page's count stays fixed.
        qs = qs.filter(organization_id__in=list(among) or [0])
    return set(qs.values_list("organization_id", flat=True))


def mark_members(rows, organization_field, mark):
    """Set `row.<mark>` on each of `rows` (a list): is the organization in `row.<organization_field>`
    (an id, or None) a member? One query for the lot."""
    ids = {getattr(row, organization_field) for row in rows} - {None}
    members = member_organization_ids(among=ids)
    for row in rows:
        setattr(row, mark, getattr(row, organization_field) in members)
    return rows
