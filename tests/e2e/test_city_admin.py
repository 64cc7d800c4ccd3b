"""The city administrator (市民政局): approves an application the district passed, publishes the
year's 推荐目录 in the admin site (R-DIR-4), sees it on the public directory, then opens the
statistics dashboard and the public 数据概览."""

import pytest
from django.urls import reverse

from directory import services
from directory.models import AppStatus, EditionStatus
from tests.e2e.data import collecting_edition, submitted_application
from tests.e2e.steps import open_for_review, save_review

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def edition_in_review(city_admin, hp_admin, hp_org_user):
    """This year's edition, 审核中, with one application the 黄浦区 administrator passed."""
    edition = collecting_edition()
    application = submitted_application(hp_org_user, edition)
    services.district_review(application=application, by=hp_admin, passed=True, opinion="同意报送。")
    services.edition_advance(edition=edition, by=city_admin, to=EditionStatus.REVIEWING)
    return edition, application


def test_city_admin_approves_publishes_and_reads_the_figures(journey, city_admin, edition_in_review):
    edition, application = edition_in_review
    organization = application.organization
    page = journey.page
    journey.login(city_admin.username)

    # The application the district passed: approved with an opinion.
    open_for_review(journey, application, list_label="推荐目录审核（市级）", label="市级审核")
    save_review(page, "通过，列入推荐目录", "服务规范，专业能力突出，同意列入推荐目录。")
    journey.check("推荐目录审核（已审核）")
    application.refresh_from_db()
    assert application.status == AppStatus.APPROVED

    # Publishing the edition: a list action in the admin site.
    journey.goto("/workbench/", check=False)
    page.get_by_role("link", name="管理推荐目录年度").click()
    page.wait_for_url("**/admin/directory/edition/")
    journey.check("管理后台：推荐目录年度")
    row = page.locator("#result_list tbody tr").filter(has_text=str(edition.year))
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label="发布目录（已发布）")
    page.locator("button[name=index], input[name=index]").first.click()
    # Before confirming, the page says what changes for the public (issue 18).
    page.get_by_role("heading", name="确认发布推荐目录").wait_for()
    journey.check("管理后台：确认发布")
    page.get_by_role("button", name="确认发布").click()
    page.wait_for_url("**/admin/directory/edition/")
    assert "已改为“已发布”" in page.locator(".messagelist").inner_text()
    journey.check("管理后台：已发布")
    edition.refresh_from_db()
    assert edition.status == EditionStatus.PUBLISHED

    # The public directory of the year lists the organization.
    journey.goto(f"/directory/{edition.year}/", label="推荐目录（公开）")
    assert organization.name in page.locator("main").inner_text()

    # The statistics dashboard (from the workbench) and the public 数据概览 (main navigation).
    journey.goto("/workbench/", check=False)
    page.get_by_role("link", name="统计分析").click()
    page.wait_for_url(f"**{reverse('dashboard:stats')}")
    journey.check("统计分析")
    headline = page.locator("main").inner_text()
    assert "统计分析" in headline and "推荐目录成员" in headline
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="数据概览").click()
    page.wait_for_url(f"**{reverse('dashboard:overview')}")
    journey.check("数据概览")
    assert page.get_by_role("heading", level=1).count() == 1
    journey.finish()
