"""A visitor, not logged in: home page, search 养老, filter the demand listing, open a demand (no
contact details shown, R-ACC-4), and leave a message in 留言区 (honeypot left alone, the sum solved
from the page text as a person would)."""

import re
from decimal import Decimal

import pytest

from notices.models import Message
from portal.models import Category
from tests.factories import DemandFactory, OfferingFactory, PurchaserUnitFactory, district

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def published(hp_unit, xh_unit, hp_org):
    elderly = Category.objects.get(code="0101")
    disabled = Category.objects.get(code="0201")
    return {
        "hp_elderly": DemandFactory(
            title="南京东路街道社区居家养老服务项目",
            unit=hp_unit,
            category=elderly,
            budget=Decimal("380000"),
            contact_person="王晓红",
            contact_phone="021-63219876",
            contact_email="wangxh@example.gov.cn",
        ),
        "xh_elderly": DemandFactory(title="徐家汇街道老年助餐养老服务", unit=xh_unit, category=elderly),
        "xh_disabled": DemandFactory(
            title="徐家汇街道残疾人康复服务",
            unit=xh_unit,
            category=disabled,
            service_targets="辖区内持证残疾人",
            qualification="具有3年以上残疾人康复服务经验",
        ),
        "city": DemandFactory(
            title="全市社区养老顾问点运营评估",
            unit=PurchaserUnitFactory(name="上海市民政局", level="city", district=None),
            district=district("黄浦区"),
            category=elderly,
        ),
        "offer": OfferingFactory(organization=hp_org, title="乐龄长者助餐养老服务"),
    }


def test_visitor_searches_filters_reads_and_leaves_a_message(journey, published):
    page = journey.page
    demand = published["hp_elderly"]

    # Home page, and the search box on it.
    journey.goto("/", label="首页")
    page.get_by_label("关键词").fill("养老")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/search/?q=*")
    journey.check("搜索 养老")
    results = page.locator("main")
    for item in ("hp_elderly", "xh_elderly", "city", "offer"):
        assert results.get_by_text(published[item].title).count() >= 1, item
    assert results.get_by_text(published["xh_disabled"].title).count() == 0

    # The demand listing, filtered to 黄浦区 养老服务.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我要购买服务").click()
    page.wait_for_url("**/demands/")
    journey.check("需求列表")
    page.get_by_label("服务区域").select_option(label="黄浦区")
    page.get_by_label("项目类别").select_option(label="养老服务（全部）")
    page.get_by_label("关键词").fill("养老")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url(re.compile(r".*/demands/\?.*district=.*"))
    journey.check("需求列表（黄浦区 养老服务）")
    listing = page.locator("main ul.list-unstyled")
    titles = listing.get_by_role("heading").all_inner_texts()
    assert any(demand.title in t for t in titles), titles
    assert any(published["city"].title in t for t in titles), titles
    assert not any("徐家汇" in t for t in titles), titles

    # A demand's page: everything but the contact details.
    listing.get_by_role("link", name=demand.title).click()
    page.wait_for_url(f"**/demands/{demand.pk}/")
    journey.check("需求详情（访客）")
    main_text = page.locator("main").inner_text()
    assert demand.title in main_text and "380,000" in main_text
    for secret in (demand.contact_person, demand.contact_phone, demand.contact_email):
        assert secret not in page.content(), secret
    assert "联系方式仅对登录用户显示" in main_text

    # 留言区: the honeypot stays empty, the sum is read off the page.
    journey.goto("/messages/", label="留言区")
    page.get_by_label("称呼").fill("张阿姨")
    page.get_by_label("联系方式").fill("13900001234")
    page.get_by_label("主题").fill("希望增加更多助餐服务信息")
    page.get_by_label("留言内容").fill("我家附近的老人助餐点不多，希望平台能多发布一些助餐服务项目。谢谢！")
    question = page.get_by_text(re.compile(r"验证问题：\d+ 加 \d+ 等于多少")).first.inner_text()
    a, b = map(int, re.search(r"(\d+) 加 (\d+)", question).groups())
    page.get_by_label(re.compile("验证问题")).fill(str(a + b))
    assert page.locator("input[name=website]").input_value() == ""
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url("**/messages/done/")
    journey.check("留言已提交")
    message = Message.objects.get()
    assert message.status == Message.Status.PENDING and message.subject == "希望增加更多助餐服务信息"
    assert message.number in page.locator("main").inner_text()
    journey.finish()
