"""A district administrator (黄浦区民政局) reviews a self-recommendation to the 推荐目录 and passes it
to the city with an opinion (R-DIR-3)."""

import pytest

from directory.models import Application, AppStatus
from tests.e2e.data import collecting_edition, submitted_application
from tests.e2e.steps import open_for_review, save_review

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_district_admin_passes_an_application(journey, hp_admin, hp_org_user):
    application = submitted_application(hp_org_user, collecting_edition())
    assert application.status == AppStatus.DISTRICT
    organization = hp_org_user.organization
    page = journey.page

    journey.login(hp_admin.username)
    open_for_review(journey, application, list_label="推荐目录审核", label="审核自荐申请")
    main = page.locator("main").inner_text()
    assert organization.name in main and "长者助餐服务" in main and "购买主体推荐意见表.pdf" in main

    save_review(page, "通过，报送市民政局", "材料齐全，服务项目真实，同意报送市民政局。")
    assert "审核结果已保存" in page.get_by_role("status").inner_text()
    journey.check("推荐目录审核（已审核）")

    application.refresh_from_db()
    assert application.status == AppStatus.CITY
    step = application.steps.order_by("-pk").first()
    assert step.by == hp_admin and step.opinion == "材料齐全，服务项目真实，同意报送市民政局。"
    assert Application.objects.filter(status=AppStatus.DISTRICT).count() == 0
    journey.finish()
