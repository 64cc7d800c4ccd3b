"""Issue 18: a visitor finds the 使用指南 in the footer and reads each role's guide; turns on 高对比度
(every page checked again with axe, 375 px and 长者模式 on top); a purchaser opens the link of a
reminder about a draft while logged out: the login page, then the draft."""

import pytest

from demands.models import Status
from tests.factories import PASSWORD, DemandFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_visitor_reads_the_guides_in_high_contrast(journey):
    page = journey.page
    journey.goto("/", label="首页")
    page.get_by_role("contentinfo").get_by_role("link", name="使用指南").click()
    page.wait_for_url("**/help/")
    journey.check("使用指南")
    for name in ("购买主体（政府部门、街镇）", "承接主体（社会组织）", "区级管理员（区民政局）"):
        page.get_by_role("main").get_by_role("link", name=name).first.click()
        page.wait_for_url("**/help/*/")
        assert "先做什么" in page.get_by_role("main").inner_text()
        journey.check(f"使用指南：{name}")

    page.get_by_role("link", name="高对比度").click()
    page.wait_for_selector("html.contrast")
    journey.check("使用指南（高对比度）")
    color = page.evaluate("getComputedStyle(document.querySelector('main p')).color")
    assert color == "rgb(0, 0, 0)"
    for path in ("/", "/demands/", "/data/"):
        journey.goto(path, label=f"{path}（高对比度）")
    page.get_by_role("link", name="标准配色").click()
    page.wait_for_function("!document.documentElement.classList.contains('contrast')")
    journey.finish()


def test_a_reminder_link_opened_logged_out_leads_through_the_login_to_the_draft(
    journey, hp_purchaser, hp_unit
):
    draft = DemandFactory(
        unit=hp_unit, status=Status.DRAFT, published_at=None, title="老年助餐点运营（草稿）"
    )
    page = journey.page
    page.goto(journey.url(f"/demands/{draft.pk}/"))
    page.wait_for_url(lambda url: "/accounts/login/?next=" in url)
    assert "该页面需要登录后查看" in page.get_by_role("status").inner_text()
    journey.check("登录（从提醒链接来）")
    page.get_by_label("用户名").fill(hp_purchaser.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**/demands/{draft.pk}/")
    assert "老年助餐点运营（草稿）" in page.get_by_role("heading", level=1).inner_text()
    journey.check("草稿需求（登录后）")
    journey.finish()
