"""A social organization (乐龄家园, 黄浦区): bulk-uploads its offers with the Excel template, then
withdraws (下架) one of them, which the public no longer sees (R-OFF-2, R-OFF-3)."""

import pytest

from offerings.models import Offering
from tests.e2e.data import download_template, fill_from_example
from tests.e2e.steps import press_and_see, upload_for_preview

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLES = ["乐龄长者助餐送餐服务", "乐龄认知症家庭照护者支持", "乐龄社区睦邻点运营服务"]


def test_organization_uploads_offers_and_withdraws_one(journey, hp_org_user, tmp_path):
    page = journey.page
    journey.login(hp_org_user.username)

    # Excel 批量上传 from the workbench: the template, three rows.
    page.get_by_role("link", name="Excel 批量上传").click()
    page.wait_for_url("**/offerings/import/")
    journey.check("Excel 批量上传")
    workbook = download_template(page, tmp_path)
    areas = ["黄浦区", "黄浦区、徐汇区", "全市"]
    fill_from_example(
        workbook.worksheets[0],
        [{"项目名称": title, "服务区域": area} for title, area in zip(TITLES, areas, strict=True)],
    )
    upload = tmp_path / "服务项目批量上传.xlsx"
    workbook.save(upload)

    upload_for_preview(journey, upload, "offerings", "预览")
    assert "全部 3 行检查通过" in page.locator("main").inner_text()
    press_and_see(journey, "确认保存", lands_on="**/offerings/mine/", says="新增 3 个", label="我的服务项目")
    offers = Offering.objects.filter(organization=hp_org_user.organization, title__in=TITLES)
    assert offers.count() == 3 and set(offers.values_list("status", flat=True)) == {"published"}

    # 下架 the second one, from the table of my offers.
    withdrawn = offers.get(title=TITLES[1])
    press_and_see(
        journey,
        f"下架 {withdrawn.title}",
        lands_on=f"**/offerings/{withdrawn.pk}/",
        says="服务项目已下架",
        label="服务项目（已下架）",
    )
    withdrawn.refresh_from_db()
    assert withdrawn.status == "withdrawn"
    assert offers.filter(status="published").count() == 2

    # The public listing no longer shows it; the other two are there.
    journey.goto("/offerings/?q=乐龄", label="服务项目列表")
    listing = page.locator("main").inner_text()
    assert TITLES[0] in listing and TITLES[2] in listing and TITLES[1] not in listing
    journey.finish()
