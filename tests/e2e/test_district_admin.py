"""A district administrator (黄浦区民政局) reviews a self-recommendation to the 推荐目录 and passes it
to the city with an opinion (R-DIR-3)."""

import pytest

from directory.models import Application, AppStatus
from tests.e2e.data import collecting_edition, submitted_application

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_district_admin_passes_an_application(journey, hp_admin, hp_org_user):
    application = submitted_application(hp_org_user, collecting_edition())
    assert application.status == AppStatus.DISTRICT
    organization = hp_org_user.organization
    page = journey.page

    journey.login(hp_admin.username)
    page.get_by_role("link", name="推荐目录审核").click()
    page.wait_for_url("**/directory/review/")
    journey.check("推荐目录审核")
    page.get_by_role("link", name=f"打开 {organization.name}").click()
    page.wait_for_url(f"**/directory/review/{application.pk}/")
    journey.check("审核自荐申请")
    main = page.locator("main").inner_text()
    assert organization.name in main and "长者助餐服务" in main and "购买主体推荐意见表.pdf" in main

    page.get_by_label("通过，报送市民政局").check()
    page.get_by_label("审核意见").fill("材料齐全，服务项目真实，同意报送市民政局。")
    page.get_by_role("button", name="保存审核结果").click()
    page.wait_for_url("**/directory/review/")
    assert "审核结果已保存" in page.get_by_role("status").inner_text()
    journey.check("推荐目录审核（已审核）")

    application.refresh_from_db()
    assert application.status == AppStatus.CITY
    step = application.steps.order_by("-pk").first()
    assert step.by == hp_admin and step.opinion == "材料齐全，服务项目真实，同意报送市民政局。"
    assert Application.objects.filter(status=AppStatus.DISTRICT).count() == 0
    journey.finish()
