"""社会组织主页 and 购买主体主页 (issue 13 §1): who sees what, by role; links from every listing,
detail page, directory entry, search result and API record; a fixed number of queries.
Contacts only for logged-in users (R-ACC-4); the 严重失信名单 (R-SUB-3) and 失信记录 (R-SUP-4)."""

import pytest

from accounts.models import OrgType
from notices.models import Article
from tests.factories import DemandFactory, SocialOrganizationFactory
from tests.matching.conftest import THIS_YEAR, awarded, member, offer
from tests.supervision.closed_at_once import no_answer_period  # noqa: F401

pytestmark = pytest.mark.django_db


def org_url(org):
    return f"/organizations/{org.pk}/"


def unit_url(unit):
    return f"/units/{unit.pk}/"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def track_record(hp_org, hp_unit, xh_unit):
    """hp_org: a member of last year's directory, two published offers, two awards (one 优秀)."""
    hp_org.founded_on = "2012-05-08"
    hp_org.business_scope = "为老年人提供居家养老、助餐和康复服务。"
    hp_org.contact_email = "leling@example.org"
    hp_org.save()
    member(hp_org)
    return {
        "offers": [offer(hp_org, title="乐龄长者助餐服务"), offer(hp_org, "0103", title="乐龄居家照护服务")],
        "awards": [
            awarded(hp_org, hp_unit, grade="excellent", title="南京东路街道为老助餐项目", amount="280000"),
            awarded(hp_org, xh_unit, title="徐家汇街道长者照护项目", amount="150000"),
        ],
    }


def test_a_visitor_sees_the_organizations_record_but_not_its_contacts(client, hp_org, track_record):
    html = page(client, org_url(hp_org))
    for text in (
        hp_org.name,
        "社会服务机构（民办非企业单位）",
        "黄浦区民政局",
        "2012年5月8日",
        "为老年人提供居家养老、助餐和康复服务。",
        f"{THIS_YEAR - 1} 年度推荐目录",
        "乐龄长者助餐服务",
        "乐龄居家照护服务",
        "南京东路街道为老助餐项目",
        "徐家汇街道长者照护项目",
        "黄浦区南京东路街道办事处",
        "280,000.00",
        "优秀",
        "尚未评价",
    ):
        assert text in html, text
    assert "021-54001234" not in html and "leling@example.org" not in html
    assert "联系方式仅对登录用户显示" in html
    assert "失信记录" not in html


@pytest.mark.parametrize(
    "role", ["hp_org_user", "xh_org_user", "hp_purchaser", "xh_purchaser", "hp_admin", "xh_admin", "monitor"]
)
def test_every_logged_in_user_sees_the_contacts(request, login, hp_org, track_record, role):
    html = page(login(request.getfixturevalue(role)), org_url(hp_org))
    assert "021-54001234" in html and "leling@example.org" in html and "李女士" in html


@pytest.mark.parametrize(
    "role, sees",
    [
        ("hp_purchaser", True),
        ("xh_purchaser", True),
        ("hp_admin", True),
        ("xh_admin", True),
        ("city_admin", True),
        ("hp_org_user", False),
        ("xh_org_user", False),
        ("monitor", False),
    ],
)
def test_credit_records_are_shown_to_administrators_and_purchasers_only(
    request, login, hp_org, credit_record, role, sees
):
    credit_record(hp_org, "服务人次夸大属实，已责令整改。")
    html = page(login(request.getfixturevalue(role)), org_url(hp_org))
    assert ("服务人次夸大属实，已责令整改。" in html) is sees
    assert ("失信记录" in html) is sees


def test_credit_records_stay_hidden_from_visitors(client, hp_org, credit_record):
    credit_record(hp_org)
    assert "服务人次夸大属实" not in page(client, org_url(hp_org))


def test_a_listed_organization_is_flagged_to_logged_in_users_only(
    client, login, hp_org, track_record, list_serious, xh_purchaser
):
    list_serious(hp_org)
    assert "严重失信名单" not in page(client, org_url(hp_org))
    html = page(login(xh_purchaser), org_url(hp_org))
    assert "该社会组织目前被列入严重失信名单" in html
    # Its offers are hidden while it is listed (R-SUB-3), its past record is not.
    assert "乐龄长者助餐服务" not in html
    assert "南京东路街道为老助餐项目" in html


def test_an_unknown_organization_or_unit_answers_404(client):
    assert client.get("/organizations/999999/").status_code == 404
    assert client.get("/units/999999/").status_code == 404


def test_drafts_and_withdrawn_offers_stay_off_the_profile(client, hp_org):
    offer(hp_org, title="草稿中的项目", status="draft")
    offer(hp_org, title="已下架的项目", status="withdrawn")
    html = page(client, org_url(hp_org))
    assert "草稿中的项目" not in html and "已下架的项目" not in html


def test_the_unit_page_lists_current_and_past_demands_awards_evaluations_and_notices(
    client, login, hp_unit, hp_org, hp_purchaser, xh_purchaser
):
    hp_unit.contact_person, hp_unit.contact_phone = "钱丽", "021-63300001"
    hp_unit.save()
    DemandFactory(unit=hp_unit, title="正在征集的助残项目")
    DemandFactory(unit=hp_unit, title="尚未发布的草稿", status="draft")
    awarded(hp_org, hp_unit, grade="good", title="已评价的为老项目")
    Article.objects.create(
        kind="notice",
        title="南京东路街道2026年购买服务计划公告",
        body="<p>公告</p>",
        publisher_kind="line",
        publisher_unit=hp_unit,
        publisher_name=hp_unit.name,
        status="published",
        publish_date="2026-03-01",
    )
    html = page(client, unit_url(hp_unit))
    for text in (
        "正在征集的助残项目",
        "已评价的为老项目",
        hp_org.name,
        "良好",
        "南京东路街道2026年购买服务计划公告",
    ):
        assert text in html, text
    assert f'href="{org_url(hp_org)}"' in html
    assert "尚未发布的草稿" not in html
    assert "021-63300001" not in html
    # Contacts for every logged-in user, of any district; the draft stays private even to its own unit here.
    for user in (hp_purchaser, xh_purchaser):
        html = page(login(user), unit_url(hp_unit))
        assert "钱丽" in html and "021-63300001" in html
        assert "尚未发布的草稿" not in html


def test_profiles_are_linked_from_listings_details_directory_and_search(
    client, hp_org, hp_unit, track_record
):
    offer_pk = track_record["offers"][0].pk
    award = track_record["awards"][0]
    member_year = THIS_YEAR - 1
    links = {
        "/offerings/": org_url(hp_org),
        f"/offerings/{offer_pk}/": org_url(hp_org),
        "/demands/?status=evaluated": unit_url(hp_unit),
        f"/demands/{award.pk}/": unit_url(hp_unit),
        f"/directory/{member_year}/": org_url(hp_org),
        "/search/?q=乐龄": org_url(hp_org),
    }
    for url, link in links.items():
        assert f'href="{link}"' in page(client, url), url
    # The awarded organization on the demand's page and in the listing.
    assert f'href="{org_url(hp_org)}"' in page(client, f"/demands/{award.pk}/")
    assert f'href="{org_url(hp_org)}"' in page(client, "/demands/?status=evaluated")


def test_api_records_carry_the_profile_addresses(client, hp_org, hp_unit, track_record):
    award = track_record["awards"][0]
    data = client.get(f"/api/v1/demands/{award.pk}/").json()
    assert data["unit"]["profile_url"] == f"http://testserver{unit_url(hp_unit)}"
    assert data["award"]["organization"]["profile_url"] == f"http://testserver{org_url(hp_org)}"
    data = client.get(f"/api/v1/offerings/{track_record['offers'][0].pk}/").json()
    assert data["organization"]["profile_url"] == f"http://testserver{org_url(hp_org)}"


def _grow(hp_org, hp_unit, n):
    for i in range(n):
        offer(hp_org, title=f"加的服务项目{i}")
        awarded(hp_org, hp_unit, grade="excellent" if i % 2 else "", title=f"加的承接项目{i}")
        DemandFactory(unit=hp_unit, title=f"加的征集项目{i}")


@pytest.mark.parametrize("role", [None, "hp_purchaser", "hp_org_user"])
def test_the_organization_page_costs_a_fixed_number_of_queries(
    request, client, django_assert_num_queries, hp_org, hp_unit, track_record, role
):
    if role:
        client.force_login(request.getfixturevalue(role))
    page(client, org_url(hp_org))  # warm up (session, sites)
    expected = {None: 5, "hp_purchaser": 9, "hp_org_user": 8}[role]
    with django_assert_num_queries(expected):
        page(client, org_url(hp_org))
    _grow(hp_org, hp_unit, 5)
    with django_assert_num_queries(expected):
        page(client, org_url(hp_org))


def test_the_unit_page_costs_a_fixed_number_of_queries(
    client, django_assert_num_queries, hp_org, hp_unit, track_record
):
    page(client, unit_url(hp_unit))
    with django_assert_num_queries(5):
        page(client, unit_url(hp_unit))
    _grow(hp_org, hp_unit, 5)
    with django_assert_num_queries(5):
        page(client, unit_url(hp_unit))


def test_a_foundation_shows_its_type(client, huangpu):
    org = SocialOrganizationFactory(
        name="上海市某某慈善基金会", org_type=OrgType.FOUNDATION, uscc="53310000MJ0000001X"
    )
    assert "基金会" in page(client, org_url(org))
