"""A directory review that notifies the organization (issue 18, R-DIR-3): the 黄浦区民政局 returns a
self-recommendation with its reason; the organization logs in, sees the unread 站内信 in the header,
reads the reason and follows the message to its applications, where it can fix and resubmit."""

import pytest

from directory.models import AppStatus
from inbox.models import Kind, Notification
from tests.e2e.data import collecting_edition, submitted_application

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REASON = "推荐意见表未加盖购买主体公章，请补充盖章后重新提交。"


def test_a_returned_application_reaches_the_organization(journey, hp_admin, hp_org_user):
    application = submitted_application(hp_org_user, collecting_edition())
    organization = hp_org_user.organization
    page = journey.page

    journey.login(hp_admin.username)
    journey.goto(f"/directory/review/{application.pk}/", label="审核自荐申请")
    assert "信用记录" in page.locator("main").inner_text()  # the credit history beside the application
    page.get_by_label("退回修改").check()
    page.get_by_label("审核意见").fill(REASON)
    page.get_by_role("button", name="保存审核结果").click()
    page.wait_for_url("**/directory/review/")
    application.refresh_from_db()
    assert application.status == AppStatus.RETURNED
    page.get_by_role("button", name="退出登录").click()

    journey.login(hp_org_user.username)
    journey.follow(page.get_by_role("link", name="站内信，1 条未读"), label="站内信")
    journey.follow(page.get_by_role("link", name="自荐申请已退回修改（"), label="退回通知")
    main = page.locator("main").inner_text()
    assert REASON in main and organization.name in main and "黄浦区民政局" in main
    page.get_by_role("link", name="查看相关页面").click()
    page.wait_for_url("**/directory/mine/")
    journey.check("我的自荐申请")
    assert "已退回修改" in page.locator("main").inner_text()

    note = Notification.objects.get(recipient=hp_org_user, kind=Kind.DIRECTORY)
    assert note.read_at is not None
    journey.finish()
