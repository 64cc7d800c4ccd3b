"""The one ranking (issue 13 §3, matching/ranking.py), on hand-made cases where the right order is
obvious: an evaluated 优秀 same-category organization above a same-category newcomer above an
organization of the same field only; a listed organization never appears; each suggestion says why
in one line; other districts are ranked on their merits and marked (第一条)."""

import datetime

import pytest
from django.utils import timezone

from directory.models import PurchaserRecommendation
from matching import ranking
from tests.factories import DemandFactory, SocialOrganizationFactory, district
from tests.matching.conftest import THIS_YEAR, awarded, category, member, offer

pytestmark = pytest.mark.django_db


def org(name, district_name="黄浦区", **kwargs):
    d = district(district_name)
    return SocialOrganizationFactory(name=name, registration_district=d, district=d, **kwargs)


@pytest.fixture
def demand(hp_unit):
    return DemandFactory(unit=hp_unit, category=category("0101"), title="居家养老服务项目")


def names(demand):
    return [s.organization.name for s in ranking.suggest_organizations(demand)]


def test_an_evaluated_excellent_same_category_organization_comes_first(demand, xh_unit):
    veteran, newcomer, neighbour, stranger = (
        org(n) for n in ("老牌机构", "新机构", "邻近领域机构", "别的领域机构")
    )
    offer(veteran, "0101")
    awarded(veteran, xh_unit, "0101", grade="excellent")
    offer(newcomer, "0101")
    offer(neighbour, "0103")  # same field (养老服务), other category
    offer(stranger, "0201")  # another field altogether

    assert names(demand) == ["老牌机构", "新机构", "邻近领域机构"]


def test_a_listed_organization_never_appears_however_good_its_record(demand, xh_unit, list_serious):
    star, plain = org("明星机构"), org("普通机构")
    for _ in range(3):
        offer(star, "0101")
        awarded(star, xh_unit, "0101", grade="excellent")
    member(star)
    offer(plain, "0101")
    assert names(demand)[0] == "明星机构"

    list_serious(star)

    assert names(demand) == ["普通机构"]


def test_an_organization_whose_registration_was_revoked_is_not_suggested(demand, xh_unit):
    gone = org("已注销机构")
    offer(gone, "0101")
    awarded(gone, xh_unit, "0101", grade="excellent")
    gone.registration_status = "revoked"
    gone.save()
    assert names(demand) == []


def test_each_suggestion_explains_itself_in_one_line(demand, xh_unit, hp_unit):
    veteran = org("老牌机构")
    for _ in range(3):
        offer(veteran, "0101")
    awarded(veteran, xh_unit, "0101", grade="good")
    awarded(veteran, xh_unit, "0101", grade="excellent")
    member(veteran, THIS_YEAR - 1)
    done = awarded(veteran, hp_unit, "0101", grade="excellent")
    PurchaserRecommendation.objects.create(
        demand=done, organization=veteran, unit=hp_unit, reason="服务优秀", by=_buyer(hp_unit)
    )

    (suggestion,) = ranking.suggest_organizations(demand)

    assert suggestion.line == (
        f"同类服务项目 3 个 · 服务区域覆盖黄浦区 · 曾承接同类项目 3 项，评价优秀 · {THIS_YEAR - 1} 年度推荐目录"
        " · 获购买主体推荐 1 次"
    )
    assert suggestion.other_district == ""


def _buyer(unit):
    from tests.factories import UserFactory

    return UserFactory(role="purchaser", purchaser_unit=unit)


def test_an_organization_of_another_district_is_ranked_on_its_merits_and_marked(demand, xh_unit):
    far = org("徐汇的强机构", "徐汇区")
    near = org("黄浦的新机构")
    offer(far, "0101", districts="310104,310101")
    awarded(far, xh_unit, "0101", grade="excellent")
    offer(near, "0101")

    first, second = ranking.suggest_organizations(demand)

    assert (first.organization, second.organization) == (far, near)
    assert first.other_district == "徐汇区" and second.other_district == ""


def test_a_citywide_offer_covers_the_demands_district_and_an_elsewhere_one_does_not(demand):
    citywide, elsewhere = org("全市机构"), org("只服务徐汇的机构")
    offer(citywide, "0101", citywide=True)
    offer(elsewhere, "0101", districts="310104")

    suggestions = ranking.suggest_organizations(demand)

    assert [s.organization for s in suggestions] == [citywide, elsewhere]
    assert "服务区域覆盖黄浦区" in suggestions[0].line
    assert "服务区域" not in suggestions[1].line


def test_directory_membership_and_recommendations_break_an_otherwise_equal_tie(demand):
    a, b = org("甲机构"), org("乙机构")
    offer(a, "0101")
    offer(b, "0101")
    member(b)
    assert names(demand) == ["乙机构", "甲机构"]


def test_a_failed_evaluation_weighs_against(demand, xh_unit):
    failed, fresh = org("评价不合格机构"), org("新机构")
    offer(failed, "0101")
    awarded(failed, xh_unit, "0101", grade="fail")
    offer(fresh, "0101")
    assert names(demand) == ["新机构", "评价不合格机构"]


def test_at_most_ten_are_suggested(demand):
    for i in range(12):
        offer(org(f"机构{i:02d}"), "0101")
    assert len(ranking.suggest_organizations(demand)) == 10


def test_drafts_and_withdrawn_offers_are_no_signal(demand):
    shy = org("只有草稿的机构")
    offer(shy, "0101", status="draft")
    offer(shy, "0101", status="withdrawn")
    assert names(demand) == []


def test_the_block_costs_two_queries_whatever_the_data(demand, xh_unit, django_assert_num_queries):
    # The ranking on offers and awards (one query, the counts grouped in the database), then the
    # finalists with their directory membership and recommendations.
    for i in range(12):
        o = org(f"机构{i}")
        offer(o, "0101")
        offer(o, "0103")
        awarded(o, xh_unit, "0101", grade="good")
        member(o)
    with django_assert_num_queries(2):
        assert len(ranking.suggest_organizations(demand)) == 10
    for i in range(5):
        offer(org(f"更多机构{i}"), "0101")
    with django_assert_num_queries(2):
        assert len(ranking.suggest_organizations(demand)) == 10


def test_a_thin_category_widens_to_its_field_in_the_same_query(demand, django_assert_num_queries):
    offer(org("同类机构"), "0101")
    offer(org("同领域机构"), "0103")
    with django_assert_num_queries(2):
        assert names(demand) == ["同类机构", "同领域机构"]


def test_with_ten_organizations_of_the_category_the_field_is_not_looked_at(demand):
    for i in range(10):
        offer(org(f"同类机构{i}"), "0101")
    offer(org("同领域机构"), "0103")
    assert "同领域机构" not in names(demand)


# --- 可能匹配的需求 ---------------------------------------------------------------------------


def test_matching_demands_are_open_ones_in_the_offers_categories_and_areas_soonest_first(
    hp_unit, xh_unit, hp_org
):
    today = timezone.localdate()
    soon = DemandFactory(
        unit=hp_unit, category=category("0101"), period_start=today + datetime.timedelta(days=5)
    )
    later = DemandFactory(
        unit=hp_unit, category=category("0101"), period_start=today + datetime.timedelta(days=40)
    )
    DemandFactory(unit=xh_unit, category=category("0101"))  # 徐汇区: outside the offer's area
    DemandFactory(unit=hp_unit, category=category("0201"))  # another category
    DemandFactory(unit=hp_unit, category=category("0101"), status="draft")
    awarded(hp_org, hp_unit, "0101")
    DemandFactory(unit=hp_unit, category=category("0101"), status="cancelled", cancelled_at=timezone.now())
    DemandFactory(unit=hp_unit, category=category("0101"), period_start=today - datetime.timedelta(days=1))
    o = offer(hp_org, "0101", title="乐龄居家照护")

    found = ranking.suggest_demands([o])

    assert found == [soon, later]
    assert found[0].match_line.startswith("与“乐龄居家照护”同类 · 服务区域黄浦区 · ")


def test_a_citywide_offer_matches_demands_of_every_district(hp_unit, xh_unit, hp_org):
    DemandFactory(unit=hp_unit, category=category("0101"))
    DemandFactory(unit=xh_unit, category=category("0101"))
    assert len(ranking.suggest_demands([offer(hp_org, "0101", citywide=True)])) == 2


def test_no_offers_no_suggestions(hp_unit):
    DemandFactory(unit=hp_unit)
    assert ranking.suggest_demands([]) == []
