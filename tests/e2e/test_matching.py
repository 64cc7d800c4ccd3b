"""对接 (issue 13), in the browser: an organization finds a matching demand on its 工作台 and says
有意承接; the purchaser is told by 站内信, opens it, sees the interest with the 第十四条 statement,
opens the organization's 主页 with its contacts and marks it 已联系. Every page passes axe-core and
the 375 px and 长者模式 checks (checks.py). The subscription and daily-command part of the issue's
journey is tests/e2e/test_matching_acceptance.py."""

import re

import pytest

from matching.models import Interest
from tests.e2e.steps import follow_the_unread_message, press_and_see
from tests.factories import DemandFactory
from tests.matching.conftest import category, offer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_organization_expresses_interest_and_the_purchaser_calls_it(
    journey, hp_unit, hp_purchaser, hp_org_user
):
    organization = hp_org_user.organization
    organization.contact_phone = "021-54009999"
    organization.save()
    offer(organization, "0101", title="乐龄居家照护服务")
    demand = DemandFactory(unit=hp_unit, category=category("0101"), title="南京东路街道居家养老服务项目")
    page = journey.page

    # The organization: its 工作台 suggests the demand; it says 有意承接.
    journey.login(hp_org_user.username)
    assert "南京东路街道居家养老服务项目" in page.locator("main").inner_text()
    page.get_by_role("link", name="南京东路街道居家养老服务项目").click()
    page.wait_for_url(f"**/demands/{demand.pk}/")
    journey.check("需求页（社会组织）")
    page.get_by_label("简要说明（选填，500 字以内）").fill("我们在黄浦区开展居家养老服务十年。")
    page.get_by_label("相关的服务项目（选填）").select_option(label="乐龄居家照护服务")
    press_and_see(
        journey,
        "有意承接",
        lands_on=f"**/demands/{demand.pk}/",
        says="已表达承接意向",
        label="已表达承接意向",
    )
    page.context.clear_cookies()

    # The purchaser: the 站内信, the demand with the interest, the organization's 主页 and contacts.
    journey.login(hp_purchaser.username)
    follow_the_unread_message(journey, "新的承接意向：南京东路街道居家养老服务项目")
    page.wait_for_url(f"**/demands/{demand.pk}/")
    journey.check("需求页（购买主体）")
    section = page.locator("section", has=page.get_by_role("heading", name="承接意向"))
    text = section.inner_text()
    assert organization.name in text and "第十四条" in text and "021-54009999" in text
    section.get_by_role("link", name=organization.name).click()
    page.wait_for_url(f"**/organizations/{organization.pk}/")
    journey.check("社会组织主页")
    assert "021-54009999" in page.locator("main").inner_text()
    journey.goto(f"/demands/{demand.pk}/", check=False)
    page.get_by_role("button", name=re.compile(f"标记为已联系.*{organization.name}")).click()
    page.wait_for_url(f"**/demands/{demand.pk}/")
    journey.check("已联系")
    assert Interest.objects.get(demand=demand).status == "contacted"
    journey.goto(f"/units/{hp_unit.pk}/", label="购买主体主页")
    journey.goto("/search/?q=乐龄家园", label="搜索社会组织")
    journey.finish()
