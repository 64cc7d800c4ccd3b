"""订阅 (issue 13 §4): a logged-in organization (demands) or purchaser (offers) saves the listing's search
from the listing page; 我的订阅 renames, changes, pauses, deletes and regenerates the feed address; every
other role gets 404 and other users' subscriptions answer 404 (R-ACC-5); bad input gets a Chinese
message and saves nothing; the page's query count is fixed."""

import pytest
from django.http import QueryDict

from matching import subscriptions
from matching.models import Subscription
from tests.factories import DemandFactory, SubscriptionFactory
from tests.helpers import messages_of
from tests.html import select, text
from tests.matching.conftest import category

pytestmark = pytest.mark.django_db

LIST = "/subscriptions/"


def save(client, params="", name="养老订阅"):
    return client.post("/subscriptions/new/", {"params": params, "name": name})


# --- the button on the listings ---------------------------------------------------------------


@pytest.mark.parametrize(
    "role, listing, shown",
    [
        ("hp_org_user", "/demands/", True),
        ("xh_org_user", "/demands/", True),
        ("hp_purchaser", "/offerings/", True),
        ("hp_purchaser", "/demands/", False),
        ("hp_org_user", "/offerings/", False),
        ("hp_admin", "/demands/", False),
        ("city_admin", "/offerings/", False),
        ("monitor", "/demands/", False),
    ],
)
def test_the_subscribe_button_is_shown_to_the_role_that_follows_that_listing(as_role, role, listing, shown):
    page = as_role(role).get(listing + "?q=养老")
    assert bool(select(page, "details.subscribe form[action='/subscriptions/new/']")) is shown
    assert "登录</a>后" not in text(page)


@pytest.mark.parametrize("listing", ["/demands/", "/offerings/"])
def test_a_visitor_sees_a_hint_to_log_in_and_no_button(client, db, listing):
    page = client.get(listing + "?q=养老")
    assert not select(page, "details.subscribe")
    link = select(page, "a[href^='/accounts/login/?next=']")
    assert link and "订阅此搜索" in text(page)


def test_the_form_carries_the_listing_parameters(as_role):
    page = as_role("hp_org_user").get("/demands/?q=助餐&category=0103&sort=oldest")
    (hidden,) = select(page, "details.subscribe input[name=params]")
    assert QueryDict(hidden.get("value")).dict() == {"q": "助餐", "category": "0103", "sort": "oldest"}


# --- saving a search --------------------------------------------------------------------------


def test_an_organization_saves_the_demand_search_it_sees(as_role, hp_org_user, huangpu):
    client = as_role("hp_org_user")
    response = save(
        client, f"q=助餐&category=0103&district={huangpu.pk}&sort=oldest&page=2&size=50", "黄浦助餐"
    )
    assert response.status_code == 302 and response["Location"] == LIST
    s = Subscription.objects.get()
    assert (s.user, s.kind, s.name, s.q) == (hp_org_user, "demands", "黄浦助餐", "助餐")
    assert s.filters == {"category": ["0103"], "district": [str(huangpu.pk)]}  # no sort, page or size
    assert s.is_active and not s.is_default and len(s.feed_token) >= 32


def test_a_saved_search_finds_exactly_what_the_listing_shows(as_role, hp_unit, xh_unit, huangpu):
    wanted = DemandFactory(unit=hp_unit, title="老年助餐点运营", category=category("0103"))
    DemandFactory(unit=xh_unit, title="老年助餐点运营（徐汇）", category=category("0103"))
    DemandFactory(unit=hp_unit, title="居家养老", category=category("0101"))
    DemandFactory(unit=hp_unit, title="老年助餐取消项目", category=category("0103"), status="cancelled")
    query = f"q=助餐&category=01&district={huangpu.pk}"
    client = as_role("hp_org_user")
    listed = [a.get("href") for a in select(client.get(f"/demands/?{query}"), "li.card h2 a")]
    save(client, query)
    found = list(subscriptions.matches(Subscription.objects.get()))
    assert found == [wanted] and listed == [f"/demands/{wanted.pk}/"]


def test_a_purchaser_saves_an_offer_search(as_role, hp_purchaser):
    response = save(as_role("hp_purchaser"), "q=康复&directory_member=yes&previously_purchased=yes", "康复")
    assert response.status_code == 302
    s = Subscription.objects.get()
    assert (s.kind, s.filters) == (
        "offerings",
        {"directory_member": ["yes"], "previously_purchased": ["yes"]},
    )


@pytest.mark.parametrize("role", ["hp_admin", "city_admin", "monitor"])
def test_administrators_and_the_monitor_have_no_subscriptions(as_role, role):
    client = as_role(role)
    assert save(client, "q=养老").status_code == 404
    assert client.get(LIST).status_code == 404
    assert not Subscription.objects.exists()


def test_a_visitor_is_sent_to_log_in(client, db):
    response = save(client, "q=养老")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get(LIST)["Location"].startswith("/accounts/login/")
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "params, name, message",
    [
        ("q=养老", "", "请填写订阅名称"),
        ("q=养老", "   ", "请填写订阅名称"),
        ("q=养老", "订" * 51, "不能超过 50 字"),
        ("q=" + "养" * 51, "太长的关键词", "关键词不能超过 50 字"),
        ("category=9999", "未知类别", "筛选条件“项目类别”无效"),
        ("district=abc", "未知区", "筛选条件“服务区域”无效"),
        ("district=999999", "不存在的区", "筛选条件“服务区域”无效"),
        ("status=draft", "草稿", "筛选条件“状态”无效"),
        ("budget_min=-5", "负数", "筛选条件“预算不低于（元）”无效"),
        ("budget_min=1e30", "太大", "数值过大"),
        ("year=1000", "没有的年度", "筛选条件“年度”无效"),
        ("q=身份证310101199001011234", "身份证", "关键词"),
        ("q=养老", "联系人身份证 310101199001011234", "订阅名称"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(as_role, params, name, message):
    response = save(as_role("hp_org_user"), params, name)
    assert response.status_code == 302 and response["Location"].startswith("/demands/")
    assert any(message in m for m in messages_of(response)), messages_of(response)
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        "q=%00%01",
        "q=<script>alert(1)</script>",
        "category=%00",
        "district=%00",
        "budget_max=NaN",
        "q=' OR 1=1 --",
    ],
)
def test_hostile_parameters_never_cause_a_500(as_role, params):
    response = save(as_role("hp_org_user"), params, "试试")
    assert response.status_code == 302
    for s in Subscription.objects.all():
        assert "\x00" not in s.q
        list(subscriptions.matches(s))  # and the saved search runs


def test_a_hostile_query_is_stored_as_text_and_shown_escaped(as_role):
    client = as_role("hp_org_user")
    save(client, "q=<b>养老</b>", "<script>x</script>")
    page = text(client.get(LIST))
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


def test_at_most_twenty_subscriptions(as_role, hp_org_user):
    SubscriptionFactory.create_batch(subscriptions.MAX_PER_USER, user=hp_org_user)
    response = save(as_role("hp_org_user"), "q=养老")
    assert any("最多保存 20 个订阅" in m for m in messages_of(response))
    assert Subscription.objects.count() == subscriptions.MAX_PER_USER


# --- 我的订阅 ---------------------------------------------------------------------------------


def test_the_page_lists_the_users_own_subscriptions_with_their_feed_address(
    as_role, hp_org_user, xh_org_user
):
    mine = SubscriptionFactory(
        user=hp_org_user, name="我的养老订阅", q="养老", filters={"category": ["0101"]}
    )
    SubscriptionFactory(user=xh_org_user, name="别人的订阅")
    page = as_role("hp_org_user").get(LIST)
    html = text(page)
    assert "我的养老订阅" in html and "别人的订阅" not in html
    assert "关键词“养老”；项目类别：居家养老服务" in html
    (feed,) = select(page, f"#feed-{mine.pk}")
    assert feed.get("value") == f"http://testserver/feeds/subscriptions/{mine.feed_token}.atom"
    assert select(page, "a[href='/demands/?q=%E5%85%BB%E8%80%81&category=0101']")


def test_the_workbench_links_to_the_page(as_role):
    for role in ("hp_org_user", "hp_purchaser"):
        assert select(as_role(role).get("/workbench/"), f"a[href='{LIST}']")


def act(client, s, action):
    return client.post(f"/subscriptions/{s.pk}/{action}/")


def test_pause_resume_regenerate_and_delete(as_role, hp_org_user):
    s = SubscriptionFactory(user=hp_org_user)
    client = as_role("hp_org_user")
    old_token, old_since = s.feed_token, s.since
    assert act(client, s, "pause").status_code == 302
    s.refresh_from_db()
    assert not s.is_active
    act(client, s, "resume")
    s.refresh_from_db()
    assert s.is_active and s.since > old_since  # what was published while paused is not sent in a heap
    act(client, s, "regenerate")
    s.refresh_from_db()
    assert s.feed_token != old_token
    assert client.get(f"/feeds/subscriptions/{old_token}.atom").status_code == 404
    assert client.get(f"/feeds/subscriptions/{s.feed_token}.atom").status_code == 200
    act(client, s, "delete")
    assert not Subscription.objects.exists()


def test_an_unknown_action_and_a_get_do_nothing(as_role, hp_org_user):
    s = SubscriptionFactory(user=hp_org_user)
    client = as_role("hp_org_user")
    assert act(client, s, "explode").status_code == 404
    assert client.get(f"/subscriptions/{s.pk}/delete/").status_code == 405
    assert Subscription.objects.filter(pk=s.pk).exists()


@pytest.mark.parametrize("role", ["xh_org_user", "hp_purchaser", "hp_admin", "city_admin", "monitor"])
@pytest.mark.parametrize("action", ["pause", "regenerate", "delete"])
def test_someone_elses_subscription_answers_404(as_role, hp_org_user, role, action):
    s = SubscriptionFactory(user=hp_org_user)
    client = as_role(role)
    assert act(client, s, action).status_code == 404
    assert client.get(f"/subscriptions/{s.pk}/edit/").status_code == 404
    after = Subscription.objects.get(pk=s.pk)
    assert (after.is_active, after.feed_token) == (True, s.feed_token)


def test_a_visitor_cannot_act_on_a_subscription(client, hp_org_user):
    s = SubscriptionFactory(user=hp_org_user)
    assert act(client, s, "delete")["Location"].startswith("/accounts/login/")
    assert Subscription.objects.filter(pk=s.pk).exists()


def test_editing_renames_and_changes_the_conditions(as_role, hp_org_user, huangpu, xuhui):
    s = SubscriptionFactory(user=hp_org_user, name="旧名", q="养老")
    client = as_role("hp_org_user")
    page = client.get(f"/subscriptions/{s.pk}/edit/")
    assert page.status_code == 200 and select(page, "select[name=category][multiple]")
    response = client.post(
        f"/subscriptions/{s.pk}/edit/",
        {"name": "新名", "q": "助餐", "category": ["0103", "0101"], "district": [huangpu.pk, xuhui.pk]},
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert (s.name, s.q) == ("新名", "助餐")
    assert s.filters == {"category": ["0101", "0103"], "district": sorted([str(huangpu.pk), str(xuhui.pk)])}
    assert subscriptions.listing_url(s) == ""  # several values: the listing cannot show it


def test_editing_with_bad_input_shows_the_message_and_keeps_the_subscription(as_role, hp_org_user):
    s = SubscriptionFactory(user=hp_org_user, name="旧名")
    response = as_role("hp_org_user").post(f"/subscriptions/{s.pk}/edit/", {"name": "", "category": "zz"})
    assert response.status_code == 400 and "请填写订阅名称" in text(response)
    s.refresh_from_db()
    assert s.name == "旧名"


def test_the_page_costs_a_fixed_number_of_queries(as_role, hp_org_user, django_assert_num_queries):
    client = as_role("hp_org_user")
    SubscriptionFactory(user=hp_org_user, filters={"category": ["0101"]})
    client.get(LIST)  # warm up (session, sites)
    with django_assert_num_queries(6):
        assert client.get(LIST).status_code == 200
    SubscriptionFactory.create_batch(5, user=hp_org_user, filters={"category": ["0102"], "district": ["1"]})
    for s in Subscription.objects.all():
        for d in DemandFactory.create_batch(2):
            s.deliveries.create(user=hp_org_user, kind="demands", record_id=d.pk)
    with django_assert_num_queries(8):  # + the district names and the delivered demands
        assert client.get(LIST).status_code == 200
