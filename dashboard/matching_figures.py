"""对接 in the figures (issue 13 §7): what the matching brought, in 统计分析 (the city per district, a
district per purchaser unit) and in the public 数据概览 (per district), and in their Excel exports.

Over the demands the page already counts (scoped, of the chosen 年度 and filters), per row:

- 有效需求 and 承接数: from the page's own grouping by buyer (`demand_tables.buyer_groups`, already
  read for the demand tables), no query of their own;
- one query over the 有效需求 with at least one 承接意向 (withdrawn ones count: the organization did
  say 有意承接), one row per demand: how many interests, how many from organizations registered
  with a district's 民政局 other than the demand's 服务区域 (跨区域承接, R-MAT-3: city-registered
  organizations are not counted as from another district), the first one's time (days from
  publication to it, per demand: the median is taken here, the same way on both databases), and
  whether the awarded organization is among them (an award only);
- one query over the awards whose organization had been suggested on the demand's page
  (`matching.SuggestionShown`, written when the block was shown), per row: how many, and how many of
  them the organization had also expressed interest in, so that "suggested or interested" is counted
  once per award.

Two queries where there were four (the year's demands read once each): tests/dashboard/
test_matching_figures.py compares them with the four queries' definition on varied data.
"""

import statistics

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Min,
    OuterRef,
    Q,
)

from matching.models import SuggestionShown

from .figures.demand_tables import award_q, buyer_groups, rollup
from .selectors import CITY_UNITS, Col, Table, percent

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


def _key(row, fields):
    return tuple(row[f] for f in fields)


def interests_per_demand(demands, fields):
    """One row per 有效需求 with at least one 承接意向: (key…, interests, from another district's
    registration, from the awarded organization (on an award), time from publication to the first
    one (None if never published))."""
    cross = Q(interests__organization__registration_district__isnull=False) & ~Q(
        interests__organization__registration_district=F("district")
    )
    winner = award_q() & Q(interests__organization_id=F("awarded_org_id"))
    return list(
        demands.live()
        .filter(interests__isnull=False)
        .values("pk", *fields)
        .annotate(
            n=Count("interests"),
            n_cross=Count("interests", filter=cross),
            n_asked=Count("interests", filter=winner),
            wait=ExpressionWrapper(Min("interests__created_at") - F("published_at"), DurationField()),
        )
        .values_list(*fields, "n", "n_cross", "n_asked", "wait")
        .order_by()
    )


def suggested_awards(demands, fields):
    """{key: {"suggested", "both"}}: the awards whose organization had been suggested on the
    demand's page, and those of them it had also expressed interest in."""
    shown = SuggestionShown.objects.filter(demand=OuterRef("pk"), organization=OuterRef("awarded_org"))
    rows = (
        demands.filter(award_q(), Exists(shown))
        .annotate(
            asked=FilteredRelation("interests", condition=Q(interests__organization_id=F("awarded_org_id")))
        )
        .values(*fields)
        .annotate(suggested=Count("pk"), both=Count("pk", filter=Q(asked__isnull=False)))
        .order_by()
    )
    return {_key(r, fields): r for r in rows}


def _days(wait):
    return max(0.0, wait.total_seconds() / 86400)


def median_days(days):
    if not days:
        return None
    return round(statistics.median(days), 1)


def _row(label, counts, days):
    row = {"label": label, **{k: (counts or {}).get(k, 0) for k in COUNTS}}
    row["interest_share"] = percent(row["with_interest"], row["demands"])
    row["median_days"] = median_days(days)
    return row


def figures(demands, view, buyers=None):
    """{key: (the COUNTS of the row, [days to the first 承接意向, one per demand])} for every key with
    有效需求. `buyers`: `buyer_groups(demands, view=view)` when the page has read it already."""
    fields = group_fields(view)
    if buyers is None:
        buyers = buyer_groups(demands, view=view)
    found = rollup(buyers, lambda r: _key(r, fields), ("demands", "awards"))
    data = {key: ({**_zeros(), **counts}, []) for key, counts in found.items() if counts["demands"]}

    def at(key):  # a key the grouping did not have: a demand published between the queries
        return data.setdefault(key, (_zeros(), []))

    width = len(fields)
    for row in interests_per_demand(demands, fields):
        n, n_cross, n_asked, wait = row[width:]
        counts, days = at(row[:width])
        counts["with_interest"] += 1
        counts["interests"] += n
        counts["cross"] += n_cross
        counts["interested"] += n_asked > 0
        if wait is not None:
            days.append(_days(wait))
    for key, r in suggested_awards(demands, fields).items():
        counts = at(key)[0]
        counts["suggested"] += r["suggested"]
        counts["matched"] += r["suggested"] - r["both"]
    for counts, _ in data.values():
        counts["matched"] += counts["interested"]
    return data


def _zeros():
    return {k: 0 for k in COUNTS}


def table(demands, view, district_rows, buyers=None):
    """The 对接成效 table of a page: `demands` as the page counts them (scoped, filtered by year);
    `buyers` as in `figures`."""
    data = figures(demands, view, buyers)
    if view == "district":
        # A key is (unit id, unit name): the units with demands of the year, by name.
        rows = [_row(key[1], *data[key]) for key in sorted(data, key=lambda k: (k[1], k[0]))]
        label = "购买主体"
    else:
        labels = [((None,), CITY_UNITS)] + [((code,), name) for _, code, name in district_rows]
        rows = [_row(name, *data.get(key, (None, []))) for key, name in labels]
        label = "区"
    all_days = [d for _, days in data.values() for d in days]
    total = _row("合计", {k: sum(r[k] for r in rows) for k in COUNTS}, all_days)
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
