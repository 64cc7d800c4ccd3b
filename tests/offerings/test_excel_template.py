"""Excel 批量上传 of offers (R-OFF-3): the template an organization downloads, and that it uploads as
it is to a preview of its example row."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from offerings import importing
from tests.offerings.excel_helpers import (
    SHEET,
    TEMPLATE_NAME,
    header_of,
    offer_count,
    upload_and_follow,
)
from tests.xlsx import assert_xlsx_download, list_values, validations_by_header

pytestmark = pytest.mark.django_db


# --- the template ------------------------------------------------------------------------------------------


def test_the_template_is_an_xlsx_download_with_a_chinese_file_name(login, hp_org_user):
    """R-OFF-3."""
    response = login(hp_org_user).get(reverse("offerings:import_template"))

    assert_xlsx_download(response, TEMPLATE_NAME)


def test_the_template_has_starred_headers_an_example_row_drop_downs_date_formats_and_instructions(
    login, hp_org_user
):
    """R-OFF-3, R-OFF-1/2: the template says what is required and how to fill each column."""
    workbook = load_workbook(io.BytesIO(login(hp_org_user).get(reverse("offerings:import_template")).content))
    ws = workbook.worksheets[0]
    assert ws.title == SHEET
    columns = importing.columns()

    headers = [cell.value for cell in ws[1]]
    assert headers == [header_of(c) for c in columns]
    for required in (
        "*项目名称",
        "*项目类别",
        "*项目简介",
        "*服务对象",
        "*服务区域",
        "*联系人",
        "*联系电话",
        "*曾被政府购买",
    ):
        assert required in headers
    for optional in (
        "编号",
        "社会组织名称",
        "联系邮箱",
        "购买方名称",
        "购买金额（元）",
        "实施开始日期",
        "实施结束日期",
    ):
        assert optional in headers

    letter = {cell.value.lstrip("*"): cell.column_letter for cell in ws[1]}
    example = {h: ws[f"{col}2"].value for h, col in letter.items()}
    assert example["项目名称"] == "社区长者助餐服务"
    assert example["项目类别"] == "养老服务/老年助餐服务"
    assert example["服务区域"] == "黄浦区、徐汇区"
    assert example["曾被政府购买"] == "否"
    assert example["编号"] is None

    for header in ("实施开始日期", "实施结束日期"):
        assert ws.column_dimensions[letter[header]].number_format == "yyyy-mm-dd"
        assert ws[f"{letter[header]}2"].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions[letter["购买金额（元）"]].number_format == "#,##0.00"

    validations = validations_by_header(ws)
    assert validations["项目类别"].type == "list"
    categories = list_values(workbook, validations["项目类别"].formula1)
    assert "养老服务/老年助餐服务" in categories and "残疾人服务/康复服务" in categories
    assert all("/" in c for c in categories)  # only second-level categories
    assert validations["曾被政府购买"].type == "list"
    assert validations["曾被政府购买"].formula1 == '"是,否"'

    assert "填写说明" in workbook.sheetnames
    guide = "\n".join(str(c.value) for row in workbook["填写说明"].iter_rows() for c in row if c.value)
    assert "带 * 的列必填" in guide
    assert "曾被政府购买" in guide and "购买方名称" in guide
    assert "编号" in guide and "全市" in guide and "浦东新区" in guide


def test_the_downloaded_template_uploaded_as_it_is_previews_its_example_row(login, hp_org_user):
    """R-OFF-3: the example row is valid."""
    client = login(hp_org_user)
    template = client.get(reverse("offerings:import_template")).content

    preview, _ = upload_and_follow(client, template, name=TEMPLATE_NAME)

    assert preview.counts == {"total": 1, "new": 1, "update": 0, "unchanged": 0, "error_rows": 0}
    assert preview.rows[2]["title"] == "社区长者助餐服务"
    assert preview.can_confirm
    assert offer_count() == 0
