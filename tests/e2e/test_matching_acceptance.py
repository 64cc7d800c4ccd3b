"""The acceptance journey of issue 13, in the browser: an organization subscribes to a search from the
demand listing; a purchaser publishes a matching demand with the form; the daily command (run here in
the test process) delivers the 站内信; the organization opens it, follows its link and says 有意承接;
the purchaser sees the interest, opens the organization's 主页 and its contacts. On the way: 我的订阅,
its edit page and the e-mail's unsubscribe pages (no login). Every page passes axe-core and the 375 px
and 长者模式 checks (checks.py)."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from demands.models import Demand
from matching import subscriptions
from matching.models import Interest, Subscription
from tests.e2e.steps import press_and_see, publish_demand_form

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "南京东路街道高龄老人助餐服务项目"


def publish_demand(page):
    page.get_by_label("项目名称").fill(TITLE)
    publish_demand_form(
        page,
        budget="260,000",
        category="老年助餐服务",
        targets="辖区内80周岁以上老人",
        qualification="在民政部门登记的社会组织，有助餐服务经验。",
    )
    page.wait_for_url(re.compile(r".*/demands/\d+/$"))


def test_subscribe_publish_deliver_express_and_call(journey, hp_unit, hp_purchaser, hp_org_user):
    organization = hp_org_user.organization
    organization.contact_phone = "021-54008888"
    organization.save()
    hp_org_user.email = "leling@example.org"
    hp_org_user.save()
    page = journey.page

    # The organization searches the demand listing for 养老服务 and subscribes to that search.
    journey.login(hp_org_user.username)
    journey.goto("/demands/", label="需求列表（社会组织）")
    page.get_by_label("项目类别").select_option(label="养老服务（全部）")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/demands/?*category=01*")
    page.locator("details.subscribe summary").click()
    page.get_by_label("订阅名称").fill("养老服务新需求")
    journey.check("订阅此搜索")
    press_and_see(
        journey, "保存订阅", lands_on="**/subscriptions/", says="已保存订阅“养老服务新需求”", label="我的订阅"
    )
    subscription = Subscription.objects.get(user=hp_org_user)
    assert subscription.filters == {"category": ["01"]}
    page.get_by_role("link", name=re.compile("修改.*养老服务新需求")).click()
    page.wait_for_url(f"**/subscriptions/{subscription.pk}/edit/")
    journey.check("修改订阅")
    page.context.clear_cookies()

    # A purchaser publishes a matching demand.
    journey.login(hp_purchaser.username)
    journey.goto("/demands/new/", label="发布需求")
    publish_demand(page)
    demand = Demand.objects.get(title=TITLE)
    page.context.clear_cookies()

    # The daily command delivers one 站内信 (and one e-mail with its unsubscribe link).
    call_command("send_subscriptions")
    (message,) = [m for m in mail.outbox if "订阅推送" in m.subject]
    assert message.to == ["leling@example.org"] and "List-Unsubscribe" in message.extra_headers

    # The organization opens it, follows its link and says 有意承接.
    journey.login(hp_org_user.username)
    journey.follow(page.get_by_role("link", name="站内信，1 条未读"), label="站内信（订阅推送）")
    page.get_by_role("link", name="订阅推送：1 条新信息").click()
    assert TITLE in page.locator("main").inner_text()
    journey.check("订阅推送内容")
    page.get_by_role("link", name="查看相关页面").click()
    page.wait_for_url(f"**/demands/{demand.pk}/")
    page.get_by_label("简要说明（选填，500 字以内）").fill("我们在南京东路街道运营两个长者食堂。")
    page.get_by_role("button", name="有意承接").click()
    page.wait_for_url(f"**/demands/{demand.pk}/")
    assert "已表达承接意向" in page.get_by_role("status").inner_text()
    assert Interest.objects.get(demand=demand).organization == organization
    page.context.clear_cookies()

    # The purchaser sees the interest, opens the organization's 主页 and its contacts.
    journey.login(hp_purchaser.username)
    page.get_by_role("link", name="站内信，1 条未读").click()
    page.get_by_role("link", name=f"新的承接意向：{TITLE}").click()
    page.get_by_role("link", name="查看相关页面").click()
    page.wait_for_url(f"**/demands/{demand.pk}/")
    section = page.locator("section", has=page.get_by_role("heading", name="承接意向"))
    assert organization.name in section.inner_text()
    section.get_by_role("link", name=organization.name).click()
    page.wait_for_url(f"**/organizations/{organization.pk}/")
    journey.check("社会组织主页（购买主体）")
    assert "021-54008888" in page.locator("main").inner_text()
    page.context.clear_cookies()

    # The e-mail's unsubscribe link, without login: a confirmation page, then done.
    link = re.search(r"/subscriptions/unsubscribe/([^/\s]+)/", message.body)
    assert subscriptions.from_unsubscribe_token(link.group(1)) == [subscription]
    link = link.group(0)
    journey.goto(link, label="确认退订")
    page.get_by_role("button", name="确认退订").click()
    assert "已退订" in page.get_by_role("status").inner_text()
    journey.check("已退订")
    subscription.refresh_from_db()
    assert not subscription.is_active
    journey.finish()
