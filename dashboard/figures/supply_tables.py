"""The supply side of the statistics: published offers (R-SUB-3), the directory's members, and
供需对比 of demands against offers."""

from decimal import Decimal
from operator import itemgetter

from django.db.models import Count, Q

from directory.models import Application, Edition, EditionStatus

from .definitions import CITY_REGISTERED
from .demand_tables import rollup
from .layout import table
from .tables import grouped, labelled, ratio, wan

OFFERS = ("offers", "服务项目数（个）")
OFFER_KEYS = ("offers", "purchased")
CATEGORY = "category__parent__code"
AUTHORITY = "organization__registration_district__code"


def filter_offerings(qs, params):
    if params.category:
        qs = qs.filter(category__parent__code=params.category)
    return qs


def offer_groups(offerings, categories, district_rows=None):
    """The offers grouped by top-level category and, for the pages that also show them by
    登记管理机关 (given `district_rows`), by the organization's registration district: one query for
    both tables (each used to read every published offer, 30–50 ms of PostgreSQL CPU apiece at city
    scale)."""
    measures = {"offers": Count("pk"), "purchased": Count("pk", filter=Q(previously_purchased=True))}
    dims = [CATEGORY, *([AUTHORITY] if district_rows is not None else [])]
    return grouped(offerings, dims, measures, district_rows, categories)


def offers_by_category(groups, categories):
    """`groups` from `offer_groups`."""
    rows, total = labelled(rollup(groups, itemgetter(CATEGORY), OFFER_KEYS), OFFER_KEYS, categories)
    purchased = ("purchased", "其中曾被政府购买（个）")
    return table(
        "offers_category",
        "服务项目按项目类别统计（当前已发布）",
        "项目类别",
        [OFFERS, purchased],
        rows,
        total=total,
        series=OFFER_KEYS,
        sortable=True,
    )


def _authorities(district_rows):
    """The 登记管理机关 as (district code, name): the city's 民政局 first (no district), then each 区."""
    return [(None, CITY_REGISTERED), *((c, n) for _, c, n in district_rows)]


def offers_by_district(offerings, groups, district_rows):
    """`groups` from `offer_groups(offerings, categories, district_rows)`; the organizations
    publishing them (one query)."""
    found = rollup(groups, itemgetter(AUTHORITY), OFFER_KEYS)
    orgs = {"orgs": Count("organization_id", distinct=True)}
    for row in grouped(offerings, [AUTHORITY], orgs, district_rows):
        found.setdefault(row[AUTHORITY], {})["orgs"] = row["orgs"]
    rows, total = labelled(found, ("offers", "orgs"), _authorities(district_rows))
    orgs = ("orgs", "发布的社会组织（家）")
    return table(
        "offers_district",
        "服务项目按登记管理机关统计（当前已发布）",
        "登记管理机关",
        [OFFERS, orgs],
        rows,
        total=total,
        series=["offers"],
        sortable=True,
    )


def member_applications():
    """推荐目录成员 of every published edition (`Application.objects.published_members()`); `build`
    keeps one edition's."""
    return Application.objects.published_members()


def edition_for(year):
    """The published edition of `year`, else the latest published one before it (one query)."""
    return Edition.objects.filter(status=EditionStatus.PUBLISHED, year__lte=year).order_by("-year").first()


def _members_note(edition, year):
    if edition is None:
        return f"{year}年及以前尚无已发布的推荐目录。"
    if edition.year != year:
        return f"{year}年度推荐目录尚未发布，以下为{edition.year}年度推荐目录。"
    return f"{edition.year}年度推荐目录。"


def _members(applications, params, field, district_rows=None):
    qs = applications
    if params.category:
        qs = qs.filter(evidence__category__parent__code=params.category)
    measures = {"members": Count("pk", distinct=True)}
    return {r[field]: r["members"] for r in grouped(qs, [field], measures, district_rows)}


MEMBERS = ("members", "社会组织（家）")


def members_by_category(applications, categories, params, edition):
    found = _members(applications, params, "evidence__category__parent__code")
    rows = [{"label": name, "members": found.get(code, 0)} for code, name in categories]
    return table(
        "members_category",
        "推荐目录成员按佐证项目类别统计",
        "项目类别",
        [MEMBERS],
        rows,
        note=_members_note(edition, params.year) + "佐证项目分属两个类别的社会组织计入两个类别，因此不合计。",
        series=["members"],
        sortable=True,
    )


def members_by_district(applications, district_rows, params, edition):
    found = _members(applications, params, AUTHORITY, district_rows)
    rows = [{"label": name, "members": found.get(code, 0)} for code, name in _authorities(district_rows)]
    return table(
        "members_district",
        "推荐目录成员按登记管理机关统计",
        "登记管理机关",
        [MEMBERS],
        rows,
        total={"label": "合计", "members": sum(r["members"] for r in rows)},
        note=_members_note(edition, params.year),
        series=["members"],
        sortable=True,
    )


def balance(category_table, offers_table):
    """供需对比 per top-level category, from two tables already computed (no query)."""
    offers = {r["label"]: r["offers"] for r in offers_table.rows}
    rows = []
    for r in category_table.rows:
        rows.append(
            {
                "label": r["label"],
                "demands": r["demands"],
                "budget": r["budget"],
                "_budget": r["_budget"],
                "offers": offers.get(r["label"], 0),
                "ratio": ratio(offers.get(r["label"], 0), r["demands"]),
            }
        )
    total_demands = sum(r["demands"] for r in rows)
    total_offers = sum(r["offers"] for r in rows)
    return table(
        "balance",
        "供需对比（按项目类别）",
        "项目类别",
        [
            ("demands", "有效需求数（个）"),
            ("budget", "需求预算（万元）", "wan"),
            ("offers", "已发布服务项目数（个）"),
            ("ratio", "供需比（服务项目数 ÷ 需求数）", "ratio"),
        ],
        rows,
        total={
            "label": "合计",
            "demands": total_demands,
            "budget": wan(sum((r["_budget"] for r in rows), Decimal(0))),
            "offers": total_offers,
            "ratio": ratio(total_offers, total_demands),
        },
        note="需求为所选年度的有效需求，服务项目为当前已发布的服务项目。供需比小于 1 表示该类别的服务项目少于需求。",
        series=["demands", "offers"],
        sortable=True,
    )
