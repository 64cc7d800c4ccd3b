"""Search finds names (issue 13 §2, R-MAT-1): the demand and offer search and /search/ also match
the purchaser unit's and the organization's names, and a district or 街镇 name plus a word
(`黄浦 养老`) finds that district's demands. The results stay exactly those of a substring match,
on SQLite and PostgreSQL alike (the approach of tests/demands/test_search_recall.py, with names)."""

import pytest

from accounts.models import UnitLevel
from demands import selectors as demand_selectors
from demands.models import Demand
from offerings import selectors as offering_selectors
from offerings.models import Offering
from tests.factories import DemandFactory, PurchaserUnitFactory, SocialOrganizationFactory, district
from tests.matching.conftest import awarded, offer

pytestmark = pytest.mark.django_db


def _name(obj, path):
    for part in path.split("__"):
        obj = getattr(obj, part) if obj is not None else None
    return obj or ""


def texts_of(record, names):
    return [getattr(record, f) or "" for f in type(record).SEARCH_FIELDS] + [
        _name(record, path) for path in names
    ]


# The reference, spelled out once more by hand: where a word may be found.
DEMAND_NAMES = tuple(
    {
        "购买主体": "unit__name",
        "购买主体所在区": "unit__district__name",
        "购买主体所在街镇": "unit__street__name",
        "服务区域": "district__name",
        "服务街镇": "street__name",
        "承接社会组织": "awarded_org__name",
    }.values()
)
OFFERING_NAMES = ("organization__name",)


def expected(records, query, names):
    words = query.split()
    return {
        r.pk
        for r in records
        if all(any(w.casefold() in t.casefold() for t in texts_of(r, names)) for w in words)
    }


@pytest.fixture
def world(hp_unit, xh_unit, city_unit, hp_org, xh_org, city_org, xh_street):
    """Demands of three units (one a city department serving 黄浦区), offers of three organizations,
    and awards, with names that appear in no record's own text."""
    other_hp = PurchaserUnitFactory(
        name="黄浦区卫生健康委员会", level=UnitLevel.DISTRICT, district=district("黄浦区")
    )
    for unit in (hp_unit, xh_unit, other_hp):
        DemandFactory(unit=unit, title="社区居家养老服务项目", service_targets="辖区老年人")
        DemandFactory(
            unit=unit, title="残疾人康复服务", service_targets="持证残疾人", qualification="具有助残经验"
        )
    DemandFactory(unit=city_unit, district=district("黄浦区"), title="全市养老顾问点建设（黄浦试点）")
    DemandFactory(unit=city_unit, district=district("徐汇区"), street=xh_street, title="养老顾问点运营")
    DemandFactory(unit=hp_unit, title="草稿中的养老项目", status="draft")
    awarded(hp_org, xh_unit, title="徐家汇街道长者助餐项目", grade="excellent")
    awarded(xh_org, hp_unit, title="南京东路街道助残项目")
    for i in range(5):
        offer(hp_org, title=f"长者助餐服务第{i}期", summary="为社区老人提供助餐服务。")
    offer(xh_org, "0201", title="助残康复服务", summary="为残疾人提供康复训练。", citywide=True)
    offer(city_org, "0301", title="儿童关爱计划", summary="为困境儿童提供关爱服务。")
    offer(hp_org, title="下架的乐龄项目", status="withdrawn")
    return locals()


DEMAND_QUERIES = [
    "南京东路街道办事处",
    "南京东路",
    "徐家汇",
    "黄浦 养老",
    "徐汇 助残",
    "黄浦 卫生健康",
    "民政局",
    "乐龄家园",
    "启明 助残",
    "黄浦",
    "街道",
    "养老",
    "老",
    "量子计算",
]
OFFERING_QUERIES = [
    "乐龄家园",
    "乐龄 助餐",
    "启明",
    "益心 儿童",
    "社区服务中心",
    "上海市",
    "助残",
    "乐龄",
    "量子计算",
]


def _demands():
    return list(
        demand_selectors.public_demands().select_related(
            "unit__district", "unit__street", "district", "street", "awarded_org"
        )
    )


@pytest.mark.parametrize("query", DEMAND_QUERIES)
def test_a_demand_query_finds_exactly_the_demands_whose_text_or_names_contain_it(world, query):
    found = set(
        demand_selectors.demands_search(demand_selectors.public_demands(), query).values_list("pk", flat=True)
    )
    assert found == expected(_demands(), query, DEMAND_NAMES)
    if query != "量子计算":
        assert found, query


@pytest.mark.parametrize("query", OFFERING_QUERIES)
def test_an_offer_query_finds_exactly_the_offers_whose_text_or_organization_name_contain_it(world, query):
    public = offering_selectors.public_offerings()
    found = set(offering_selectors.offerings_search(public, query).values_list("pk", flat=True))
    assert found == expected(list(public.select_related("organization")), query, OFFERING_NAMES)
    if query != "量子计算":
        assert found, query


def test_the_models_name_lists_are_the_reference_ones():
    assert Demand.SEARCH_NAMES == DEMAND_NAMES
    assert Offering.SEARCH_NAMES == OFFERING_NAMES


def test_the_issues_examples_are_found(client, world, hp_org, hp_unit):
    # /offerings/?q=乐龄家园 finds that organization's published offers, not its withdrawn one.
    response = client.get("/offerings/", {"q": "乐龄家园"})
    titles = {o.title for o in response.context["page"].object_list}
    assert titles == {f"长者助餐服务第{i}期" for i in range(5)}
    # /demands/?q=南京东路街道办事处 finds the unit's demands (two of its own, one it awarded).
    response = client.get("/demands/", {"q": "南京东路街道办事处"})
    assert {d.unit_id for d in response.context["page"].object_list} == {hp_unit.pk}
    assert len(response.context["page"].object_list) == 3
    # 黄浦 养老: the 黄浦区 units' demands, and the city department's demand serving 黄浦区; not 徐汇区's.
    response = client.get("/demands/", {"q": "黄浦 养老"})
    listed = {d.pk for d in response.context["page"].object_list}
    assert listed == expected(_demands(), "黄浦 养老", DEMAND_NAMES)
    titles = {d.title for d in response.context["page"].object_list}
    assert "全市养老顾问点建设（黄浦试点）" in titles and "养老顾问点运营" not in titles
    units = {d.unit_id for d in response.context["page"].object_list if d.title == "社区居家养老服务项目"}
    assert hp_unit.pk in units and world["xh_unit"].pk not in units


def test_the_combined_search_lists_matching_organizations_and_units(client, world, hp_org, xh_org, hp_unit):
    response = client.get("/search/", {"q": "乐龄家园"})
    html = response.content.decode()
    assert [o.pk for o in response.context["organizations"]] == [hp_org.pk]
    assert f'href="/organizations/{hp_org.pk}/"' in html
    assert response.context["offering_count"] == 5
    assert response.context["demand_count"] == 1  # the demand it was awarded
    response = client.get("/search/", {"q": "南京东路 办事处"})
    assert [u.pk for u in response.context["units"]] == [hp_unit.pk]
    assert f'href="/units/{hp_unit.pk}/"' in response.content.decode()
    assert response.context["organization_count"] == 0


def test_a_renamed_unit_is_found_by_its_new_name_at_once(world, hp_unit):
    hp_unit.name = "黄浦区南京东路街道社区服务办公室"
    hp_unit.save()
    found = demand_selectors.demands_search(demand_selectors.public_demands(), "社区服务办公室")
    assert {d.unit_id for d in found} == {hp_unit.pk}
    assert found.count() == 3


def test_a_name_query_of_punctuation_or_ascii_is_matched_as_typed(world, hp_org):
    org = SocialOrganizationFactory(name="上海ABC公益发展中心")
    offer(org, title="公益创投")
    for query in ("abc", "ABC公益", "（"):
        public = offering_selectors.public_offerings()
        found = set(offering_selectors.offerings_search(public, query).values_list("pk", flat=True))
        assert found == expected(list(public.select_related("organization")), query, OFFERING_NAMES), query
