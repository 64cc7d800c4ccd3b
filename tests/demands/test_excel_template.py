"""Excel 批量发布 (R-DEM-3, R-GEN-3): the template a purchaser downloads (starred required headers,
an example row, drop-downs, instructions), that it uploads as it is, and who may use the import pages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from demands import importing
from portal.models import ImportBatch
from tests.demands.excel_helpers import (
    TEMPLATE_NAME,
    XLSX_TYPE,
    Preview,
    demand_count,
    good_rows,
    upload,
    xlsx_file,
)
from tests.xlsx import assert_xlsx_download, list_values, validations_by_header

# --- the template --------------------------------------------------------------------------


def test_the_template_is_an_xlsx_download_with_a_chinese_file_name(login, hp_purchaser):
    response = login(hp_purchaser).get(reverse("demands:import_template"))

    assert_xlsx_download(response, TEMPLATE_NAME)


def test_the_template_has_starred_required_headers_an_example_row_drop_downs_and_instructions(
    login, hp_purchaser
):
    response = login(hp_purchaser).get(reverse("demands:import_template"))
    workbook = load_workbook(io.BytesIO(response.content))
    ws = workbook.worksheets[0]
    columns = importing.columns()

    headers = [cell.value for cell in ws[1]]
    assert headers == [("*" if c.required else "") + c.header for c in columns]
    assert "*项目名称" in headers and "*项目预算（元）" in headers and "服务街镇" in headers
    assert "其他信息" in headers and "*其他信息" not in headers

    example = {c.header: ws.cell(row=2, column=i).value for i, c in enumerate(columns, start=1)}
    assert example["项目名称"] == "南京东路街道社区居家养老服务项目"
    assert example["项目预算（元）"] == 380000
    assert example["项目类别"] == "养老服务/居家养老服务"
    assert example["服务区域（区）"] == "黄浦区"

    validations = validations_by_header(ws)
    for header in ("项目类别", "服务区域（区）", "购买服务类型"):
        assert header in validations, f"no drop-down on {header}"
        assert validations[header].type == "list"
    categories = list_values(workbook, validations["项目类别"].formula1)
    assert "养老服务/居家养老服务" in categories and "残疾人服务/康复服务" in categories
    districts = list_values(workbook, validations["服务区域（区）"].formula1)
    assert "黄浦区" in districts and "徐汇区" in districts and len(districts) == 16
    purchase_types = list_values(workbook, validations["购买服务类型"].formula1)
    assert "基本公共服务" in purchase_types
    assert "补贴、资助类" not in purchase_types and "政府履职所需辅助性事项" not in purchase_types

    assert "填写说明" in workbook.sheetnames
    guide = "\n".join(str(c.value) for row in workbook["填写说明"].iter_rows() for c in row if c.value)
    assert "带 * 的列必填" in guide or "必填" in guide


def test_the_downloaded_template_uploaded_as_it_is_previews_its_example_row(login, hp_purchaser):
    client = login(hp_purchaser)
    template = client.get(reverse("demands:import_template")).content

    response = upload(client, SimpleUploadedFile(TEMPLATE_NAME, template, content_type=XLSX_TYPE))
    assert response.status_code == 302
    preview = Preview(client.get(response["Location"]))

    assert (preview.total, preview.new, preview.error_rows) == (1, 1, 0)
    assert preview.rows[2]["title"] == "南京东路街道社区居家养老服务项目"


@pytest.mark.parametrize("url_name", ["demands:import_template", "demands:import"])
def test_users_who_are_not_purchasers_are_refused_the_import_pages(
    login, url_name, hp_admin, hp_org_user, city_admin
):
    for user in (hp_admin, hp_org_user, city_admin):
        response = login(user).get(reverse(url_name))
        assert response.status_code == 403, user.username


def test_a_district_admin_cannot_upload_a_file(login, hp_admin, hp_unit):
    response = upload(login(hp_admin), xlsx_file(good_rows(2)))

    assert response.status_code == 403
    assert ImportBatch.objects.count() == 0
    assert demand_count() == 0


@pytest.mark.parametrize("url_name", ["demands:import_template", "demands:import"])
def test_visitors_are_sent_to_the_login_page(client, db, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
