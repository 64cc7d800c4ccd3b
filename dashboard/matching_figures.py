"""对接 in the figures (issue 13 §7): what the matching brought, in 统计分析 (the city per district, a
district per purchaser unit) and in the public 数据概览 (per district), and in their Excel exports.

Each figure is one query over the demands the page already counts (scoped, of the chosen 年度 and
filters), grouped by the row they belong to:

- `demands_with_interest`: 有效需求 with at least one 承接意向 (withdrawn ones count: the organization
  did say 有意承接);
- `interests_from_other_districts`: 承接意向 on those demands from organizations registered with a
  district's 民政局 other than the demand's 服务区域 (as 跨区域承接, R-MAT-3: city-registered
  organizations are not counted as from another district);
- `days_to_first_interest`: days from publication to the first 承接意向, per demand (the median is
  taken here, the same way on both databases);
- `awarded_and_matched`: awards whose organization had been suggested on the demand's page
  (`matching.SuggestionShown`, written when the block was shown) or had expressed interest.
"""

import statistics

from django.db.models import Count, Exists, F, FilteredRelation, Min, OuterRef, Q

from demands.models import LIVE_STATUSES
from matching.models import Interest

from .selectors import AWARD_STATUSES, CITY_UNITS, Col, Table, percent

DEFINITION = (
    "对接成效：有承接意向的需求为所选年度有效需求中至少有一个社会组织表达过承接意向（含后来撤回的）的项目；"
    "来自其他区是登记管理机关为另一区民政局的社会组织表达的承接意向（市民政局登记的不计）；"
    "中位天数为从发布到第一个承接意向的天数的中位数；承接方曾被推荐指承接社会组织在该需求页面的"
    "“可能合适的社会组织”中出现过，曾表达意向指它对该需求表达过承接意向。"
)
COLUMNS = [
    Col("demands", "有效需求（个）"),
    Col("with_interest", "有承接意向的需求（个）"),
    Col("interest_share", "占比（%）", "pct"),
    Col("interests", "承接意向（个）"),
    Col("cross", "其中来自其他区（个）"),
    Col("median_days", "发布至首个意向（中位天数）", "num"),
    Col("awards", "承接数（个）"),
    Col("suggested", "承接方曾被推荐（个）"),
    Col("interested", "承接方曾表达意向（个）"),
    Col("matched", "曾被推荐或表达意向（个）"),
]
COUNTS = ("demands", "with_interest", "interests", "cross", "awards", "suggested", "interested", "matched")


def group_fields(view):
    """What a row is: a purchaser unit in a district's view, else the unit's district (None: 市级部门)."""
    return ("unit_id", "unit__name") if view == "district" else ("unit__district__code",)


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


def median_days(days):
    if not days:
        return None
    return round(statistics.median(days), 1)


def _row(label, parts, days):
    row = {"label": label, **{k: 0 for k in COUNTS}}
    for part in parts:
        for k in COUNTS:
            if part and k in part:
                row[k] = part[k]
    row["interest_share"] = percent(row["with_interest"], row["demands"])
    row["median_days"] = median_days(days)
    return row


def figures(demands, view):
    """The four figures, keyed by row: {key: (parts, days)} and the labels of the keys."""
    fields = group_fields(view)
    found = [
        demands_with_interest(demands, fields),
        interests_from_other_districts(demands, fields),
        awarded_and_matched(demands, fields),
    ]
    days = days_to_first_interest(demands, fields)
    keys = set(days).union(*found)
    return {key: ([f.get(key) for f in found], days.get(key, [])) for key in keys}


def table(demands, view, district_rows):
    """The 对接成效 table of a page: `demands` as the page counts them (scoped, filtered by year)."""
    data = figures(demands, view)
    if view == "district":
        # A key is (unit id, unit name): the units with demands of the year, by name.
        rows = [_row(key[1], *data[key]) for key in sorted(data, key=lambda k: (k[1], k[0]))]
        label = "购买主体"
    else:
        labels = [((None,), CITY_UNITS)] + [((code,), name) for _, code, name in district_rows]
        rows = [_row(name, *data.get(key, ([], []))) for key, name in labels]
        label = "区"
    all_days = [d for _, days in data.values() for d in days]
    total = _row("合计", [{k: sum(r[k] for r in rows) for k in COUNTS}], all_days)
    return Table(
        key="matching",
        title="对接成效（承接意向与推荐）"
        + ("（按购买主体）" if view == "district" else "（按购买主体所在区）"),
        columns=[Col("label", label, "text"), *COLUMNS],
        rows=rows,
        total=total,
        note=DEFINITION,
        sortable=True,
    )
