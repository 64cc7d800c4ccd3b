"""全景呈现 (R-STA-1/2, R-MAT-3): every figure of the statistics dashboard and of the public 数据概览.

Each table is one aggregate query (GROUP BY with conditional counts and sums), so a page costs the
same number of SQL queries whatever the number of demands, offers and members (pinned in
tests/dashboard/test_query_counts.py). Views pass querysets that are already scoped
(`accounts.permissions.scope_to`, or the public subsets); this module only groups and sums.

Definitions (shown on the pages and in the exports' 说明 sheet):

- 有效需求 (“需求数”, “预算”): demands of the chosen 年度 (`Demand.year`) whose status is 已发布,
  已确定承接方 or 已评价. Drafts and cancelled demands are counted only in the table by status.
- 已确定承接 (“承接数”, “成交金额”): 有效需求 with status 已确定承接方 or 已评价 and an awarded
  organization; 成交金额 sums the recorded award amounts (an award without an amount adds nothing).
- 跨区域承接 (R-MAT-3): an award whose organization is registered with a district's 民政局 other
  than the demand's 服务区域 (`awarded_org.registration_district != demand.district`).
  跨区域承接率 = 跨区域承接数 ÷ 承接数 (every award, including those to organizations registered with
  the 市民政局, which are not counted as cross-district: they serve the whole city).
- 区 (city view): the purchaser unit's district; city departments are one row, 市级部门. This is the
  path a district administrator's scope follows, so the city's 黄浦区 row equals 黄浦区's own view.
- 街镇 (district view): the demand's 服务街镇 (empty: 未指定街镇).
- 服务项目: offers published now (not per year) by organizations that may publish (R-SUB-3);
  区 is the organization's registration authority (登记管理机关).
- 推荐目录成员: approved organizations of the published edition of the chosen year, or else of the
  latest published edition before it; by category of their evidence offers (an organization whose
  two evidence offers are in two areas is counted in both), and by registration authority.
- 供需对比: 有效需求 of the year against the 服务项目 published now, per top-level category.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from accounts.models import UnitLevel
from demands.models import LIVE_STATUSES, PLATFORM_SOURCE, Grade, Status
from directory.models import Application, Edition, EditionStatus
from portal.models import Category, District

WAN = Decimal(10000)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")

AWARD_STATUSES = (Status.AWARDED, Status.EVALUATED)
CITY_UNITS = "市级部门"
CITY_REGISTERED = "市民政局登记"
NO_STREET = "未指定街镇"
SOURCE_CHOICES = [("", "全部来源"), ("platform", "本平台"), ("external", "其他平台")]

CROSS_DEFINITION = (
    "跨区域承接：已确定承接方的有效需求中，承接社会组织的登记管理机关是某区民政局、且该区不是需求服务区域的项目。"
    "跨区域承接率 = 跨区域承接数 ÷ 承接数（分母含在市民政局登记的社会组织承接的项目，这些项目不计为跨区域）。"
)
DEFINITIONS = [
    "有效需求：所选年度中状态为已发布、已确定承接方或已评价的需求；草稿和已取消的需求只在“按状态”表中统计。",
    "承接数、成交金额：有效需求中已确定承接方（已确定承接方或已评价）的项目；成交金额为录入的成交金额之和。",
    CROSS_DEFINITION,
    "区：购买主体所在区，市级部门单列；街镇：需求的服务街镇。",
    "服务项目：当前已发布的服务项目（不分年度），不含登记已注销或列入严重失信名单的社会组织的项目；区为社会组织的登记管理机关。",
    "推荐目录成员：所选年度已发布的推荐目录（该年度未发布时为此前最近一年）中入选的社会组织；"
    "按佐证项目的类别统计，佐证项目分属两个类别的计入两个类别。",
    "金额单位为万元，保留两位小数。",
]
PUBLIC_DEFINITIONS = [
    "只统计已公开的信息：已发布、已确定承接方、已评价和发布后取消的需求（不含草稿），"
    "已发布的服务项目，已发布的推荐目录；不含联系方式和个人信息。",
    "有效需求：所选年度中状态为已发布、已确定承接方或已评价的需求；发布后取消的需求只在“按状态”表中统计。",
    *DEFINITIONS[1:],
]


# --------------------------------------------------------------------------------------------
# Parameters and results


@dataclass(frozen=True)
class Params:
    year: int
    category: str = ""  # top-level category code ("01"), or "" for all
    level: str = ""  # UnitLevel value, or ""
    source: str = ""  # "", "platform" or "external"


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    kind: str = "int"  # text | int | wan (万元) | pct | ratio | score | num


@dataclass
class Table:
    key: str
    title: str
    columns: list
    rows: list = field(default_factory=list)
    total: dict | None = None
    note: str = ""
    chart: dict | None = None  # {"type": "bar" | "line" | "pie", "series": [column keys]}
    sortable: bool = False

    @property
    def label_column(self):
        return self.columns[0]

    @property
    def value_columns(self):
        return self.columns[1:]

    def sort_by(self, key):
        """Rows ordered by one column: numbers largest first, text in order; unknown keys ignored."""
        col = next((c for c in self.columns if c.key == key), None)
        if col is None or not self.sortable:
            return False
        if col.kind == "text":
            self.rows.sort(key=lambda r: str(r.get(key) or ""))
        else:
            self.rows.sort(key=lambda r: (r.get(key) is None, -(r.get(key) or 0)))
        return True

    def chart_data(self):
        if not self.chart:
            return None
        cols = {c.key: c for c in self.columns}
        label = self.label_column.key
        return {
            "id": self.key,
            "type": self.chart["type"],
            "title": self.title,
            "labels": [str(r[label]) for r in self.rows],
            "series": [
                {
                    "name": cols[k].label,
                    "unit": UNITS.get(cols[k].kind, ""),
                    "data": [_number(r.get(k)) for r in self.rows],
                }
                for k in self.chart["series"]
            ],
        }


UNITS = {"int": "个", "wan": "万元", "pct": "%", "ratio": ""}


@dataclass
class Dashboard:
    params: Params
    scope_label: str
    tables: list
    headline: list  # [(label, display value, note)]
    edition_year: int | None = None

    def table(self, key):
        return next((t for t in self.tables if t.key == key), None)

    def charts(self):
        return [c for c in (t.chart_data() for t in self.tables) if c]


def _number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def wan(amount):
    """元 → 万元, two decimals (half up)."""
    return ((amount or Decimal(0)) / WAN).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(numerator, denominator):
    if not denominator:
        return None
    return (Decimal(100) * numerator / denominator).quantize(TENTH, rounding=ROUND_HALF_UP)


def ratio(numerator, denominator):
    if not denominator:
        return None
    return (Decimal(numerator) / denominator).quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------
# Filters and measures


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


def filter_offerings(qs, params):
    if params.category:
        qs = qs.filter(category__parent__code=params.category)
    return qs


def _live():
    return Q(status__in=LIVE_STATUSES)


def _award():
    return Q(status__in=AWARD_STATUSES, awarded_org__isnull=False)


def _cross():
    return (
        _award()
        & Q(awarded_org__registration_district__isnull=False)
        & ~Q(awarded_org__registration_district=F("district"))
    )


def _city_registered():
    return _award() & Q(awarded_org__registration_district__isnull=True)


def demand_measures():
    return {
        "demands": Count("pk", filter=_live()),
        "budget": Sum("budget", filter=_live()),
        "awards": Count("pk", filter=_award()),
        "award_amount": Sum("award_amount", filter=_award()),
        "evaluated": Count("pk", filter=Q(status=Status.EVALUATED)),
    }


def cross_measures():
    return {
        "awards": Count("pk", filter=_award()),
        "cross": Count("pk", filter=_cross()),
        "city_registered": Count("pk", filter=_city_registered()),
    }


def _grouped(qs, fields, measures):
    return list(qs.values(*fields).annotate(**measures).order_by())


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


def _demand_table(key, title, label, rows, *, chart=True, total=None, note="", sortable=True):
    return Table(
        key=key,
        title=title,
        columns=[Col("label", label, "text"), *DEMAND_COLUMNS],
        rows=rows,
        total=total if total is not None else _total_row(rows),
        note=note,
        chart={"type": "bar", "series": ["demands", "budget"]} if chart else None,
        sortable=sortable,
    )


# --------------------------------------------------------------------------------------------
# Reference data (one query each)


def top_categories():
    return list(Category.objects.filter(parent__isnull=True).order_by("code").values_list("code", "name"))


def districts():
    return list(District.objects.order_by("code").values_list("pk", "code", "name"))


# --------------------------------------------------------------------------------------------
# Tables


def totals(demands):
    """One aggregate over the filtered demands: the headline figures."""
    return demands.aggregate(
        **demand_measures(), **{k: v for k, v in cross_measures().items() if k != "awards"}
    )


def by_district(demands, district_rows):
    """City view: one row per district (by the purchaser unit's district) and one for city departments."""
    found = {
        r["unit__district__code"]: r for r in _grouped(demands, ["unit__district__code"], demand_measures())
    }
    rows = [_demand_row(CITY_UNITS, found.get(None))]
    rows += [_demand_row(name, found.get(code)) for _, code, name in district_rows]
    return _demand_table(
        "district", "需求按区统计（购买主体所在区）", "区", rows, note="市级部门发布的需求单列为“市级部门”。"
    )


def by_street(demands, district_name):
    rows = []
    for r in _grouped(demands, ["street__name", "street__district__name"], demand_measures()):
        if r["street__name"] is None:
            label = NO_STREET
        elif r["street__district__name"] != district_name:
            label = f"{r['street__district__name']}{r['street__name']}"
        else:
            label = r["street__name"]
        rows.append(_demand_row(label, r))
    rows.sort(key=lambda r: (r["label"] == NO_STREET, r["label"]))
    return _demand_table("street", "需求按街镇统计（服务街镇）", "街镇", rows)


def by_unit(demands):
    rows = [
        _demand_row(r["unit__name"], r)
        for r in _grouped(demands, ["unit_id", "unit__name"], demand_measures())
    ]
    rows.sort(key=lambda r: r["label"])
    return _demand_table("unit", "需求按购买主体统计", "购买主体", rows, chart=False)


def by_category(demands, categories):
    found = {
        r["category__parent__code"]: r
        for r in _grouped(demands, ["category__parent__code"], demand_measures())
    }
    rows = [_demand_row(name, found.get(code)) for code, name in categories]
    return _demand_table("category", "需求按项目类别统计（一级类别）", "项目类别", rows)


def by_level(demands):
    found = {r["unit__level"]: r for r in _grouped(demands, ["unit__level"], demand_measures())}
    rows = [_demand_row(label, found.get(value)) for value, label in UnitLevel.choices]
    return _demand_table("level", "需求按购买主体层级统计", "购买主体层级", rows, sortable=False)


def by_source(demands):
    rows = []
    for r in _grouped(demands, ["source"], demand_measures()):
        rows.append(_demand_row(r["source"], r))
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


def by_month(demands, year):
    """有效需求 by the month they were published (Shanghai time) in the chosen year."""
    qs = demands.filter(published_at__isnull=False).annotate(
        pub_year=ExtractYear("published_at"), pub_month=ExtractMonth("published_at")
    )
    grouped = _grouped(qs, ["pub_year", "pub_month"], demand_measures())
    found = {r["pub_month"]: r for r in grouped if r["pub_year"] == year}
    rows = [_demand_row(f"{m}月", found.get(m)) for m in range(1, 13)]
    total = _total_row(rows, "合计")
    others = [r for r in grouped if r["pub_year"] != year]
    note = f"按{year}年内的发布月份统计。"
    if others:
        other = _total_row([_demand_row("", r) for r in others])
        note += f"另有 {other['demands']} 个{year}年度的有效需求在其他年份发布，未计入本表。"
    table = _demand_table(
        "month", f"需求按发布月份统计（{year}年）", "月份", rows, total=total, note=note, sortable=False
    )
    table.chart = {"type": "line", "series": ["demands", "budget"]}
    return table


def by_status(demands, *, public):
    measures = {"count": Count("pk"), "budget": Sum("budget")}
    found = {r["status"]: r for r in _grouped(demands, ["status"], measures)}
    order = (Status.PUBLISHED, Status.AWARDED, Status.EVALUATED, Status.CANCELLED, Status.DRAFT)
    statuses = [s for s in order if not (public and s == Status.DRAFT)]
    raw = {s: (found.get(s.value) or {}).get("budget") or Decimal(0) for s in statuses}
    rows = [
        {"label": s.label, "count": (found.get(s.value) or {}).get("count", 0), "budget": wan(raw[s])}
        for s in statuses
    ]
    total = {"label": "合计", "count": sum(r["count"] for r in rows), "budget": wan(sum(raw.values()))}
    note = "按需求当前状态统计，含草稿和已取消的需求。"
    if public:
        note = "按需求当前状态统计；已取消的需求只计发布后取消的。"
    return Table(
        key="status",
        title="需求按状态统计",
        columns=[
            Col("label", "状态", "text"),
            Col("count", "需求数（个）"),
            Col("budget", "预算（万元）", "wan"),
        ],
        rows=rows,
        total=total,
        note=note,
        chart={"type": "bar", "series": ["count"]},
    )


def by_grade(demands):
    measures = {"count": Count("pk"), "amount": Sum("award_amount"), "score": Avg("eval_score")}
    found = {
        r["eval_grade"]: r
        for r in _grouped(demands.filter(status=Status.EVALUATED), ["eval_grade"], measures)
    }
    choices = list(Grade.choices)
    if "" in found:
        choices.append(("", "未填写等级"))
    rows = []
    raw_amount = Decimal(0)
    for value, label in choices:
        r = found.get(value) or {}
        raw_amount += r.get("amount") or Decimal(0)
        score = r.get("score")
        rows.append(
            {
                "label": label,
                "count": r.get("count", 0),
                "amount": wan(r.get("amount")),
                "score": None
                if score is None
                else Decimal(str(score)).quantize(TENTH, rounding=ROUND_HALF_UP),
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
    return Table(
        key="grade",
        title="绩效评价按等级统计",
        columns=[
            Col("label", "评价等级", "text"),
            Col("count", "项目数（个）"),
            Col("share", "占比（%）", "pct"),
            Col("amount", "成交金额（万元）", "wan"),
            Col("score", "平均得分", "score"),
        ],
        rows=rows,
        total=total,
        note="已评价的有效需求，按绩效评价等级统计。",
        chart={"type": "pie", "series": ["count"]},
    )


def _cross_row(label, values):
    values = values or {}
    awards = values.get("awards", 0)
    cross = values.get("cross", 0)
    return {
        "label": label,
        "awards": awards,
        "cross": cross,
        "city_registered": values.get("city_registered", 0),
        "local": awards - cross - values.get("city_registered", 0),
        "share": percent(cross, awards),
    }


CROSS_COLUMNS = [
    Col("awards", "承接数（个，分母）"),
    Col("cross", "跨区域承接数（个，分子）"),
    Col("local", "本区登记组织承接（个）"),
    Col("city_registered", "市民政局登记组织承接（个）"),
    Col("share", "跨区域承接率（%）", "pct"),
]


def cross_district(demands, district_rows, *, every_district=True):
    """R-MAT-3, per 服务区域 (the district the cross-district test compares with)."""
    found = {r["district__code"]: r for r in _grouped(demands, ["district__code"], cross_measures())}
    rows = [
        _cross_row(name, found.get(code))
        for _, code, name in district_rows
        if every_district or code in found
    ]
    total = _cross_row("合计", {k: sum(r[k] for r in rows) for k in ("awards", "cross", "city_registered")})
    return Table(
        key="cross",
        title="跨区域承接（按需求服务区域）",
        columns=[Col("label", "服务区域", "text"), *CROSS_COLUMNS],
        rows=rows,
        total=total,
        note=CROSS_DEFINITION,
        chart={"type": "bar", "series": ["cross", "local", "city_registered"]},
        sortable=True,
    )


def offers_by_category(offerings, categories):
    measures = {"offers": Count("pk"), "purchased": Count("pk", filter=Q(previously_purchased=True))}
    found = {
        r["category__parent__code"]: r for r in _grouped(offerings, ["category__parent__code"], measures)
    }
    rows = []
    for code, name in categories:
        r = found.get(code) or {}
        rows.append({"label": name, "offers": r.get("offers", 0), "purchased": r.get("purchased", 0)})
    return Table(
        key="offers_category",
        title="服务项目按项目类别统计（当前已发布）",
        columns=[
            Col("label", "项目类别", "text"),
            Col("offers", "服务项目数（个）"),
            Col("purchased", "其中曾被政府购买（个）"),
        ],
        rows=rows,
        total={
            "label": "合计",
            "offers": sum(r["offers"] for r in rows),
            "purchased": sum(r["purchased"] for r in rows),
        },
        chart={"type": "bar", "series": ["offers", "purchased"]},
        sortable=True,
    )


def offers_by_district(offerings, district_rows):
    measures = {"offers": Count("pk"), "orgs": Count("organization_id", distinct=True)}
    found = {
        r["organization__registration_district__code"]: r
        for r in _grouped(offerings, ["organization__registration_district__code"], measures)
    }
    rows = []
    for code, name in [(None, CITY_REGISTERED), *((c, n) for _, c, n in district_rows)]:
        r = found.get(code) or {}
        rows.append({"label": name, "offers": r.get("offers", 0), "orgs": r.get("orgs", 0)})
    return Table(
        key="offers_district",
        title="服务项目按登记管理机关统计（当前已发布）",
        columns=[
            Col("label", "登记管理机关", "text"),
            Col("offers", "服务项目数（个）"),
            Col("orgs", "发布的社会组织（家）"),
        ],
        rows=rows,
        total={
            "label": "合计",
            "offers": sum(r["offers"] for r in rows),
            "orgs": sum(r["orgs"] for r in rows),
        },
        chart={"type": "bar", "series": ["offers"]},
        sortable=True,
    )


def edition_for(year):
    """The published edition of `year`, else the latest published one before it (one query)."""
    return Edition.objects.filter(status=EditionStatus.PUBLISHED, year__lte=year).order_by("-year").first()


def _members_note(edition, year):
    if edition is None:
        return f"{year}年及以前尚无已发布的推荐目录。"
    if edition.year != year:
        return f"{year}年度推荐目录尚未发布，以下为{edition.year}年度推荐目录。"
    return f"{edition.year}年度推荐目录。"


def members_by_category(applications, categories, params, edition):
    qs = applications
    if params.category:
        qs = qs.filter(evidence__category__parent__code=params.category)
    found = {
        r["evidence__category__parent__code"]: r["members"]
        for r in _grouped(qs, ["evidence__category__parent__code"], {"members": Count("pk", distinct=True)})
    }
    rows = [{"label": name, "members": found.get(code, 0)} for code, name in categories]
    return Table(
        key="members_category",
        title="推荐目录成员按佐证项目类别统计",
        columns=[Col("label", "项目类别", "text"), Col("members", "社会组织（家）")],
        rows=rows,
        note=_members_note(edition, params.year) + "佐证项目分属两个类别的社会组织计入两个类别，因此不合计。",
        chart={"type": "bar", "series": ["members"]},
        sortable=True,
    )


def members_by_district(applications, district_rows, params, edition):
    qs = applications
    if params.category:
        qs = qs.filter(evidence__category__parent__code=params.category)
    found = {
        r["organization__registration_district__code"]: r["members"]
        for r in _grouped(
            qs, ["organization__registration_district__code"], {"members": Count("pk", distinct=True)}
        )
    }
    rows = [
        {"label": name, "members": found.get(code, 0)}
        for code, name in [(None, CITY_REGISTERED), *((c, n) for _, c, n in district_rows)]
    ]
    return Table(
        key="members_district",
        title="推荐目录成员按登记管理机关统计",
        columns=[Col("label", "登记管理机关", "text"), Col("members", "社会组织（家）")],
        rows=rows,
        total={"label": "合计", "members": sum(r["members"] for r in rows)},
        note=_members_note(edition, params.year),
        chart={"type": "bar", "series": ["members"]},
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
    return Table(
        key="balance",
        title="供需对比（按项目类别）",
        columns=[
            Col("label", "项目类别", "text"),
            Col("demands", "有效需求数（个）"),
            Col("budget", "需求预算（万元）", "wan"),
            Col("offers", "已发布服务项目数（个）"),
            Col("ratio", "供需比（服务项目数 ÷ 需求数）", "ratio"),
        ],
        rows=rows,
        total={
            "label": "合计",
            "demands": total_demands,
            "budget": wan(sum((r["_budget"] for r in rows), Decimal(0))),
            "offers": total_offers,
            "ratio": ratio(total_offers, total_demands),
        },
        note="需求为所选年度的有效需求，服务项目为当前已发布的服务项目。供需比小于 1 表示该类别的服务项目少于需求。",
        chart={"type": "bar", "series": ["demands", "offers"]},
        sortable=True,
    )


# --------------------------------------------------------------------------------------------
# The pages


def _headline(agg, offers_total, members_total, year):
    demands = agg["demands"]
    awards = agg["awards"]
    cross = agg["cross"]
    share = percent(cross, awards)
    return [
        ("有效需求", f"{demands:,}", "个", f"{year}年度"),
        ("需求预算", f"{wan(agg['budget']):,.2f}", "万元", ""),
        ("已确定承接", f"{awards:,}", "个", f"承接率 {_pct_text(percent(awards, demands))}"),
        ("成交金额", f"{wan(agg['award_amount']):,.2f}", "万元", ""),
        ("已评价", f"{agg['evaluated']:,}", "个", ""),
        ("跨区域承接率", _pct_text(share), "", f"{cross:,} ÷ {awards:,}（跨区域承接数 ÷ 承接数）"),
        ("已发布服务项目", f"{offers_total:,}", "个", "当前"),
        ("推荐目录成员", f"{members_total:,}", "家", ""),
    ]


def _pct_text(value):
    return "—" if value is None else f"{value}%"


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


def member_applications():
    """推荐目录成员 of every published edition (`Application.objects.published_members()`); `build`
    keeps one edition's."""
    return Application.objects.published_members()


def _base(demands, offerings, applications, params):
    demands = filter_demands(demands, params)
    offerings = filter_offerings(offerings, params)
    edition = edition_for(params.year)
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

    agg = totals(demands)
    category = by_category(demands, categories)
    offers_category = offers_by_category(offerings, categories)
    tables = []
    if view == "district":
        tables += [by_street(demands, district.name if district else ""), by_unit(demands)]
    else:
        tables.append(by_district(demands, district_rows))
    tables.append(category)
    if view != "public":
        tables.append(by_level(demands))
    tables.append(by_status(demands, public=view == "public"))
    tables.append(by_month(demands, params.year))
    if view != "public":
        tables += [by_source(demands), by_grade(demands)]
    tables.append(cross_district(demands, district_rows, every_district=view != "district"))
    tables.append(offers_category)
    if view != "district":
        tables.append(offers_by_district(offerings, district_rows))
    members_district = members_by_district(applications, district_rows, params, edition)
    tables.append(members_by_category(applications, categories, params, edition))
    if view != "district":
        tables.append(members_district)
    tables.append(balance(category, offers_category))

    offers_total = offers_category.total["offers"]
    members_total = members_district.total["members"]
    headline_table = _headline_table(agg, offers_total, members_total)
    return Dashboard(
        params=params,
        scope_label=scope_label,
        tables=[headline_table, *tables],
        headline=_headline(agg, offers_total, members_total, params.year),
        edition_year=edition.year if edition else None,
    )


def this_year():
    return timezone.localdate().year


def year_choices():
    current = this_year()
    return list(range(current + 1, max(2015, current - 10) - 1, -1))


def valid_year(value, default=None):
    current = this_year()
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default or current
    return year if 2015 <= year <= current + 1 else (default or current)
