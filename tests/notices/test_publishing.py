"""Publishing 政策法规 and 公示公告 (R-NOT-1): who publishes as whom, what the public sees of drafts,
published and withdrawn articles, the history kept (R-GEN-2), and who may edit what (R-ACC-5)."""

import pytest

from notices.models import Article, ItemStatus, PublisherKind
from tests.helpers import messages_of
from tests.html import text
from tests.login_pages import asks_to_log_in

from .conftest import (
    ARTICLE_NEW,
    LOGIN,
    MANAGE,
    action_url,
    article_data,
    article_url,
    edit_url,
    post_article,
    published_article,
)

pytestmark = pytest.mark.django_db


def only_article():
    assert Article.objects.count() == 1
    return Article.objects.get()


def test_the_city_publishes_an_announcement_as_the_city_civil_affairs_bureau(as_role, city_admin):
    """R-NOT-1: the city's article carries 上海市民政局 as its publisher."""
    response = post_article(as_role("city_admin"), title="关于开展推荐目录征集工作的通知")
    assert response.status_code == 302 and response["Location"] == MANAGE
    article = only_article()
    assert article.kind == Article.Kind.NOTICE
    assert article.publisher_kind == PublisherKind.CITY
    assert article.publisher_name == "上海市民政局"
    assert article.publisher_district is None and article.publisher_unit is None
    assert article.created_by == city_admin
    assert article.status == ItemStatus.PUBLISHED and article.publish_date is not None


def test_a_district_admin_publishes_as_its_district_civil_affairs_bureau(as_role, hp_admin, huangpu):
    """R-NOT-1: a district administrator publishes as 黄浦区民政局."""
    post_article(as_role("hp_admin"), title="黄浦区2026年度项目集中发布提示")
    article = only_article()
    assert article.publisher_kind == PublisherKind.DISTRICT
    assert article.publisher_district == huangpu
    assert article.publisher_name == "黄浦区民政局"
    assert article.publisher_unit is None


def test_a_purchaser_publishes_as_its_unit_and_business_line(as_role, hp_purchaser, hp_unit):
    """R-NOT-1: a purchaser publishes as its unit's business line (业务条线)."""
    post_article(as_role("hp_purchaser"), title="南京东路街道为老服务项目公告")
    article = only_article()
    assert article.publisher_kind == PublisherKind.LINE
    assert article.publisher_unit == hp_unit
    assert article.publisher_district is None
    assert article.publisher_name.startswith(hp_unit.name)
    assert hp_unit.business_line and hp_unit.business_line in article.publisher_name
    assert article.publisher_name in text(as_role("visitor").get(article_url(article)))


def test_a_draft_is_hidden_from_the_public_and_shown_to_its_publisher(as_role, hp_admin, xh_admin):
    """R-NOT-1: a saved draft answers 404 to other publishers (visitors: the login page), 200 to its
    publisher."""
    post_article(as_role("hp_admin"), title="黄浦区草稿公告", action="save")
    article = only_article()
    assert article.status == ItemStatus.DRAFT and article.publish_date is None
    url = article_url(article)

    visitor = as_role("visitor")
    assert asks_to_log_in(visitor.get(url), url)
    assert "黄浦区草稿公告" not in text(visitor.get("/announcements/"))
    assert "黄浦区草稿公告" not in text(visitor.get("/"))
    assert as_role("xh_admin").get(url).status_code == 404

    response = as_role("hp_admin").get(url)
    assert response.status_code == 200
    assert "黄浦区草稿公告" in text(response) and "公众不可见" in text(response)


def test_publish_lists_the_article_then_withdraw_hides_it_and_keeps_its_history(
    as_role, hp_admin, city_admin
):
    """R-NOT-1, R-GEN-2: published → on /announcements/ and the home page; withdrawn → 404 for the
    public, still in the database with who and when; republished → public again."""
    client = as_role("hp_admin")
    post_article(client, title="黄浦区公益创投项目公示", action="save")
    article = only_article()
    url = article_url(article)

    response = client.post(action_url("article", article, "publish"))
    assert response.status_code == 302 and messages_of(response)[-1] == "已发布。"
    visitor = as_role("visitor")
    assert visitor.get(url).status_code == 200
    assert "黄浦区公益创投项目公示" in text(visitor.get("/announcements/"))
    assert "黄浦区公益创投项目公示" in text(visitor.get("/"))
    first_publish_date = Article.objects.get().publish_date

    response = as_role("hp_admin").post(action_url("article", article, "withdraw"))
    assert messages_of(response)[-1] == "已撤回，公众将看不到它。"
    visitor = as_role("visitor")
    assert asks_to_log_in(visitor.get(url), url)
    assert "黄浦区公益创投项目公示" not in text(visitor.get("/announcements/"))
    assert "黄浦区公益创投项目公示" not in text(visitor.get("/"))
    article.refresh_from_db()
    assert article.status == ItemStatus.WITHDRAWN

    history = list(article.history.order_by("history_date", "history_id"))
    assert [(h.status, h.history_user, h.history_change_reason) for h in history] == [
        (ItemStatus.DRAFT, hp_admin, "保存"),
        (ItemStatus.PUBLISHED, hp_admin, "发布"),
        (ItemStatus.WITHDRAWN, hp_admin, "撤回"),
    ]
    assert all(h.history_date is not None for h in history)

    # The city republishes it: public again, first publication date kept.
    as_role("city_admin").post(action_url("article", article, "publish"))
    article.refresh_from_db()
    assert article.status == ItemStatus.PUBLISHED and article.publish_date == first_publish_date
    assert article.history.latest("history_date").history_user == city_admin
    assert as_role("visitor").get(url).status_code == 200


def test_a_policy_is_listed_on_the_policies_page_not_among_announcements(as_role, city_admin):
    """R-NOT-1: 政策法规 and 公示公告 are separate modules."""
    post_article(as_role("city_admin"), kind="policy", title="政府购买服务管理办法（要点）")
    article = only_article()
    visitor = as_role("visitor")
    assert "政府购买服务管理办法" in text(visitor.get("/policies/"))
    assert "政府购买服务管理办法" not in text(visitor.get("/announcements/"))
    assert visitor.get(f"/announcements/{article.pk}/").status_code == 404
    assert visitor.get(f"/policies/{article.pk}/").status_code == 200


@pytest.mark.parametrize("owner", ["city_admin", "xh_admin", "hp_purchaser"])
def test_a_district_admin_cannot_open_or_change_anyone_elses_article(as_role, request, hp_admin, owner):
    """R-NOT-1, R-ACC-5: publishers edit only their own; another's edit URL answers 404 and nothing changes."""
    article = published_article(request.getfixturevalue(owner), "别人的公告")
    before = Article.objects.filter(pk=article.pk).values().get(), article.history.count()

    client = as_role("hp_admin")
    assert client.get(edit_url("article", article)).status_code == 404
    response = client.post(edit_url("article", article), article_data(title="被黄浦改过", action="save"))
    assert response.status_code == 404
    for action in ("withdraw", "publish"):
        assert client.post(action_url("article", article, action)).status_code == 404

    assert (Article.objects.filter(pk=article.pk).values().get(), article.history.count()) == before
    assert "别人的公告" not in text(client.get(MANAGE))


def test_a_district_admin_edits_its_own_article(as_role, hp_admin):
    """R-NOT-1: the publisher changes its own article."""
    article = published_article(hp_admin, "黄浦区公告")
    client = as_role("hp_admin")
    assert client.get(edit_url("article", article)).status_code == 200
    response = client.post(
        edit_url("article", article), article_data(title="黄浦区公告（更正）", action="save")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "黄浦区公告（更正）" and article.status == ItemStatus.PUBLISHED
    assert article.history.latest("history_date").history_user == hp_admin


def test_the_city_edits_a_district_article_which_keeps_its_publisher(as_role, hp_admin, city_admin):
    """R-NOT-1: the city may edit anyone's item; the publisher stays the district."""
    article = published_article(hp_admin, "黄浦区公告")
    response = as_role("city_admin").post(
        edit_url("article", article), article_data(title="黄浦区公告（市局更正）", action="save")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "黄浦区公告（市局更正）"
    assert article.publisher_name == "黄浦区民政局" and article.publisher_kind == PublisherKind.DISTRICT
    assert article.history.latest("history_date").history_user == city_admin


@pytest.mark.parametrize("user", ["hp_org_user", "monitor"])
@pytest.mark.parametrize(
    "path",
    [MANAGE, f"{ARTICLE_NEW}?kind=notice", "/notices/manage/download/new/", "/notices/manage/link/new/"],
)
def test_organizations_and_the_monitor_are_refused_the_manage_pages(as_role, hp_admin, user, path):
    """R-NOT-1, R-ACC-5: only the city, districts and purchasers publish; others get 403."""
    client = as_role(user)
    assert client.get(path).status_code == 403
    assert client.post(path, article_data(kind="notice")).status_code == 403
    article = published_article(hp_admin, "黄浦区公告")
    assert client.get(edit_url("article", article)).status_code == 403
    assert client.post(action_url("article", article, "withdraw")).status_code == 403
    article.refresh_from_db()
    assert article.status == ItemStatus.PUBLISHED and Article.objects.count() == 1


@pytest.mark.parametrize("path", [MANAGE, f"{ARTICLE_NEW}?kind=notice", "/notices/manage/link/new/"])
def test_visitors_are_sent_to_login_from_the_manage_pages(as_role, path):
    """R-NOT-1: the manage pages need a login."""
    client = as_role("visitor")
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    response = client.post(path, article_data())
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert Article.objects.count() == 0


def test_the_manage_page_lists_only_the_publishers_own_items(as_role, hp_admin, xh_admin, city_admin):
    """R-NOT-1: each publisher's manage page shows its own items; the city's shows all."""
    published_article(hp_admin, "黄浦区的公告")
    published_article(xh_admin, "徐汇区的公告")
    hp_page = text(as_role("hp_admin").get(MANAGE))
    assert "黄浦区的公告" in hp_page and "徐汇区的公告" not in hp_page
    city_page = text(as_role("city_admin").get(MANAGE))
    assert "黄浦区的公告" in city_page and "徐汇区的公告" in city_page


def test_a_new_article_of_an_unknown_kind_is_not_found(as_role, city_admin):
    """R-GEN-3: a bad kind in the URL is a 404, never a 500."""
    client = as_role("city_admin")
    assert client.get(f"{ARTICLE_NEW}?kind=unknown").status_code == 404
    assert client.get(ARTICLE_NEW).status_code == 404
    assert client.get("/notices/manage/nothing/new/").status_code == 404
    assert Article.objects.count() == 0


def test_an_article_without_a_title_is_refused_in_chinese(as_role, city_admin):
    """R-GEN-3: a missing title gets a Chinese message and nothing is saved."""
    response = post_article(as_role("city_admin"), title="")
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert "提交的内容有问题" in text(response)
    assert Article.objects.count() == 0
