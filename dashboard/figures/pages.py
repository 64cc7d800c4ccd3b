"""One page of statistics: every table in the administrator's scope, or the public 数据概览's subset.

A page costs the same number of SQL queries whatever the number of demands, offers and members
(pinned in tests/dashboard/test_query_counts.py): four for every table over demands
(`demand_tables.demand_cube`), two for the offers (`supply_tables.offer_groups`, and the
organizations that publish them by 登记管理机关; one in the district view), one per table of
members, and three of reference data. Views pass querysets that are already scoped (`accounts.permissions.scope_to`, or the public
subsets); this module only groups and sums.
"""

from . import demand_tables as d
from . import supply_tables as s
from .tables import Col, Dashboard, Table, districts, pct_text, percent, top_categories, wan


def _headline(agg, offers_total, members_total, year):
    demands = agg["demands"]
    awards = agg["awards"]
    cross = agg["cross"]
    share = percent(cross, awards)
    return [
        ("有效需求", f"{demands:,}", "个", f"{year}年度"),
        ("需求预算", f"{wan(agg['budget']):,.2f}", "万元", ""),
        ("已确定承接", f"{awards:,}", "个", f"承接率 {pct_text(percent(awards, demands))}"),
        ("成交金额", f"{wan(agg['award_amount']):,.2f}", "万元", ""),
        ("已评价", f"{agg['evaluated']:,}", "个", ""),
        ("跨区域承接率", pct_text(share), "", f"{cross:,} ÷ {awards:,}（跨区域承接数 ÷ 承接数）"),
        ("已发布服务项目", f"{offers_total:,}", "个", "当前"),
        ("推荐目录成员", f"{members_total:,}", "家", ""),
    ]


def _headline_table(agg, offers_total, members_total):
    awards = agg["awards"]
    rows = [
        {"label": "有效需求数（个）", "value": agg["demands"]},
        {"label": "需求预算（万元）", "value": wan(agg["budget"])},
        {"label": "已确定承接数（个）", "value": awards},
        {"label": "成交金额（万元）", "value": wan(agg["award_amount"])},
        {"label": "承接率（%）", "value": percent(awards, agg["demands"])},
        {"label": "已评价数（个）", "value": agg["evaluated"]},
        {"label": "跨区域承接数（个，分子）", "value": agg["cross"]},
        {"label": "承接数（个，分母）", "value": awards},
        {"label": "跨区域承接率（%）", "value": percent(agg["cross"], awards)},
        {"label": "其中市民政局登记组织承接（个）", "value": agg["city_registered"]},
        {"label": "已发布服务项目数（个）", "value": offers_total},
        {"label": "推荐目录成员（家）", "value": members_total},
    ]
    return Table(
        key="overview",
        title="总体情况",
        columns=[Col("label", "指标", "text"), Col("value", "数值", "num")],
        rows=rows,
    )


def _base(demands, offerings, applications, params):
    demands = d.filter_demands(demands, params)
    offerings = s.filter_offerings(offerings, params)
    edition = s.edition_for(params.year)
    applications = applications.filter(edition=edition) if edition else applications.none()
    return demands, offerings, applications, edition


def build(
    *,
    demands,
    offerings,
    applications,
    params,
    view,
    district=None,
    scope_label="全市",
    categories=None,
    district_rows=None,
):
    """Every table of one page.

    `demands`, `offerings`, `applications` are already scoped (and, for the public page, limited to
    what is published); `view` is "city" (districts side by side), "district" (one district by
    街镇 and purchaser unit) or "public" (the 数据概览's subset, published data only).
    `categories` and `district_rows` may be passed when the caller has read them already."""
    categories = top_categories() if categories is None else categories
    district_rows = districts() if district_rows is None else district_rows
    demands, offerings, applications, edition = _base(demands, offerings, applications, params)

    cube = d.demand_cube(demands, view=view, district_rows=district_rows, categories=categories)
    agg = d.totals(cube)
    category = d.by_category(cube, categories)
    offers = s.offer_groups(offerings, categories, district_rows if view != "district" else None)
    offers_category = s.offers_by_category(offers, categories)
    tables = []
    if view == "district":
        tables += [d.by_street(cube, district.name if district else ""), d.by_unit(cube)]
    else:
        tables.append(d.by_district(cube, district_rows))
    tables.append(category)
    if view != "public":
        tables.append(d.by_level(cube))
    tables.append(d.by_status(cube, public=view == "public"))
    tables.append(d.by_month(cube, params.year))
    if view != "public":
        tables += [d.by_source(cube), d.by_grade(cube)]
    tables.append(d.cross_district(cube, district_rows, every_district=view != "district"))
    tables.append(offers_category)
    if view != "district":
        tables.append(s.offers_by_district(offerings, offers, district_rows))
    members_district = s.members_by_district(applications, district_rows, params, edition)
    tables.append(s.members_by_category(applications, categories, params, edition))
    if view != "district":
        tables.append(members_district)
    tables.append(s.balance(category, offers_category))

    offers_total = offers_category.total["offers"]
    members_total = members_district.total["members"]
    headline_table = _headline_table(agg, offers_total, members_total)
    return Dashboard(
        params=params,
        scope_label=scope_label,
        tables=[headline_table, *tables],
        headline=_headline(agg, offers_total, members_total, params.year),
        edition_year=edition.year if edition else None,
        cube=cube,
    )
