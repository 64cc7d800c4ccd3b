"""Every table over demands (R-STA-1/2, R-MAT-3), from four grouped queries.

Each table used to be its own GROUP BY, nine reads of the same year's demands (40–80 ms each at
city scale, most of it reading the table). `demand_cube` groups them four ways: by kind (status,
source, grade, category), by buyer (unit level and district, or unit and 街镇), by 服务区域 and by
month; every table is then a sum over a few hundred groups in Python, so its figures are those of
its own GROUP BY. On PostgreSQL the four are answered from the covering index `demand_year_dash`
(the year's rows without reading the table); figures in bench/README.md.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth

from accounts.models import UnitLevel
from demands.models import LIVE_STATUSES, PLATFORM_SOURCE, Grade, Status, award_q

from .definitions import CITY_UNITS, CROSS_DEFINITION, NO_STREET
from .layout import table
from .tables import TENTH, Col, grouped, percent, wan

LIVE = frozenset(s.value for s in LIVE_STATUSES)
AMOUNTS = frozenset({"budget", "award_amount", "all_budget", "amount", "scores"})
DEMAND_KEYS = ("demands", "budget", "awards", "award_amount", "evaluated")
CROSS_KEYS = ("awards", "cross", "city_registered")

# What the grouped queries group by. Each keeps few enough groups in the planner's estimate for
# PostgreSQL to aggregate in a hash table (within the default work_mem) rather than sort the year's
# rows: one query by every dimension took 54 ms of PostgreSQL CPU where these take 10–15 ms each.
KIND_DIMS = ("status", "source", "eval_grade", "category__parent__code")
CITY_BUYER_DIMS = ("status", "unit__level", "unit__district__code")
DISTRICT_BUYER_DIMS = (
    "status",
    "unit__level",
    "unit_id",
    "unit__name",
    "street__name",
    "street__district__name",
)


# --- filters and measures -------------------------------------------------------------------------


def filter_demands(qs, params):
    qs = qs.filter(year=params.year)
    if params.category:
        qs = qs.filter(category__parent__code=params.category)
    if params.level:
        qs = qs.filter(unit__level=params.level)
    if params.source == "platform":
        qs = qs.filter(source=PLATFORM_SOURCE)
    elif params.source == "external":
        qs = qs.exclude(source=PLATFORM_SOURCE)
    return qs


def _live():
    return Q(status__in=LIVE_STATUSES)


def _cross():
    return (
        award_q()
        & Q(awarded_org__registration_district__isnull=False)
        & ~Q(awarded_org__registration_district=F("district"))
    )


def _city_registered():
    return award_q() & Q(awarded_org__registration_district__isnull=True)


def demand_measures():
    return {
        "demands": Count("pk", filter=_live()),
        "budget": Sum("budget", filter=_live()),
        "awards": Count("pk", filter=award_q()),
        "award_amount": Sum("award_amount", filter=award_q()),
        "evaluated": Count("pk", filter=Q(status=Status.EVALUATED)),
    }


def cross_measures():
    return {
        "awards": Count("pk", filter=award_q()),
        "cross": Count("pk", filter=_cross()),
        "city_registered": Count("pk", filter=_city_registered()),
    }


def _group_measures(*, grades=False):
    """Per group of a query with status among its dimensions (so "live" is decided in Python)."""
    measures = {
        "n": Count("pk"),
        "all_budget": Sum("budget"),
        "awards": Count("pk", filter=award_q()),
        "awarded_amount": Sum("award_amount", filter=award_q()),
    }
    if grades:
        measures |= {
            "amount": Sum("award_amount"),
            "scores": Sum("eval_score"),
            "scored": Count("eval_score"),
        }
    return measures


def _with_status(groups):
    for g in groups:
        live = g["status"] in LIVE
        g["demands"] = g["n"] if live else 0
        g["budget"] = g["all_budget"] if live else None
        g["award_amount"] = g["awarded_amount"]
        g["evaluated"] = g["n"] if g["status"] == Status.EVALUATED else 0
    return groups


# --- the four queries -----------------------------------------------------------------------------


@dataclass
class DemandCube:
    kinds: list  # by status, source, grade and top-level category
    buyers: list  # by status, unit level and district (district view: unit and 服务街镇)
    places: list  # by 服务区域: the cross-district figures
    months: list  # by month of publication (Shanghai time)


def buyer_groups(demands, *, view, district_rows=None):
    """By status, unit level and district (district view: unit and 服务街镇): one query."""
    buyer_dims = DISTRICT_BUYER_DIMS if view == "district" else CITY_BUYER_DIMS
    return _with_status(grouped(demands, buyer_dims, _group_measures(), district_rows))


def demand_cube(demands, *, view, district_rows=None, categories=None):
    """The filtered, scoped demands grouped four ways (four queries); `view` as in `pages.build`,
    `district_rows` and `categories` from `tables.districts()` and `tables.top_categories()`."""
    kinds = _with_status(grouped(demands, KIND_DIMS, _group_measures(grades=True), categories=categories))
    buyers = buyer_groups(demands, view=view, district_rows=district_rows)
    places = grouped(demands, ["district__code"], cross_measures(), district_rows)
    months = grouped(
        demands.filter(published_at__isnull=False).annotate(month=TruncMonth("published_at")),
        ["month"],
        demand_measures(),
    )
    return DemandCube(kinds, buyers, places, months)


def _zero(keys):
    return {m: Decimal(0) if m in AMOUNTS else 0 for m in keys}


def rollup(rows, key, keys=DEMAND_KEYS):
    """{key(row): the sums of `keys` over the rows of that key}."""
    out = {}
    for r in rows:
        k = key(r)
        acc = out.get(k)
        if acc is None:
            acc = out[k] = _zero(keys)
        for m in keys:
            if r[m]:
                acc[m] += r[m]
    return out


def _by(field):
    return lambda r: r[field]


def _everything(r):
    return None


def totals(cube):
    """The headline figures over every filtered demand."""
    agg = rollup(cube.kinds, _everything).get(None) or _zero(DEMAND_KEYS)
    cross = rollup(cube.places, _everything, CROSS_KEYS).get(None) or _zero(CROSS_KEYS)
    return {**agg, "cross": cross["cross"], "city_registered": cross["city_registered"]}


# --- the tables -----------------------------------------------------------------------------------


def _demand_row(label, values):
    values = values or {}
    demands = values.get("demands", 0)
    awards = values.get("awards", 0)
    return {
        "label": label,
        "demands": demands,
        "budget": wan(values.get("budget")),
        "awards": awards,
        "award_amount": wan(values.get("award_amount")),
        "award_rate": percent(awards, demands),
        "evaluated": values.get("evaluated", 0),
        # Unrounded 元, so that a total is rounded once (not the sum of rounded rows).
        "_budget": values.get("budget") or Decimal(0),
        "_award_amount": values.get("award_amount") or Decimal(0),
    }


DEMAND_COLUMNS = [
    Col("demands", "需求数（个）"),
    Col("budget", "预算（万元）", "wan"),
    Col("awards", "承接数（个）"),
    Col("award_amount", "成交金额（万元）", "wan"),
    Col("award_rate", "承接率（%）", "pct"),
    Col("evaluated", "已评价（个）"),
]


def _total_row(rows, label="合计"):
    total = {"label": label}
    for key in ("demands", "awards", "evaluated"):
        total[key] = sum(r[key] for r in rows)
    for key in ("budget", "award_amount"):
        total[f"_{key}"] = sum((r[f"_{key}"] for r in rows), Decimal(0))
        total[key] = wan(total[f"_{key}"])
    total["award_rate"] = percent(total["awards"], total["demands"])
    return total


def _demand_table(
    key, title, label, rows, *, total=None, series=("demands", "budget"), sortable=True, **more
):
    total = total if total is not None else _total_row(rows)
    return table(
        key, title, label, DEMAND_COLUMNS, rows, total=total, series=series, sortable=sortable, **more
    )


def by_district(cube, district_rows):
    """City view: one row per district (by the purchaser unit's district) and one for city departments."""
    found = rollup(cube.buyers, _by("unit__district__code"))
    rows = [_demand_row(CITY_UNITS, found.get(None))]
    rows += [_demand_row(name, found.get(code)) for _, code, name in district_rows]
    return _demand_table(
        "district", "需求按区统计（购买主体所在区）", "区", rows, note="市级部门发布的需求单列为“市级部门”。"
    )


def by_street(cube, district_name):
    rows = []
    found = rollup(cube.buyers, lambda r: (r["street__name"], r["street__district__name"]))
    for (street, street_district), values in found.items():
        if street is None:
            label = NO_STREET
        elif street_district != district_name:
            label = f"{street_district}{street}"
        else:
            label = street
        rows.append(_demand_row(label, values))
    rows.sort(key=lambda r: (r["label"] == NO_STREET, r["label"]))
    return _demand_table("street", "需求按街镇统计（服务街镇）", "街镇", rows)


def by_unit(cube):
    found = rollup(cube.buyers, lambda r: (r["unit_id"], r["unit__name"]))
    rows = [_demand_row(name, values) for (_, name), values in found.items()]
    rows.sort(key=lambda r: r["label"])
    return _demand_table("unit", "需求按购买主体统计", "购买主体", rows, series=())


def by_category(cube, categories):
    found = rollup(cube.kinds, _by("category__parent__code"))
    rows = [_demand_row(name, found.get(code)) for code, name in categories]
    return _demand_table("category", "需求按项目类别统计（一级类别）", "项目类别", rows)


def by_level(cube):
    found = rollup(cube.buyers, _by("unit__level"))
    rows = [_demand_row(label, found.get(value)) for value, label in UnitLevel.choices]
    return _demand_table("level", "需求按购买主体层级统计", "购买主体层级", rows, sortable=False)


def by_source(cube):
    rows = [_demand_row(source, values) for source, values in rollup(cube.kinds, _by("source")).items()]
    # 本平台 first, then the other platforms by name.
    rows.sort(key=lambda r: (r["label"] != PLATFORM_SOURCE, r["label"]))
    if not any(r["label"] == PLATFORM_SOURCE for r in rows):
        rows.insert(0, _demand_row(PLATFORM_SOURCE, None))
    return _demand_table(
        "source",
        "需求按信息来源统计（本平台与其他平台）",
        "信息来源",
        rows,
        note="其他平台的项目通过数据接口导入，保留其来源系统名称。",
    )


def by_month(cube, year):
    """有效需求 by the month they were published (Shanghai time) in the chosen year."""
    found = rollup((r for r in cube.months if r["month"].year == year), lambda r: r["month"].month)
    rows = [_demand_row(f"{m}月", found.get(m)) for m in range(1, 13)]
    total = _total_row(rows, "合计")
    others = [r for r in cube.months if r["month"].year != year]
    note = f"按{year}年内的发布月份统计。"
    if others:
        note += f"另有 {sum(r['demands'] for r in others)} 个{year}年度的有效需求在其他年份发布，未计入本表。"
    return _demand_table(
        "month",
        f"需求按发布月份统计（{year}年）",
        "月份",
        rows,
        total=total,
        note=note,
        chart="line",
        sortable=False,
    )


def by_status(cube, *, public):
    found = rollup(cube.kinds, _by("status"), ("n", "all_budget"))
    order = (Status.PUBLISHED, Status.AWARDED, Status.EVALUATED, Status.CANCELLED, Status.DRAFT)
    statuses = [s for s in order if not (public and s == Status.DRAFT)]
    raw = {s: (found.get(s.value) or {}).get("all_budget") or Decimal(0) for s in statuses}
    rows = [
        {"label": s.label, "count": (found.get(s.value) or {}).get("n", 0), "budget": wan(raw[s])}
        for s in statuses
    ]
    total = {"label": "合计", "count": sum(r["count"] for r in rows), "budget": wan(sum(raw.values()))}
    note = "按需求当前状态统计，含草稿和已取消的需求。"
    if public:
        note = "按需求当前状态统计；已取消的需求只计发布后取消的。"
    columns = [("count", "需求数（个）"), ("budget", "预算（万元）", "wan")]
    return table("status", "需求按状态统计", "状态", columns, rows, total=total, note=note, series=["count"])


def _average(total, count):
    if not count:
        return None
    return (Decimal(total) / count).quantize(TENTH, rounding=ROUND_HALF_UP)


GRADE_COLUMNS = [
    Col("count", "项目数（个）"),
    Col("share", "占比（%）", "pct"),
    Col("amount", "成交金额（万元）", "wan"),
    Col("score", "平均得分", "score"),
]


def by_grade(cube):
    evaluated = (r for r in cube.kinds if r["status"] == Status.EVALUATED)
    found = rollup(evaluated, _by("eval_grade"), ("n", "amount", "scores", "scored"))
    choices = list(Grade.choices)
    if "" in found:
        choices.append(("", "未填写等级"))
    rows = []
    raw_amount = Decimal(0)
    for value, label in choices:
        r = found.get(value) or {}
        raw_amount += r.get("amount") or Decimal(0)
        rows.append(
            {
                "label": label,
                "count": r.get("n", 0),
                "amount": wan(r.get("amount")),
                "score": _average(r.get("scores"), r.get("scored")),
            }
        )
    count = sum(r["count"] for r in rows)
    for row in rows:
        row["share"] = percent(row["count"], count)
    total = {
        "label": "合计",
        "count": count,
        "amount": wan(raw_amount),
        "share": percent(count, count),
        "score": None,
    }
    return table(
        "grade",
        "绩效评价按等级统计",
        "评价等级",
        GRADE_COLUMNS,
        rows,
        total=total,
        note="已评价的有效需求，按绩效评价等级统计。",
        chart="pie",
        series=["count"],
    )


def _cross_row(label, values):
    awards, cross, city_registered = ((values or {}).get(k, 0) for k in CROSS_KEYS)
    return {
        "label": label,
        "awards": awards,
        "cross": cross,
        "city_registered": city_registered,
        "local": awards - cross - city_registered,
        "share": percent(cross, awards),
    }


CROSS_COLUMNS = [
    Col("awards", "承接数（个，分母）"),
    Col("cross", "跨区域承接数（个，分子）"),
    Col("local", "本区登记组织承接（个）"),
    Col("city_registered", "市民政局登记组织承接（个）"),
    Col("share", "跨区域承接率（%）", "pct"),
]


def cross_district(cube, district_rows, *, every_district=True):
    """R-MAT-3, per 服务区域 (the district the cross-district test compares with)."""
    found = rollup(cube.places, _by("district__code"), CROSS_KEYS)
    rows = [
        _cross_row(name, found.get(code))
        for _, code, name in district_rows
        if every_district or code in found
    ]
    total = _cross_row("合计", {k: sum(r[k] for r in rows) for k in CROSS_KEYS})
    return table(
        "cross",
        "跨区域承接（按需求服务区域）",
        "服务区域",
        CROSS_COLUMNS,
        rows,
        total=total,
        note=CROSS_DEFINITION,
        series=["cross", "local", "city_registered"],
        sortable=True,
    )
