"""The 对接成效 figures as first defined (issue 13 §7, commit c071c98): four queries, one per figure.
Kept here as the reference that dashboard/matching_figures.py's two queries must agree with
(tests/dashboard/test_matching_figures.py), not used by the application."""

from django.db.models import Count, Exists, F, FilteredRelation, Min, OuterRef, Q

from dashboard.selectors import AWARD_STATUSES
from demands.models import LIVE_STATUSES
from matching.models import Interest


def _key(row, fields, prefix=""):
    return tuple(row[prefix + f] for f in fields)


def _has_interest():
    return Exists(Interest.objects.filter(demand=OuterRef("pk")))


def demands_with_interest(demands, fields):
    """{row key: {"demands": 有效需求, "with_interest": those with at least one 承接意向}}."""
    rows = (
        demands.filter(status__in=LIVE_STATUSES)
        .values(*fields)
        .annotate(demands=Count("pk"), with_interest=Count("pk", filter=_has_interest()))
        .order_by()
    )
    return {_key(r, fields): r for r in rows}


def interests_from_other_districts(demands, fields):
    """{row key: {"interests": 承接意向, "cross": from organizations registered in another district}}."""
    prefixed = [f"demand__{f}" for f in fields]
    cross = Q(organization__registration_district__isnull=False) & ~Q(
        organization__registration_district=F("demand__district")
    )
    rows = (
        Interest.objects.filter(demand__in=demands.filter(status__in=LIVE_STATUSES).values("pk"))
        .values(*prefixed)
        .annotate(interests=Count("pk"), cross=Count("pk", filter=cross))
        .order_by()
    )
    return {_key(r, fields, "demand__"): r for r in rows}


def days_to_first_interest(demands, fields):
    """{row key: [days from publication to the first 承接意向, one per demand]} (to take medians of)."""
    rows = (
        demands.filter(status__in=LIVE_STATUSES, published_at__isnull=False)
        .annotate(first=Min("interests__created_at"))
        .filter(first__isnull=False)
        .values_list(*fields, "published_at", "first")
        .order_by()
    )
    out = {}
    for *key, published, first in rows:
        out.setdefault(tuple(key), []).append(max(0.0, (first - published).total_seconds() / 86400))
    return out


def awarded_and_matched(demands, fields):
    """{row key: {"awards", "suggested", "interested", "matched" (either)}} over the awards. Both
    records are unique per (demand, organization), so each LEFT JOIN adds at most one row per award
    (joins rather than EXISTS per row: at city scale the planner's estimate of 18,000 sub-plans
    would switch on PostgreSQL's JIT, 0.4 s of compiling for a 0.1 s query)."""
    winner = F("awarded_org_id")
    rows = (
        demands.filter(status__in=AWARD_STATUSES, awarded_org__isnull=False)
        .annotate(
            shown=FilteredRelation(
                "suggestions_shown", condition=Q(suggestions_shown__organization_id=winner)
            ),
            asked=FilteredRelation("interests", condition=Q(interests__organization_id=winner)),
        )
        .values(*fields)
        .annotate(
            awards=Count("pk"),
            suggested=Count("pk", filter=Q(shown__isnull=False)),
            interested=Count("pk", filter=Q(asked__isnull=False)),
            matched=Count("pk", filter=Q(shown__isnull=False) | Q(asked__isnull=False)),
        )
        .order_by()
    )
    return {_key(r, fields): r for r in rows}


def figures(demands, fields):
    """{key: ({figure: value}, sorted days)} as the four queries give them."""
    found = [
        demands_with_interest(demands, fields),
        interests_from_other_districts(demands, fields),
        awarded_and_matched(demands, fields),
    ]
    days = days_to_first_interest(demands, fields)
    out = {}
    for key in set(days).union(*found):
        counts = {}
        for part in found:
            for name, value in (part.get(key) or {}).items():
                if not name.startswith(("unit", "demand__")):
                    counts[name] = value
        out[key] = (counts, sorted(days.get(key, [])))
    return out
