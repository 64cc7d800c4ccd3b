"""The pages of issue 18 as their users meet them, each checked (axe-core, 375 px, 长者模式): a purchaser
copies last year's demand into a draft and previews it as the public will see it; a visitor opens an
old link to a withdrawn offer; the city opens the removal page of a directory member."""

import datetime

import pytest
from django.utils import timezone

from demands.models import Demand, Status
from directory.models import Application, AppStatus, EditionStatus
from offerings import services as offering_services
from tests.e2e.data import collecting_edition
from tests.factories import DemandFactory
from tests.offerings.helpers import OfferingFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_copy_and_preview_a_demand(journey, hp_purchaser):
    year = timezone.localdate().year - 1
    old = DemandFactory(
        unit=hp_purchaser.purchaser_unit,
        title="南京东路街道独居老人关爱服务项目",
        year=year,
        period_start=datetime.date(year, 3, 1),
        period_end=datetime.date(year, 12, 31),
    )
    page = journey.page
    journey.login(hp_purchaser.username)
    journey.goto(f"/demands/{old.pk}/", label="去年的需求")
    page.get_by_role("button", name="复制为新草稿").click()
    page.wait_for_url("**/edit/")
    journey.check("复制后的草稿")
    copy = Demand.objects.exclude(pk=old.pk).get()
    assert copy.status == Status.DRAFT and copy.year == year + 1

    journey.goto(f"/demands/{copy.pk}/", label="草稿")
    page.get_by_role("link", name="预览公开页面").click()
    page.wait_for_url("**/preview/")
    journey.check("预览")
    main = page.locator("main").inner_text()
    assert "预览" in main and "已发布" in main and "联系方式仅对登录用户显示" in main
    journey.finish()


def test_old_links_and_member_removal(journey, hp_org_user, city_admin):
    offer = OfferingFactory(organization=hp_org_user.organization, title="乐龄长者助餐服务")
    offering_services.offering_withdraw(offering=offer, by=hp_org_user)
    page = journey.page
    response = page.goto(journey.url(f"/offerings/{offer.pk}/"))
    assert response.status == 200
    journey.check("已下架")
    assert "已下架" in page.locator("main").inner_text()

    edition = collecting_edition()
    edition.status = EditionStatus.PUBLISHED
    edition.published_at = timezone.now()
    edition.save()
    member = Application.objects.create(
        edition=edition, organization=hp_org_user.organization, status=AppStatus.APPROVED
    )
    journey.login(city_admin.username)
    journey.goto(f"/directory/{edition.year}/", label="推荐目录（城市管理员）")
    page.locator(f"a[href='/directory/members/{member.pk}/remove/']").click()
    page.wait_for_url(f"**/directory/members/{member.pk}/remove/")
    journey.check("移出成员")
    page.get_by_label("移出原因").fill("佐证项目存在虚假信息，经核查属实。")
    page.get_by_role("button", name="确认移出").click()
    page.wait_for_url(f"**/directory/{edition.year}/")
    journey.check("目录（已移出）")
    assert "已移出目录" in page.locator("main").inner_text()
    member.refresh_from_db()
    assert member.status == AppStatus.REMOVED
    journey.finish()
