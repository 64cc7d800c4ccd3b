"""The home page (R-NOT-2): the three main boards, the four auxiliary modules with their latest
published items, the headline figures, the search box for demands and offers together, and a
fixed number of SQL queries whatever the size of the tables."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import SocialOrganization
from directory.models import AppStatus, EditionStatus
from notices import services
from notices.models import Article, Download
from tests.factories import (
    ApplicationFactory,
    DemandFactory,
    EditionFactory,
    OfferingFactory,
    SocialOrganizationFactory,
)
from tests.html import select, select_one, text

from .conftest import action_url, published_article, published_download, published_link

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1
# The home page's SQL queries for an anonymous visitor, whatever the number of rows (pinned).
HOME_QUERIES = 10


def ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def edition(year, status=EditionStatus.PUBLISHED):
    return EditionFactory(year=year, status=status)


def member(edition, organization, status=AppStatus.APPROVED, decided_days_ago=1):
    return ApplicationFactory(
        edition=edition, organization=organization, status=status, decided_at=ago(decided_days_ago)
    )


def figures(html):
    """The four headline figures as shown: [demands, budget in 万元, organizations, members]."""
    return [element.text or "" for element in select(html, "div.figure-value")]


def home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response


# --- the boards and the modules ------------------------------------------------------------------


def test_the_three_boards_show_the_latest_demands_offers_and_directory_members(
    client, hp_unit, hp_org, xh_org
):
    """R-NOT-2: 我要购买服务, 我要提供服务 and 推荐目录 each show their newest entries (six at most)."""
    for i in range(8):
        DemandFactory(unit=hp_unit, title=f"社区养老需求{i}号", published_at=ago(10 - i))
    DemandFactory(unit=hp_unit, title="尚未发布的草稿需求", status="draft")
    for i in range(8):
        OfferingFactory(organization=hp_org, title=f"长者助餐服务{i}号", published_at=ago(10 - i))
    OfferingFactory(organization=hp_org, title="草稿服务项目", status="draft")
    current = edition(THIS_YEAR)
    member(current, hp_org)
    member(current, xh_org)
    member(current, SocialOrganizationFactory(name="未入选的社会组织"), status=AppStatus.REJECTED)

    response = home(client)
    html = text(response)
    assert [d.title for d in response.context["latest_demands"]] == [
        f"社区养老需求{i}号" for i in range(7, 1, -1)
    ]
    assert "社区养老需求7号" in html and "社区养老需求2号" in html
    assert "社区养老需求1号" not in html and "尚未发布的草稿需求" not in html
    assert hp_unit.name in html and "380,000" in html
    assert [o.title for o in response.context["latest_offerings"]] == [
        f"长者助餐服务{i}号" for i in range(7, 1, -1)
    ]
    assert "长者助餐服务0号" not in html and "草稿服务项目" not in html
    assert hp_org.name in html and xh_org.name in html and "未入选的社会组织" not in html
    assert f'<a href="/directory/{THIS_YEAR}/">{hp_org.name}</a>' in html
    for heading in (
        "我要购买服务",
        "我要提供服务",
        "推荐目录",
        "政策法规",
        "公示公告",
        "资料下载",
        "友情链接",
    ):
        assert f">{heading}</a></h2>" in html, heading


def test_demands_published_at_the_same_time_come_as_the_listing_sorts_them(client, hp_unit):
    """最新发布 ties by id, newest first, as the demands listing's sort (`demands.selectors.SORTS`)."""
    when = ago(1)
    tied = [DemandFactory(unit=hp_unit, title=f"同时发布的需求{i}号", published_at=when) for i in range(7)]
    DemandFactory(unit=hp_unit, title="尚未发布的草稿需求", status="draft")
    shown = [d.pk for d in home(client).context["latest_demands"]]
    assert shown == sorted((d.pk for d in tied), reverse=True)[:6]


def test_the_four_modules_show_their_latest_published_items(as_role, city_admin, hp_admin):
    """R-NOT-2: 政策法规, 公示公告, 资料下载 and 友情链接 show what is published, newest first;
    drafts and withdrawn items are not shown."""
    today = timezone.localdate()
    for i in range(8):
        published_article(
            city_admin, f"公示公告第{i}号", publish_date=today - datetime.timedelta(days=10 - i)
        )
    published_article(hp_admin, "黄浦区政策解读", kind=Article.Kind.POLICY)
    withdrawn = published_article(hp_admin, "已撤回的政策", kind=Article.Kind.POLICY)
    as_role("hp_admin").post(action_url("article", withdrawn, "withdraw"))
    services.item_save(
        item=Article(kind=Article.Kind.POLICY, title="草稿政策", body="<p>x</p>"), by=city_admin
    )
    download = published_download(city_admin, "项目申报表模板", category=Download.Category.TEMPLATE)
    published_link(city_admin, "上海市民政局", "https://mzj.sh.gov.cn/", sort_order=1)

    html = text(home(as_role("visitor")))
    for i in range(2, 8):
        assert f"公示公告第{i}号" in html
    assert "公示公告第0号" not in html and "公示公告第1号" not in html
    assert "黄浦区政策解读" in html
    assert "已撤回的政策" not in html and "草稿政策" not in html
    assert f'<a href="/downloads/{download.pk}/file/">项目申报表模板</a>' in html
    assert 'href="https://mzj.sh.gov.cn/"' in html


def test_the_headline_figures_are_right_for_a_small_data_set(client, hp_unit, xh_unit, hp_org, xh_org):
    """R-NOT-2, R-GEN-1: demands published this year, their budget in 万元, active organizations and
    members of the latest published directory."""
    DemandFactory(unit=hp_unit, budget=Decimal("380000"))
    DemandFactory(unit=xh_unit, budget=Decimal("120000"))
    DemandFactory(unit=hp_unit, budget=Decimal("56000"), status="awarded")
    # Not counted: a draft, and last year's demand.
    DemandFactory(unit=hp_unit, budget=Decimal("900000"), status="draft")
    DemandFactory(
        unit=hp_unit,
        budget=Decimal("700000"),
        year=LAST_YEAR,
        published_at=timezone.now().replace(year=LAST_YEAR, month=4, day=1),
    )
    revoked = SocialOrganizationFactory(name="已注销的社会组织", registration_status="revoked")
    old = edition(LAST_YEAR)
    member(old, hp_org)
    member(old, revoked)
    current = edition(THIS_YEAR)
    member(current, hp_org)
    member(current, xh_org)
    member(current, revoked, status=AppStatus.REJECTED)
    edition(THIS_YEAR + 1, status=EditionStatus.COLLECTING)

    response = home(client)
    shown = response.context["figures"]
    assert shown["demands"] == 3
    assert shown["budget_wan"] == Decimal("55.6")
    assert (
        shown["organizations"] == 2 == SocialOrganization.objects.filter(registration_status="active").count()
    )
    assert shown["members"] == 2
    assert figures(text(response)) == ["3", "55.60", "2", "2"]
    assert f"{THIS_YEAR}年需求预算（万元）" in text(response)


def test_the_headline_figures_of_an_empty_site_are_zero(client):
    """R-NOT-2: nothing yet → zeros, not errors."""
    demands, budget, organizations, members = figures(text(home(client)))
    assert (demands, organizations, members) == ("0", "0", "0")
    assert Decimal(budget) == 0


# --- the search box ------------------------------------------------------------------------------


def test_the_search_box_submits_to_the_search_page(client):
    """R-NOT-2: one box on the home page, sent to /search/ as q."""
    html = text(home(client))
    form = select_one(html, 'form[role="search"]')
    assert form.get("method") == "get" and form.get("action") == "/search/"
    assert form.cssselect('[name="q"]')


def test_the_search_page_lists_matching_demands_and_offers_together(client, hp_unit, hp_org):
    """R-NOT-2: /search/ finds demands and offers with the words, and nothing else."""
    DemandFactory(unit=hp_unit, title="社区长者助餐点运营项目")
    DemandFactory(unit=hp_unit, title="青少年课后托管项目")
    DemandFactory(unit=hp_unit, title="长者助餐草稿", status="draft")
    OfferingFactory(organization=hp_org, title="乐龄长者助餐服务")
    OfferingFactory(organization=hp_org, title="启明助残康复服务")

    response = client.get("/search/", {"q": "长者助餐"})
    assert response.status_code == 200
    assert [d.title for d in response.context["demands"]] == ["社区长者助餐点运营项目"]
    assert [o.title for o in response.context["offerings"]] == ["乐龄长者助餐服务"]
    html = text(response)
    assert "社区长者助餐点运营项目" in html and "乐龄长者助餐服务" in html
    assert "青少年课后托管项目" not in html and "启明助残康复服务" not in html and "长者助餐草稿" not in html
    assert 'value="长者助餐"' in html


@pytest.mark.parametrize("q", ["", "   ", "\x00", "x" * 1000, "%", "不存在的关键词"])
def test_the_search_page_survives_any_query(client, q):
    """R-GEN-3: any query answers 200."""
    assert client.get("/search/", {"q": q}).status_code == 200


# --- a fixed number of queries -------------------------------------------------------------------


def home_queries(client):
    with CaptureQueriesContext(connection) as queries:
        home(client)
    return len(queries)


def test_the_home_page_runs_a_fixed_number_of_queries(client, city_admin, hp_admin, hp_unit, hp_org, xh_org):
    """R-NOT-2: the same number of SQL queries for a nearly empty site and for one with 30 demands,
    30 offers, 10 articles, downloads, links and directory members (pinned)."""
    empty = home_queries(client)

    for i in range(30):
        DemandFactory(unit=hp_unit, title=f"需求{i}")
        OfferingFactory(organization=hp_org if i % 2 else xh_org, title=f"服务{i}")
    for i in range(10):
        published_article(city_admin if i % 2 else hp_admin, f"文章{i}", kind=["policy", "notice"][i % 2])
    for i in range(3):
        published_download(city_admin, f"资料{i}")
        published_link(city_admin, f"链接{i}", f"https://site{i}.example.gov.cn/", sort_order=i)
    current = edition(THIS_YEAR)
    for organization in [hp_org, xh_org, *SocialOrganizationFactory.create_batch(6)]:
        member(current, organization)

    full = home_queries(client)
    assert full == empty == HOME_QUERIES


def test_the_headline_figures_are_reused_for_a_while(client, hp_unit, settings):
    """The headline figures read the whole demands table; in production they are computed once per
    OVERVIEW_CACHE_SECONDS: the second visit asks the database for less, and shows the same figures
    until the cache expires."""
    settings.OVERVIEW_CACHE_SECONDS = 300
    DemandFactory(unit=hp_unit, title="需求甲")
    home_queries(client)
    DemandFactory(unit=hp_unit, title="需求乙")
    with CaptureQueriesContext(connection):
        response = client.get("/")
    assert response.context["figures"]["demands"] == 1
    assert home_queries(client) == HOME_QUERIES - 2  # three counting queries become one cache read
