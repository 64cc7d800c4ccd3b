"""The public listing (/demands/) and detail page as visitors and users see them.

Requirements pinned here:
- R-MAT-1: a public listing with filters (category at either level, district, year, budget range,
  status, purchaser level), sorting and pagination; drafts never appear; cancelled demands only when
  asked for.
- R-ACC-4: visitors see the demand but not its contact person, phone or email.
- R-MAT-2: logged-in users see the contact details, to meet offline.
- R-GEN-3: bad query parameters never give an error page.
Query counts are pinned so that neither the page size nor the length of the history multiplies them.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import UnitLevel
from demands import services
from demands.models import Status
from tests.factories import DemandFactory, PurchaserUnitFactory, SocialOrganizationFactory
from tests.helpers import category

pytestmark = pytest.mark.django_db

LIST = "/demands/"


def titles(response):
    assert response.status_code == 200
    return [d.title for d in response.context["page"].object_list]


def listed(client, **params):
    return set(titles(client.get(LIST, params)))


def moment(days_ago):
    return timezone.now() - datetime.timedelta(days=days_ago)


def public_demand(unit, title, category_code, budget, year, days_ago, **fields):
    """A demand of `unit` for `year` with that budget, published `days_ago` days ago."""
    return DemandFactory(
        unit=unit,
        title=title,
        category=category(category_code),
        budget=Decimal(budget),
        year=year,
        published_at=moment(days_ago),
        **fields,
    )


@pytest.fixture
def catalogue(hp_unit, xh_unit, city_unit, hp_org):
    """Demands of every status, from three levels of purchaser and two districts."""
    return {
        "hp_home_care": public_demand(hp_unit, "黄浦居家养老", "0101", "100000", 2025, 5),
        "hp_community_care": public_demand(hp_unit, "黄浦社区养老", "0102", "500000", 2026, 4),
        "xh_rehab": public_demand(xh_unit, "徐汇康复服务", "0201", "900000", 2026, 3),
        "city_awarded": public_demand(
            city_unit,
            "市级已承接项目",
            "0101",
            "300000",
            2026,
            2,
            district=xh_unit.district,
            status=Status.AWARDED,
            awarded_org=hp_org,
        ),
        "hp_evaluated": public_demand(
            hp_unit, "黄浦已评价项目", "0201", "700000", 2025, 1, status=Status.EVALUATED, awarded_org=hp_org
        ),
        "hp_draft": DemandFactory(
            unit=hp_unit,
            title="黄浦草稿项目",
            category=category("0101"),
            status=Status.DRAFT,
        ),
        "xh_cancelled": DemandFactory(
            unit=xh_unit,
            title="徐汇已取消项目",
            category=category("0101"),
            published_at=moment(6),
            status=Status.CANCELLED,
            cancel_reason="不再实施",
        ),
    }


def names(catalogue, *keys):
    return {catalogue[k].title for k in keys}


PUBLIC_BY_DEFAULT = ("hp_home_care", "hp_community_care", "xh_rehab", "city_awarded", "hp_evaluated")


# --- what is listed ----------------------------------------------------------------------------------------


def test_the_listing_shows_published_awarded_and_evaluated_demands(client, catalogue):
    """R-MAT-1, R-ACC-4: the default listing: everything public and still useful, newest first."""
    assert titles(client.get(LIST)) == [
        "黄浦已评价项目",
        "市级已承接项目",
        "徐汇康复服务",
        "黄浦社区养老",
        "黄浦居家养老",
    ]


@pytest.mark.parametrize("role", ["visitor", "hp_purchaser", "hp_admin", "city_admin"])
def test_drafts_are_never_listed_not_even_for_their_unit(client, login, catalogue, request, role):
    """R-MAT-1, R-ACC-5: the public listing is public records only, whoever looks."""
    if role != "visitor":
        login(request.getfixturevalue(role))
    for params in ({}, {"status": "draft"}, {"status": "cancelled"}, {"q": "草稿"}):
        response = client.get(LIST, params)
        assert "黄浦草稿项目" not in titles(response)
        assert "黄浦草稿项目" not in response.content.decode()


def test_cancelled_demands_are_hidden_by_default_and_shown_when_asked_for(client, catalogue):
    """R-MAT-1, R-DEM-4: 已取消 is a filter value, not part of the default listing."""
    assert "徐汇已取消项目" not in listed(client)
    assert listed(client, status="cancelled") == {"徐汇已取消项目"}


# --- filters (R-MAT-1) ---------------------------------------------------------------------------------


def test_filter_by_top_level_category_takes_its_sub_categories(client, catalogue):
    """R-MAT-1: "01 养老服务（全部）" finds 0101 and 0102 demands."""
    assert listed(client, category="01") == names(
        catalogue, "hp_home_care", "hp_community_care", "city_awarded"
    )


def test_filter_by_sub_category(client, catalogue):
    """R-MAT-1: "0101 居家养老服务" alone."""
    assert listed(client, category="0101") == names(catalogue, "hp_home_care", "city_awarded")


def test_filter_by_district(client, catalogue, xuhui):
    """R-MAT-1: 服务区域."""
    assert listed(client, district=xuhui.pk) == names(catalogue, "xh_rehab", "city_awarded")


def test_filter_by_year(client, catalogue):
    """R-MAT-1: 年度."""
    assert listed(client, year="2025") == names(catalogue, "hp_home_care", "hp_evaluated")


def test_filter_by_budget_range_includes_both_ends(client, catalogue):
    """R-MAT-1: 预算不低于 / 不高于, inclusive."""
    assert listed(client, budget_min="300000", budget_max="700000") == names(
        catalogue, "hp_community_care", "city_awarded", "hp_evaluated"
    )
    assert listed(client, budget_min="800000") == names(catalogue, "xh_rehab")
    assert listed(client, budget_max="100000") == names(catalogue, "hp_home_care")


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (UnitLevel.CITY, ("city_awarded",)),
        (UnitLevel.STREET, ("hp_home_care", "hp_community_care", "xh_rehab", "hp_evaluated")),
        (UnitLevel.DISTRICT, ()),
    ],
)
def test_filter_by_purchaser_level(client, catalogue, level, expected):
    """R-MAT-1: 购买主体层级."""
    assert listed(client, level=level) == names(catalogue, *expected)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("published", ("hp_home_care", "hp_community_care", "xh_rehab")),
        ("awarded", ("city_awarded",)),
        ("evaluated", ("hp_evaluated",)),
    ],
)
def test_filter_by_status(client, catalogue, status, expected):
    """R-MAT-1: 状态."""
    assert listed(client, status=status) == names(catalogue, *expected)


def test_filters_combine(client, catalogue, huangpu):
    """R-MAT-1: several filters narrow together."""
    assert listed(client, category="01", district=huangpu.pk, year="2026") == names(
        catalogue, "hp_community_care"
    )


# --- sorting and pagination ----------------------------------------------------------------------------


def test_sort_by_budget_ascending_and_descending(client, catalogue):
    """R-MAT-1: 预算从低到高 / 从高到低."""
    ascending = ["黄浦居家养老", "市级已承接项目", "黄浦社区养老", "黄浦已评价项目", "徐汇康复服务"]
    assert titles(client.get(LIST, {"sort": "budget_asc"})) == ascending
    assert titles(client.get(LIST, {"sort": "budget_desc"})) == ascending[::-1]


def test_sort_newest_and_oldest(client, catalogue):
    """R-MAT-1: 最新发布 (the default) and 最早发布."""
    newest = ["黄浦已评价项目", "市级已承接项目", "徐汇康复服务", "黄浦社区养老", "黄浦居家养老"]
    assert titles(client.get(LIST, {"sort": "newest"})) == newest
    assert titles(client.get(LIST, {"sort": "oldest"})) == newest[::-1]


def test_the_sort_order_is_in_the_page_too(client, catalogue):
    """R-MAT-1: what the user reads, not only the context, is in budget order."""
    page = client.get(LIST, {"sort": "budget_desc"}).content.decode()
    positions = [
        page.index(t)
        for t in ("徐汇康复服务", "黄浦已评价项目", "黄浦社区养老", "市级已承接项目", "黄浦居家养老")
    ]
    assert positions == sorted(positions)


@pytest.fixture
def many(hp_unit):
    """25 published demands, numbered by age: 第01号 is the newest."""
    return [
        DemandFactory(unit=hp_unit, title=f"分页测试第{n:02d}号", published_at=moment(n))
        for n in range(1, 26)
    ]


def test_pagination_with_ten_per_page(client, many):
    """R-MAT-1: size=10 gives pages of 10, 10 and 5, without gaps or repeats, with links to the next page."""
    pages = [titles(client.get(LIST, {"size": "10", "page": str(n)})) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [10, 10, 5]
    assert sum(pages, []) == [f"分页测试第{n:02d}号" for n in range(1, 26)]
    first = client.get(LIST, {"size": "10"})
    assert first.context["page"].paginator.num_pages == 3
    assert "size=10&amp;page=2" in first.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-1"},
        {"page": "0"},
        {"page": "99999"},
        {"page": "1.5"},
        {"size": "7"},
        {"size": "abc"},
        {"size": "100000"},
        {"sort": "bogus"},
        {"sort": "relevance"},
        {"budget_min": "abc"},
        {"budget_max": "-5"},
        {"budget_min": "1e999"},
        {"budget_min": "NaN"},
        {"year": "abc"},
        {"district": "abc"},
        {"district": "999999"},
        {"category": "zz"},
        {"category": "0"},
        {"level": "bogus"},
        {"status": "draft"},
        {"status": "bogus"},
        {"q": "养" * 500},
        {"q": "'; drop table demands_demand; --"},
        {"q": "\x00"},
        {"q": "养老\x00服务"},
        {"year": "\x00"},
        {"district": "\x00"},
        {"category": "\x00"},
        {"budget_min": "\x00"},
        {"level": "\x00"},
        {"status": "\x00"},
        {"sort": "\x00"},
        {"page": "\x00"},
        {"size": "\x00"},
    ],
    ids=lambda p: "&".join(f"{k}={v[:12]!r}" for k, v in p.items()),
)
def test_bad_query_parameters_never_give_an_error_page(client, many, params):
    """R-GEN-3: whatever is typed into the address bar, the listing answers 200 (a usable page)."""
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert "分页测试" in response.content.decode() or "没有找到符合条件的需求" in response.content.decode()


@pytest.mark.parametrize("q", ["\x00", "养老\x00", "a\x00b"])
def test_a_nul_character_in_my_demands_search_is_harmless(login, hp_purchaser, q):
    """R-GEN-3: the purchaser's own list (我的需求) copes with the same bad input as the public one."""
    DemandFactory(unit=hp_purchaser.purchaser_unit)
    assert login(hp_purchaser).get("/demands/mine/", {"q": q}).status_code == 200


def test_an_unknown_page_size_falls_back_to_twenty(client, many):
    """R-MAT-1: only 10, 20 and 50 are offered; anything else means the default of 20."""
    assert len(titles(client.get(LIST, {"size": "7"}))) == 20
    assert len(titles(client.get(LIST, {"size": "50"}))) == 25


# --- contact details (R-ACC-4, R-MAT-2) ------------------------------------------------------------------

CONTACT = {
    "contact_person": "钱联络员",
    "contact_phone": "021-63215678",
    "contact_email": "qian@hp.example.gov.cn",
}


def test_the_detail_page_hides_contact_details_from_visitors(client, hp_unit):
    """R-ACC-4: visitors read the demand, and are told to log in for the contact details."""
    demand = DemandFactory(unit=hp_unit, **CONTACT)
    page = client.get(f"/demands/{demand.pk}/").content.decode()
    assert demand.title in page
    for value in CONTACT.values():
        assert value not in page
    assert "联系方式仅对登录用户显示" in page


@pytest.mark.parametrize("role", ["hp_org_user", "xh_org_user", "xh_purchaser", "monitor"])
def test_the_detail_page_shows_contact_details_to_logged_in_users(login, hp_unit, request, role):
    """R-MAT-2: any logged-in user, of any district, sees whom to call."""
    demand = DemandFactory(unit=hp_unit, **CONTACT)
    page = login(request.getfixturevalue(role)).get(f"/demands/{demand.pk}/").content.decode()
    for value in CONTACT.values():
        assert value in page


def test_the_listing_shows_no_contact_details_to_visitors(client, hp_unit):
    """R-ACC-4: the listing is a summary; contact details are not in it."""
    DemandFactory(unit=hp_unit, **CONTACT)
    page = client.get(LIST).content.decode()
    for value in CONTACT.values():
        assert value not in page


# --- query counts ----------------------------------------------------------------------------------------

# Measured: the listing reads the years (filter choices), the count and one page of rows with their
# relations; the detail page reads the demand with its relations and, for logged-in users, its history
# in one query. A logged-in user adds the session and the user.
# Includes one query for the 推荐目录 badges (the members of the latest published directory).
# Reference data (the categories and districts of the filter form, the cards' 区 and 街镇) comes from the
# process's memo (portal/refdata.py): one read of its version in the shared cache instead of four
# queries (issue 15; with Redis that read is no SQL). Visitor: 5 (was 8). A 区 filter is checked against
# the districts the form lists (no query more).
# Logged in: +1 for the session, +1 for the user, +1 for the 站内信 unread count in the header.
LISTING_MAX_QUERIES = {"visitor": 5, "hp_purchaser": 8}
# + the 可能合适的社会组织 block of a published demand (issue 13: at most six queries, matching/ranking.py)
SUGGESTION_QUERIES = 6
# + the record of the organizations it showed (one INSERT when it shows any, issue 13 §7) and the
# 公开答疑 section (one query, §6).
MATCHING_QUERIES = 1 + 1
DETAIL_MAX_QUERIES = {
    "visitor": 1 + SUGGESTION_QUERIES + MATCHING_QUERIES,
    "hp_purchaser": 5 + SUGGESTION_QUERIES + MATCHING_QUERIES,
    "hp_org_user": 5 + SUGGESTION_QUERIES + MATCHING_QUERIES,
}


def count_queries(client, url, params=None):
    client.get(
        url, params or {}
    )  # warm up: per-process caches (content types and the like) are not what is measured
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx)


@pytest.fixture
def sixty(hp_unit, xh_unit, city_unit, hp_street, xh_street, hp_org):
    """60 public demands spread over units, districts, streets, categories and statuses."""
    units = [(hp_unit, hp_street), (xh_unit, xh_street), (city_unit, None)]
    codes = ["0101", "0102", "0201", "0301", "0401"]
    categories = [category(c) for c in codes]
    extra_units = [PurchaserUnitFactory() for _ in range(3)]
    demands = []
    for n in range(60):
        unit, street = units[n % 3] if n % 4 else (extra_units[n % 3], None)
        district = street.district if street else (unit.district or hp_street.district)
        status = [Status.PUBLISHED, Status.AWARDED, Status.EVALUATED][n % 3]
        demands.append(
            DemandFactory(
                unit=unit,
                street=street,
                district=district,
                category=categories[n % 5],
                status=status,
                awarded_org=hp_org if status != Status.PUBLISHED else None,
                published_at=moment(n),
            )
        )
    return demands


@pytest.mark.parametrize("role", ["visitor", "hp_purchaser"])
def test_the_listing_runs_the_same_queries_for_10_and_50_rows(client, login, request, sixty, role):
    """R-MAT-1: the number of queries does not grow with the page size (no query per row)."""
    if role != "visitor":
        login(request.getfixturevalue(role))
    ten = count_queries(client, LIST, {"size": "10"})
    fifty = count_queries(client, LIST, {"size": "50"})
    assert ten == fifty
    assert fifty <= LISTING_MAX_QUERIES[role]


def test_the_filtered_and_sorted_listing_runs_the_same_queries_for_10_and_50_rows(client, sixty):
    """R-MAT-1: the same holds with every filter and a sort."""
    params = {"category": "01", "budget_min": "1000", "year": str(sixty[0].year), "sort": "budget_desc"}
    assert client.get(LIST, params).context["page"].paginator.count == 24  # more than one page of 10
    ten = count_queries(client, LIST, {**params, "size": "10"})
    fifty = count_queries(client, LIST, {**params, "size": "50"})
    assert ten == fifty
    assert fifty <= LISTING_MAX_QUERIES["visitor"]


def test_a_district_and_category_filter_costs_no_query_more(client, sixty, hp_street):
    """Issue 15: the 区 is validated against the districts the form renders, the category's ids come from
    the categories its choices read."""
    params = {"district": str(hp_street.district_id), "category": "01"}
    assert client.get(LIST, params).context["page"].paginator.count > 0
    assert (
        count_queries(client, LIST, params) == count_queries(client, LIST) == LISTING_MAX_QUERIES["visitor"]
    )


def test_an_unknown_district_is_ignored_as_any_invalid_filter(client, sixty):
    """R-GEN-3: the filter is ignored (every public demand, cancelled ones hidden), not an error page."""
    everything = listed(client, size="50")
    for value in ("999999", "abc", "1.5"):
        assert listed(client, district=value, size="50") == everything


def test_a_field_filter_finds_its_inactive_sub_categories_too(client, hp_unit):
    """A demand keeps its category when an administrator retires it: 养老服务（全部） still lists it."""
    retired = category("0102")
    retired.is_active = False
    retired.save()
    DemandFactory(unit=hp_unit, category=retired, title="已停用子类的需求")
    DemandFactory(unit=hp_unit, category=category("0201"), title="另一领域的需求")
    assert listed(client, category="01") == {"已停用子类的需求"}


def adjust_times(demand, by, times):
    for n in range(times):
        demand.refresh_from_db()
        demand.title = f"{demand.title[:80]}（第{n + 1}次调整）"
        services.demand_adjust(demand=demand, by=by, reason=f"第{n + 1}次调整")


@pytest.mark.parametrize("role", ["visitor", "hp_purchaser", "hp_org_user"])
def test_the_detail_page_runs_a_fixed_number_of_queries_whatever_the_history(
    client, login, request, hp_unit, hp_purchaser, hp_org, role
):
    """R-GEN-2, R-MAT-2: one adjustment or ten, awarded or not, the page costs the same."""
    short = DemandFactory(unit=hp_unit)
    long = DemandFactory(unit=hp_unit)
    adjust_times(short, hp_purchaser, 1)
    adjust_times(long, hp_purchaser, 10)
    assert long.history.count() == 11
    if role != "visitor":
        login(request.getfixturevalue(role))

    one = count_queries(client, f"/demands/{short.pk}/")
    ten = count_queries(client, f"/demands/{long.pk}/")
    assert one == ten
    assert ten <= DETAIL_MAX_QUERIES[role]


def test_the_detail_page_of_an_awarded_demand_costs_no_more(client, login, hp_unit, hp_purchaser):
    """R-DEM-4: the awarded organization is read with the demand, not separately."""
    org = SocialOrganizationFactory()
    published = DemandFactory(unit=hp_unit)
    awarded = DemandFactory(unit=hp_unit)
    services.demand_award(
        demand=awarded,
        by=hp_purchaser,
        organization=org,
        amount=Decimal("1000"),
        awarded_on=timezone.localdate(),
    )
    login(hp_purchaser)
    # No more than a published one (which also carries the suggestion block, issue 13).
    assert count_queries(client, f"/demands/{awarded.pk}/") <= count_queries(
        client, f"/demands/{published.pk}/"
    )
