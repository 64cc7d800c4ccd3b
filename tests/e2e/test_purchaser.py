"""A purchaser (南京东路街道办事处): logs in, publishes a demand with the form (after being told what
is missing), then batch-publishes with the Excel template: one bad row is named by row and column,
the purchaser fixes it, uploads again and confirms (R-DEM-2, R-DEM-3)."""

import re

import pytest

from demands.models import Demand
from tests.e2e.data import download_template, fill_from_example
from tests.e2e.steps import press_and_see, publish_demand_form, upload_for_preview

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_purchaser_publishes_by_form_and_by_excel(journey, hp_purchaser, tmp_path):
    page = journey.page
    journey.login(hp_purchaser.username)

    # 发布需求 by form: first without a title, as people do.
    page.get_by_role("link", name="发布需求").first.click()
    page.wait_for_url("**/demands/new/")
    journey.check("发布需求")
    publish_demand_form(
        page,
        budget="380,000",
        category="居家养老服务",
        targets="辖区内80周岁以上独居老人",
        qualification="在民政部门登记的社会组织，具有3年以上居家养老服务经验。",
    )
    summary = page.get_by_role("alert")
    assert "项目名称" in summary.inner_text()
    journey.check("发布需求（缺项目名称）")
    summary.get_by_role("link", name=re.compile("项目名称")).click()
    page.get_by_label("项目名称").fill("南京东路街道独居老人关爱服务项目")
    page.get_by_role("button", name="发布", exact=True).click()
    # (The browser keeps the #id_title fragment of the error summary's link through the redirect.)
    page.wait_for_url(re.compile(r".*/demands/\d+/(#.*)?$"))
    assert "需求已发布" in page.get_by_role("status").inner_text()
    journey.check("需求详情（已发布）")
    demand = Demand.objects.get(title="南京东路街道独居老人关爱服务项目")
    assert demand.status == "published" and demand.unit == hp_purchaser.purchaser_unit
    assert demand.budget == 380000

    # Excel 批量发布: the template, filled in with one bad row.
    journey.goto("/workbench/", check=False)
    page.get_by_role("link", name="Excel 批量发布").click()
    page.wait_for_url("**/demands/import/")
    journey.check("Excel 批量发布")
    workbook = download_template(page, tmp_path)
    sheet = workbook.worksheets[0]
    titles = ["外滩街道社区助餐点运营服务", "外滩街道老年人精神关爱服务"]
    column = fill_from_example(
        sheet, [{"项目名称": titles[0]}, {"项目名称": titles[1], "项目预算（元）": "十五万元"}]
    )
    bad_file = tmp_path / "需求批量发布.xlsx"
    workbook.save(bad_file)

    upload_for_preview(journey, bad_file, "demands", "预览（有一行有问题）")
    assert "有 1 行需要修改" in page.get_by_role("alert").inner_text()
    bad_row = page.locator("tbody tr").filter(has_text="第 3 行")
    assert bad_row.count() == 1
    assert "项目预算（元）" in bad_row.inner_text() and titles[1] in bad_row.inner_text()
    assert page.get_by_role("button", name="确认发布").count() == 0
    assert Demand.objects.filter(title__in=titles).count() == 0

    # Fixed in Excel, uploaded again, confirmed.
    sheet.cell(row=3, column=column["项目预算（元）"], value=150000)
    good_file = tmp_path / "需求批量发布（已修改）.xlsx"
    workbook.save(good_file)
    page.get_by_role("link", name="重新上传").first.click()
    page.wait_for_url("**/demands/import/")
    upload_for_preview(journey, good_file, "demands", "预览（全部通过）")
    assert "全部 2 行检查通过" in page.locator("main").inner_text()
    press_and_see(journey, "确认发布", lands_on="**/demands/mine/", says="已发布 2 个需求", label="我的需求")
    published = Demand.objects.filter(title__in=titles, status="published")
    assert sorted(published.values_list("budget", flat=True))[0] == 150000
    assert published.count() == 2
    journey.finish()
