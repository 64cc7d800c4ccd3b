"""The city's statistics (R-STA-1, R-MAT-3): every figure equals what a plain walk over the rows
of the database gives, and the known data of `world` gives the figures worked out by hand
(see conftest.py), including the cross-district share 2 ÷ 5."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter

import pytest
from django.urls import reverse

from accounts.models import UnitLevel
from demands.models import Demand
from offerings.selectors import public_offerings
from portal.models import Category, District

from .conftest import EXTERNAL, THIS_YEAR

pytestmark = pytest.mark.django_db

STATS = reverse("dashboard:stats")
LIVE = {"published", "awarded", "evaluated"}


def wan(amount):
    return (Decimal(amount) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rows_of(table):
    return {r["label"]: r for r in table.rows}


def figures(rows, column, *labels):
    """The `column` of the rows labelled `labels` (rows as `rows_of` gives them), in that order."""
    return tuple(rows[label][column] for label in labels)


def city_dashboard(client, city_admin, **params):
    client.force_login(city_admin)
    response = client.get(STATS, params)
    assert response.status_code == 200
    return response.context["dashboard"]


def walk(group_of, year=THIS_YEAR, **filters):
    """{group: {demands, budget, awards, award_amount, cross, city_registered}} from the rows."""
    figures = defaultdict(
        lambda: {
            "demands": 0,
            "budget": Decimal(0),
            "awards": 0,
            "award_amount": Decimal(0),
            "cross": 0,
            "city": 0,
        }
    )
    qs = Demand.objects.filter(year=year, **filters).select_related(
        "unit__district", "category__parent", "awarded_org", "district"
    )
    for d in qs:
        f = figures[group_of(d)]
        if d.status in LIVE:
            f["demands"] += 1
            f["budget"] += d.budget
        if d.status in ("awarded", "evaluated") and d.awarded_org_id:
            f["awards"] += 1
            f["award_amount"] += d.award_amount or 0
            reg = d.awarded_org.registration_district_id
            if reg is None:
                f["city"] += 1
            elif reg != d.district_id:
                f["cross"] += 1
    return figures


def test_the_headline_figures_are_worked_out_from_the_known_data(client, city_admin, world):
    dashboard = city_dashboard(client, city_admin)
    overview = {r["label"]: r["value"] for r in dashboard.table("overview").rows}
    assert overview["有效需求数（个）"] == 7
    assert overview["需求预算（万元）"] == wan(100000 + 200000 + 300000 + 150000 + 50000 + 400000 + 80000)
    assert overview["已确定承接数（个）"] == 5
    assert overview["成交金额（万元）"] == wan(
        Decimal("180000") + Decimal("290000.55") + 140000 + 45000 + 390000
    )
    assert overview["已评价数（个）"] == 2
    # R-MAT-3: demands 2 and 4 went to organizations registered in another district; 5 to one
    # registered with the city (not cross-district, but in the denominator).
    assert overview["跨区域承接数（个，分子）"] == 2
    assert overview["承接数（个，分母）"] == 5
    assert overview["跨区域承接率（%）"] == Decimal("40.0")
    assert overview["其中市民政局登记组织承接（个）"] == 1
    assert overview["已发布服务项目数（个）"] == 4  # not the draft, the withdrawn one, nor the banned org's
    assert overview["推荐目录成员（家）"] == 2  # not the rejected one, nor the one on the 严重失信名单

    headline = {label: (value, note) for label, value, unit, note in dashboard.headline}
    assert headline["跨区域承接率"] == ("40.0%", "2 ÷ 5（跨区域承接数 ÷ 承接数）")


def test_the_page_shows_the_cross_district_share_with_numerator_and_denominator(client, city_admin, world):
    client.force_login(city_admin)
    html = client.get(STATS).content.decode()
    assert "40.0%" in html and "2 ÷ 5（跨区域承接数 ÷ 承接数）" in html
    assert "跨区域承接率 = 跨区域承接数 ÷ 承接数" in html  # the definition is on the page


def test_every_district_row_equals_a_walk_over_the_rows(client, city_admin, world):
    dashboard = city_dashboard(client, city_admin)
    table = rows_of(dashboard.table("district"))
    expected = walk(lambda d: d.unit.district.name if d.unit.district_id else "市级部门")
    assert set(table) == {"市级部门", *District.objects.values_list("name", flat=True)}
    for label, row in table.items():
        e = expected.get(label, expected.default_factory())
        assert (row["demands"], row["budget"], row["awards"], row["award_amount"]) == (
            e["demands"],
            wan(e["budget"]),
            e["awards"],
            wan(e["award_amount"]),
        ), label
    assert figures(table, "demands", "黄浦区", "徐汇区", "市级部门") == (4, 2, 1)
    total = dashboard.table("district").total
    assert total["demands"] == 7 and total["budget"] == wan(1280000)


def test_the_cross_district_table_equals_a_walk_over_the_rows(client, city_admin, world):
    dashboard = city_dashboard(client, city_admin)
    table = rows_of(dashboard.table("cross"))
    expected = walk(lambda d: d.district.name)
    for label, row in table.items():
        e = expected.get(label, expected.default_factory())
        assert (row["awards"], row["cross"], row["city_registered"]) == (
            e["awards"],
            e["cross"],
            e["city"],
        ), label
    assert (table["黄浦区"]["awards"], table["黄浦区"]["cross"], table["黄浦区"]["share"]) == (
        2,
        1,
        Decimal("50.0"),
    )
    # 徐汇区: 4 → hp_org (cross), 5 → city_org (city), 6 → xh_org (local).
    assert (table["徐汇区"]["awards"], table["徐汇区"]["cross"], table["徐汇区"]["local"]) == (3, 1, 1)
    assert table["长宁区"]["share"] is None  # nothing to divide by: shown as “—”
    assert dashboard.table("cross").total["share"] == Decimal("40.0")


def test_category_level_source_and_status_tables_equal_a_walk_over_the_rows(client, city_admin, world):
    dashboard = city_dashboard(client, city_admin)
    category = rows_of(dashboard.table("category"))
    expected = walk(lambda d: d.category.parent.name)
    assert list(category) == list(
        Category.objects.filter(parent=None).order_by("code").values_list("name", flat=True)
    )
    for label, row in category.items():
        e = expected.get(label, expected.default_factory())
        assert (row["demands"], row["budget"]) == (e["demands"], wan(e["budget"])), label
    assert category["养老服务"]["demands"] == 4  # 1, 3, 4, 10

    level = rows_of(dashboard.table("level"))
    labels = dict(UnitLevel.choices)
    expected = walk(lambda d: labels[d.unit.level])
    for label, row in level.items():
        assert row["demands"] == expected.get(label, {"demands": 0})["demands"]
    assert figures(level, "demands", "街镇", "区级部门", "市级部门") == (5, 1, 1)

    source = rows_of(dashboard.table("source"))
    assert figures(source, "demands", "本平台", EXTERNAL) == (6, 1)
    assert source[EXTERNAL]["budget"] == wan(400000)

    status = rows_of(dashboard.table("status"))
    assert {k: v["count"] for k, v in status.items()} == {
        "已发布": 2,
        "已确定承接方": 3,
        "已评价": 2,
        "已取消": 1,
        "草稿": 1,
    }


def test_months_grades_offers_members_and_balance(client, city_admin, world):
    dashboard = city_dashboard(client, city_admin)
    month = rows_of(dashboard.table("month"))
    assert month["3月"]["demands"] == 6 and month["5月"]["demands"] == 1
    assert sum(r["demands"] for r in month.values()) == 7

    grade = rows_of(dashboard.table("grade"))
    assert figures(grade, "count", "优秀", "良好", "合格") == (1, 1, 0)
    assert grade["优秀"]["amount"] == wan(Decimal("290000.55"))
    assert grade["优秀"]["score"] == Decimal("95.0")

    offers = rows_of(dashboard.table("offers_category"))
    expected = defaultdict(int)
    for o in public_offerings().select_related("category__parent"):
        expected[o.category.parent.name] += 1
    assert {k: v["offers"] for k, v in offers.items() if v["offers"]} == dict(expected)
    assert figures(offers, "offers", "养老服务", "残疾人服务", "妇女儿童服务") == (1, 2, 1)

    by_authority = rows_of(dashboard.table("offers_district"))
    assert figures(by_authority, "offers", "市民政局登记", "黄浦区", "徐汇区") == (1, 2, 1)

    members = rows_of(dashboard.table("members_category"))
    # hp_org's evidence is in 养老服务 and 残疾人服务: counted in both.
    assert figures(members, "members", "养老服务", "残疾人服务", "妇女儿童服务") == (1, 1, 1)
    members_district = rows_of(dashboard.table("members_district"))
    assert figures(members_district, "members", "市民政局登记", "黄浦区") == (1, 1)
    assert dashboard.table("members_district").total["members"] == 2

    balance = rows_of(dashboard.table("balance"))
    assert itemgetter("demands", "offers", "ratio")(balance["残疾人服务"]) == (2, 2, Decimal("1.00"))
    assert balance["养老服务"]["ratio"] == Decimal("0.25")
    assert balance["扶贫济困"]["ratio"] is None


def test_filters_narrow_the_demands(client, city_admin, world):
    by_category = city_dashboard(client, city_admin, category="02")
    overview = {r["label"]: r["value"] for r in by_category.table("overview").rows}
    assert overview["有效需求数（个）"] == 2  # demands 2 and 6
    assert overview["已发布服务项目数（个）"] == 2  # the two 残疾人服务 offers
    assert overview["推荐目录成员（家）"] == 1  # hp_org, through its 残疾人服务 evidence

    external = city_dashboard(client, city_admin, source="external")
    assert {r["label"]: r["value"] for r in external.table("overview").rows}["有效需求数（个）"] == 1

    streets = city_dashboard(client, city_admin, level="street")
    assert {r["label"]: r["value"] for r in streets.table("overview").rows}["有效需求数（个）"] == 5

    last_year = city_dashboard(client, city_admin, year=str(THIS_YEAR - 1))
    assert {r["label"]: r["value"] for r in last_year.table("overview").rows}["有效需求数（个）"] == 1


def test_odd_filter_values_fall_back_to_their_defaults(client, city_admin, world):
    dashboard = city_dashboard(client, city_admin, year="1900", category="x'; drop", level="god", source="?")
    assert dashboard.params.year == THIS_YEAR
    assert (dashboard.params.category, dashboard.params.level, dashboard.params.source) == ("", "", "")


def test_a_table_can_be_sorted_by_a_column(client, city_admin, world):
    dashboard = city_dashboard(client, city_admin, sort="district.budget")
    budgets = [r["budget"] for r in dashboard.table("district").rows]
    assert budgets == sorted(budgets, reverse=True)
    assert dashboard.table("district").rows[0]["label"] == "黄浦区"


def test_the_city_can_look_at_one_district_by_street_and_unit(client, city_admin, world, huangpu):
    dashboard = city_dashboard(client, city_admin, district=str(huangpu.pk))
    assert dashboard.scope_label == "黄浦区"
    streets = rows_of(dashboard.table("street"))
    assert figures(streets, "demands", "南京东路街道", "未指定街镇") == (2, 2)
    units = rows_of(dashboard.table("unit"))
    assert figures(units, "demands", "黄浦区南京东路街道办事处", "黄浦区民政局") == (3, 1)
    assert dashboard.table("district") is None
