"""对接成效 in the figures (issue 13 §7, R-STA-1/2, R-MAT-3): each figure on hand-made data whose
answer is obvious, an empty year, the city per district, a district per unit, the public 数据概览,
and the Excel exports.

This year, 黄浦区's unit (hp_unit) and 徐汇区's (xh_unit):

| demand | unit | status    | 承接意向 (org, days after publication)          | awarded | suggested on its page |
|--------|------|-----------|-------------------------------------------------|---------|-----------------------|
| a      | hp   | published | hp_org 2 d, xh_org 5 d (xh_org: other district) |         |                       |
| b      | hp   | published | city_org 4 d (city-registered: not "other")     |         |                       |
| c      | hp   | published | —                                               |         |                       |
| d      | hp   | awarded   | —                                               | hp_org  | hp_org                |
| e      | hp   | evaluated | xh_org 6 d (withdrawn later: still counted)     | xh_org  | —                     |
| f      | hp   | awarded   | —                                               | city_org| xh_org (not the winner)|
| g      | xh   | published | hp_org 10 d (other district)                    |         |                       |
| h      | hp   | draft     | (not a 有效需求)                                  |         |                       |

黄浦区: 6 有效需求, 3 with an interest (a, b, e) = 50.0%, 4 interests, 2 from another district (xh_org on a and e),
median of 2, 4, 6 = 4.0 days; 3 awards, 1 suggested (d), 1 interested (e), 2 either.
徐汇区: 1 demand, 1 with interest, 1 interest from another district, 10.0 days, no award.
"""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, UnitLevel
from dashboard import matching_figures
from demands.models import Demand
from matching.models import Interest, InterestStatus
from tests.factories import (
    DemandFactory,
    InterestFactory,
    PurchaserUnitFactory,
    SocialOrganizationFactory,
    SuggestionShownFactory,
    UserFactory,
    district,
)

from . import matching_reference

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
PUBLISHED = timezone.now() - datetime.timedelta(days=30)


def interest(demand, org, days, **kwargs):
    i = InterestFactory(demand=demand, organization=org, **kwargs)
    Interest.objects.filter(pk=i.pk).update(created_at=PUBLISHED + datetime.timedelta(days=days))
    return i


@pytest.fixture
def matched(hp_unit, xh_unit, hp_org, xh_org, city_org):
    def demand(unit, status="published", **kwargs):
        return DemandFactory(unit=unit, status=status, **{"published_at": PUBLISHED, **kwargs})

    a, b, c = demand(hp_unit), demand(hp_unit), demand(hp_unit)
    d = demand(hp_unit, "awarded", awarded_org=hp_org, award_amount=100000, awarded_on=timezone.localdate())
    e = demand(
        hp_unit,
        "evaluated",
        awarded_org=xh_org,
        award_amount=100000,
        awarded_on=timezone.localdate(),
        eval_grade="good",
        eval_score=88,
        evaluated_on=timezone.localdate(),
    )
    f = demand(hp_unit, "awarded", awarded_org=city_org, award_amount=100000, awarded_on=timezone.localdate())
    g = demand(xh_unit)
    h = demand(hp_unit, "draft", published_at=None)
    interest(a, hp_org, 2)
    interest(a, xh_org, 5)
    interest(b, city_org, 4)
    interest(e, xh_org, 6, status=InterestStatus.WITHDRAWN)
    interest(g, hp_org, 10)
    interest(h, hp_org, 1)
    SuggestionShownFactory(demand=d, organization=hp_org)
    SuggestionShownFactory(demand=f, organization=xh_org)
    return locals()


def rows(table):
    return {r["label"]: r for r in table.rows}


def city_table(year=THIS_YEAR, view="city"):
    from dashboard import selectors

    demands = selectors.filter_demands(Demand.objects.all(), selectors.Params(year=year))
    return matching_figures.table(demands, view, selectors.districts())


HUANGPU = {
    "demands": 6,
    "with_interest": 3,
    "interests": 4,
    "cross": 2,
    "awards": 3,
    "suggested": 1,
    "interested": 1,
    "matched": 2,
}
XUHUI = {"demands": 1, "with_interest": 1, "interests": 1, "cross": 1, "awards": 0, "suggested": 0}


def test_each_figure_on_known_data(matched, hp_unit, xh_unit):
    fields = matching_figures.group_fields("city")
    demands = Demand.objects.filter(year=THIS_YEAR)
    hp, xh = (hp_unit.district.code,), (xh_unit.district.code,)
    per_demand = sorted(matching_figures.interests_per_demand(demands, fields), key=lambda r: r[1:4])
    # (key, interests, from another district, from the winner, wait): a, b, e, g — not h (a draft)
    assert [r[:4] for r in per_demand] == [(*hp, 1, 0, 0), (*xh, 1, 1, 0), (*hp, 1, 1, 1), (*hp, 2, 1, 0)]
    assert sorted(round(matching_figures._days(r[4])) for r in per_demand) == [2, 4, 6, 10]
    # d: the winner was suggested; f: another organization was
    assert matching_figures.suggested_awards(demands, fields)[hp] == {
        **dict(zip(fields, hp, strict=True)),
        "suggested": 1,
        "both": 0,
    }
    data = matching_figures.figures(demands, "city")
    assert {k: data[hp][0][k] for k in HUANGPU} == HUANGPU
    assert sorted(round(d) for d in data[hp][1]) == [2, 4, 6]
    assert matching_figures.median_days(data[hp][1]) == 4.0
    assert {k: data[xh][0][k] for k in XUHUI} == XUHUI


def _varied(rng, units, orgs, others):
    """Demands of every status for several units and 服务区域, over two years, with and without a
    publication time; 承接意向 (some withdrawn, some from the winner) and suggestion records (some
    of the winner) drawn at random."""
    statuses = ["published", "awarded", "evaluated", "cancelled", "draft"]
    user = UserFactory(role=Role.ORGANIZATION, organization=orgs[0])
    for i in range(60):
        unit = rng.choice(units)
        status = rng.choice(statuses)
        kw = {
            "district": rng.choice(others) if rng.random() < 0.4 else (unit.district or others[0]),
            "year": THIS_YEAR - (i % 5 == 0),
            "published_at": None if status == "draft" or rng.random() < 0.1 else PUBLISHED,
        }
        if status in ("awarded", "evaluated") and rng.random() < 0.9:
            kw |= {"awarded_org": rng.choice(orgs), "award_amount": 1000, "awarded_on": timezone.localdate()}
        if i % 7 == 0:
            kw["source"] = "财政政府购买服务管理平台"
        demand = DemandFactory(unit=unit, status=status, **kw)
        for org in rng.sample(orgs, rng.randint(0, 3)):
            withdrawn = {"status": InterestStatus.WITHDRAWN} if rng.random() < 0.2 else {}
            interest(demand, org, rng.randint(0, 30) + rng.random(), created_by=user, **withdrawn)
        for org in rng.sample(orgs, rng.randint(0, 3)):
            SuggestionShownFactory(demand=demand, organization=org)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_two_queries_agree_with_the_four_figures_definition(
    seed, hp_unit, xh_unit, city_unit, hp_org, xh_org, city_org, huangpu, xuhui
):
    """dashboard/matching_figures.py's two queries (and the page's buyer grouping) against the four
    queries the figures were defined by (tests/dashboard/matching_reference.py), per row, for the
    city, a district and the public view, with the page's filters."""
    import random

    from dashboard import selectors
    from demands.selectors import public_demands

    rng = random.Random(seed)
    other = SocialOrganizationFactory(registration_district=district("静安区"))
    units = [hp_unit, xh_unit, city_unit, PurchaserUnitFactory(level=UnitLevel.DISTRICT, district=huangpu)]
    _varied(rng, units, [hp_org, xh_org, city_org, other], [huangpu, xuhui, district("静安区")])
    cases = [
        ("city", Demand.objects.all(), selectors.Params(year=THIS_YEAR)),
        ("city", Demand.objects.all(), selectors.Params(year=THIS_YEAR - 1)),
        ("city", Demand.objects.all(), selectors.Params(year=THIS_YEAR, source="external")),
        ("city", Demand.objects.all(), selectors.Params(year=THIS_YEAR, level="district")),
        ("district", Demand.objects.filter(unit__district=huangpu), selectors.Params(year=THIS_YEAR)),
        ("public", public_demands(), selectors.Params(year=THIS_YEAR)),
    ]
    checked = 0
    for view, scoped, params in cases:
        demands = selectors.filter_demands(scoped, params)
        expected = matching_reference.figures(demands, matching_figures.group_fields(view))
        got = matching_figures.figures(demands, view)
        assert set(got) == set(expected)
        for key, (counts, days) in expected.items():
            assert {k: got[key][0][k] for k in counts} == counts, (view, params, key)
            assert sorted(got[key][1]) == days
            checked += counts["with_interest"] + counts.get("awards", 0)
    assert checked > 40  # the data does exercise the figures


def test_the_city_table_per_district(matched):
    table = city_table()
    by = rows(table)
    assert {k: by["黄浦区"][k] for k in HUANGPU} == HUANGPU
    assert str(by["黄浦区"]["interest_share"]) == "50.0" and by["黄浦区"]["median_days"] == 4.0
    assert {k: by["徐汇区"][k] for k in XUHUI} == XUHUI and by["徐汇区"]["median_days"] == 10.0
    assert by["市级部门"]["demands"] == 0 and by["市级部门"]["median_days"] is None
    assert len(table.rows) == 17  # 市级部门 and the 16 districts
    # The total's median is over every demand (2, 4, 6, 10), not a median of medians.
    assert table.total["demands"] == 7 and table.total["median_days"] == 5.0
    assert table.total["matched"] == 2


def test_an_empty_year_is_all_zeros(matched):
    table = city_table(THIS_YEAR - 3)
    assert all(r["demands"] == r["with_interest"] == r["awards"] == 0 for r in table.rows)
    assert table.total["median_days"] is None and table.total["interest_share"] is None


def test_a_district_per_unit(matched, hp_unit):
    demands = Demand.objects.filter(year=THIS_YEAR, unit__district=hp_unit.district)
    from dashboard import selectors

    table = matching_figures.table(demands, "district", selectors.districts())
    assert [r["label"] for r in table.rows] == [hp_unit.name]
    assert {k: table.rows[0][k] for k in HUANGPU} == HUANGPU


def test_the_pages_show_the_table(matched, as_role, hp_unit):
    page = as_role("city_admin").get(reverse("dashboard:stats"))
    table = page.context["dashboard"].table("matching")
    assert rows(table)["黄浦区"]["with_interest"] == 3
    assert "对接成效" in page.content.decode()
    district = as_role("hp_admin").get(reverse("dashboard:stats")).context["dashboard"].table("matching")
    assert [r["label"] for r in district.rows] == [hp_unit.name]  # never 徐汇区's units
    public = as_role("visitor").get(reverse("dashboard:overview")).context["dashboard"].table("matching")
    assert {k: rows(public)["黄浦区"][k] for k in HUANGPU} == HUANGPU


@pytest.mark.parametrize("role", ["hp_purchaser", "hp_org_user", "monitor"])
def test_others_do_not_see_the_statistics(as_role, role):
    assert as_role(role).get(reverse("dashboard:stats")).status_code == 404


def _sheet(response, title_start):
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    name = next(n for n in wb.sheetnames if n.startswith(title_start))
    return [[c.value for c in row] for row in wb[name].iter_rows()]


@pytest.mark.parametrize(
    "url, role", [("dashboard:stats_export", "city_admin"), ("dashboard:overview_export", "visitor")]
)
def test_the_exports_have_the_table(matched, as_role, url, role):
    sheet = _sheet(as_role(role).get(reverse(url)), "对接成效")
    header = next(r for r in sheet if r and r[0] == "区")
    row = next(r for r in sheet if r and r[0] == "黄浦区")
    values = dict(zip(header, row, strict=False))
    assert values["有承接意向的需求（个）"] == 3 and values["承接方曾被推荐（个）"] == 1
    one = as_role(role).get(reverse(url), {"table": "matching"})
    assert one.status_code == 200
