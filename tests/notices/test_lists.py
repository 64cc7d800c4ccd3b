"""The public lists of 政策法规 and 公示公告 (R-NOT-1): search by title, filter by publisher kind and
year; bad query strings never cause a server error (R-GEN-3)."""

import datetime

import pytest
from django.utils import timezone

from notices.models import Article
from tests.html import text

from .conftest import published_article

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1


def titles_on(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200
    return sorted(a.title for a in response.context["page"].object_list)


@pytest.fixture
def announcements(city_admin, hp_admin, hp_purchaser):
    published_article(city_admin, "关于推荐目录征集的通知")
    published_article(hp_admin, "黄浦区养老服务项目公示", publish_date=datetime.date(LAST_YEAR, 6, 1))
    published_article(hp_purchaser, "南京东路街道助餐服务公告")


@pytest.fixture
def policies(city_admin, hp_admin):
    published_article(city_admin, "政府购买服务管理办法", kind=Article.Kind.POLICY)
    published_article(
        hp_admin,
        "黄浦区政府购买服务实施细则",
        kind=Article.Kind.POLICY,
        publish_date=datetime.date(LAST_YEAR, 3, 1),
    )


def test_announcements_are_searched_by_title(client, announcements):
    """R-NOT-1: the keyword matches titles."""
    assert titles_on(client, "/announcements/", q="养老") == ["黄浦区养老服务项目公示"]
    assert titles_on(client, "/announcements/", q="通知") == ["关于推荐目录征集的通知"]
    assert titles_on(client, "/announcements/", q="不存在的词") == []
    assert len(titles_on(client, "/announcements/")) == 3


def test_announcements_are_filtered_by_publisher_kind(client, announcements):
    """R-NOT-1: 市民政局 / 区民政局 / 业务条线."""
    assert titles_on(client, "/announcements/", publisher="city") == ["关于推荐目录征集的通知"]
    assert titles_on(client, "/announcements/", publisher="district") == ["黄浦区养老服务项目公示"]
    assert titles_on(client, "/announcements/", publisher="line") == ["南京东路街道助餐服务公告"]


def test_announcements_are_filtered_by_year(client, announcements):
    """R-NOT-1: the year of the publication date."""
    assert titles_on(client, "/announcements/", year=str(LAST_YEAR)) == ["黄浦区养老服务项目公示"]
    assert titles_on(client, "/announcements/", year=str(THIS_YEAR)) == [
        "关于推荐目录征集的通知",
        "南京东路街道助餐服务公告",
    ]


def test_policies_are_searched_and_filtered_together(client, policies, announcements):
    """R-NOT-1: /policies/ lists only policies; filters combine."""
    assert titles_on(client, "/policies/") == ["政府购买服务管理办法", "黄浦区政府购买服务实施细则"]
    assert titles_on(client, "/policies/", q="细则", publisher="district", year=str(LAST_YEAR)) == [
        "黄浦区政府购买服务实施细则"
    ]
    assert titles_on(client, "/policies/", q="细则", publisher="city") == []
    assert titles_on(client, "/policies/", year=str(THIS_YEAR)) == ["政府购买服务管理办法"]


def test_the_filters_are_kept_in_the_form(client, announcements):
    """R-GEN-4: after searching, the form shows what was asked."""
    html = text(client.get("/announcements/", {"q": "养老", "publisher": "district", "year": str(LAST_YEAR)}))
    assert 'value="养老"' in html
    assert '<option value="district" selected>' in html
    assert f'value="{LAST_YEAR}"' in html


@pytest.mark.parametrize("path", ["/policies/", "/announcements/", "/downloads/"])
@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"year": "abcd"}, id="year-letters"),
        pytest.param({"year": "20266"}, id="year-five-digits"),
        pytest.param({"year": "-202"}, id="year-negative"),
        pytest.param({"year": "0000"}, id="year-zero"),
        pytest.param({"year": "²²²²"}, id="year-superscript-digits"),
        pytest.param({"year": "２０２６"}, id="year-fullwidth-digits"),
        pytest.param({"year": "9999"}, id="year-9999"),
        pytest.param({"publisher": "nobody"}, id="publisher-unknown"),
        pytest.param({"publisher": "city\x00"}, id="publisher-nul"),
        pytest.param({"q": "养老\x00服务"}, id="q-nul"),
        pytest.param({"q": "x" * 5000}, id="q-very-long"),
        pytest.param({"q": "%' OR 1=1 --"}, id="q-sql-like"),
        pytest.param({"page": "abc"}, id="page-letters"),
        pytest.param({"page": "-1"}, id="page-negative"),
        pytest.param({"page": "999999"}, id="page-too-far"),
        pytest.param({"size": "100000"}, id="size-huge"),
        pytest.param({"category": "../../etc"}, id="category-unknown"),
    ],
)
def test_bad_query_parameters_never_cause_a_server_error(client, announcements, policies, path, params):
    """R-GEN-3: whatever is in the query string, the list answers 200."""
    response = client.get(path, params)
    assert response.status_code == 200, (path, params, response.status_code)
