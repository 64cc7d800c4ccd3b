"""Excel 批量上传 of offers: what is refused. Bad files of every kind get a clear Chinese message and
nothing is saved (R-GEN-3); every rule of the web form applies to each row (R-OFF-1/2), and one wrong
row among thousands saves nothing (R-OFF-3)."""

import io
import zipfile

import pytest
from django.urls import reverse

from offerings import importing
from offerings.models import Offering
from portal.models import ImportBatch
from tests.factories import OfferingFactory
from tests.html import text
from tests.jobs_helpers import confirm_through_job
from tests.offerings.excel_helpers import (
    SHEET,
    assert_chinese_without_python,
    example_row,
    file_errors,
    good_rows,
    header_of,
    offer_count,
    purchased,
    to_bytes,
    upload,
    upload_and_follow,
    workbook_for,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


# --- whole-file problems -----------------------------------------------------------------------------------------


def _corrupt_xlsx():
    content = xlsx_bytes(good_rows(3))
    return content[: len(content) // 2]


def _zip_without_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


BAD_FILES = [
    pytest.param(
        "项目名称,项目类别\n社区长者助餐服务,养老服务/老年助餐服务\n".encode("utf-8-sig"),
        ".xlsx",
        id="csv-renamed",
    ),
    pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, ".xlsx", id="xls-renamed"),
    pytest.param(b"PK\x03\x04broken", "", id="corrupt-zip"),
    pytest.param(_corrupt_xlsx, "", id="truncated-xlsx"),
    pytest.param(_zip_without_workbook, "", id="zip-that-is-not-a-workbook"),
    pytest.param(b"", "", id="empty-file"),
    pytest.param("这是一段文字，不是表格。".encode(), "", id="plain-text"),
]


@pytest.mark.parametrize(("content", "expected"), BAD_FILES)
def test_a_file_that_is_not_an_xlsx_workbook_gets_a_chinese_message_and_nothing_is_kept(
    login, hp_org_user, content, expected
):
    """R-GEN-3, R-OFF-3."""
    if callable(content):
        content = content()
    response = upload(login(hp_org_user), content, name="服务项目.xlsx")

    messages = file_errors(response)
    assert messages
    for message in messages:
        assert_chinese_without_python(message)
        assert message in text(response)
    assert expected in " ".join(messages)
    assert ImportBatch.objects.count() == 0
    assert offer_count() == 0


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(login, hp_org_user, settings):
    settings.EXCEL_MAX_UPLOAD_BYTES = 4096

    response = upload(login(hp_org_user), good_rows(300))

    message = " ".join(file_errors(response))
    assert "文件大小超过" in message and "MB" in message
    assert ImportBatch.objects.count() == 0
    assert offer_count() == 0


def test_wrong_headers_name_the_missing_and_the_unknown_columns(login, hp_org_user):
    columns = [c for c in importing.columns() if c.key not in ("title", "contact_phone")]
    headers = [header_of(c) for c in columns] + ["备注"]
    rows = [example_row()]

    response = upload(login(hp_org_user), xlsx_bytes(rows, columns=columns, headers=headers))

    message = " ".join(file_errors(response))
    assert "缺少列" in message and "“项目名称”" in message and "“联系电话”" in message
    assert "无法识别的列" in message and "“备注”" in message
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("first_row", ["blanked", "absent"])
def test_a_sheet_without_headers_is_refused(login, hp_org_user, first_row):
    """R-GEN-3: the header row was cleared (or never there) and the data starts in row 2."""
    columns = importing.columns()
    workbook = workbook_for([], headers=[])
    ws = workbook.active
    if first_row == "blanked":
        ws["A1"] = " "
    row = example_row()
    for index, column in enumerate(columns, start=1):
        ws.cell(row=2, column=index, value=row[column.key] or None)

    message = " ".join(file_errors(upload(login(hp_org_user), to_bytes(workbook))))

    assert "表头" in message
    assert_chinese_without_python(message)
    assert ImportBatch.objects.count() == 0


def test_a_sheet_with_data_but_the_headers_of_another_form_is_refused(login, hp_org_user):
    headers = ["项目名称", "项目预算（元）", "年度"]
    workbook = workbook_for([], headers=headers)
    workbook.active.append(["社区养老", 380000, 2026])

    message = " ".join(file_errors(upload(login(hp_org_user), to_bytes(workbook))))

    assert "表头与模板不一致" in message and "“项目预算（元）”" in message
    assert ImportBatch.objects.count() == 0


def test_an_empty_workbook_is_refused(login, hp_org_user):
    workbook = workbook_for([], headers=[])

    message = " ".join(file_errors(upload(login(hp_org_user), to_bytes(workbook))))

    assert "表头" in message
    assert ImportBatch.objects.count() == 0


def test_a_file_with_a_header_only_is_refused(login, hp_org_user):
    message = " ".join(file_errors(upload(login(hp_org_user), [])))

    assert "没有数据行" in message
    assert ImportBatch.objects.count() == 0


def test_the_upload_form_requires_a_file(login, hp_org_user):
    response = login(hp_org_user).post(reverse("offerings:import"), {})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert ImportBatch.objects.count() == 0


# --- every rule applies to each row --------------------------------------------------------------------------

REFUSED = [
    pytest.param(purchased(purchase_amount="五万"), "购买金额（元）", ["以元为单位"], id="amount-in-chinese"),
    pytest.param(purchased(purchase_amount="15万"), "购买金额（元）", ["以元为单位"], id="amount-in-wan"),
    pytest.param(purchased(purchase_amount="-3"), "购买金额（元）", ["大于 0"], id="amount-negative"),
    pytest.param(purchased(purchase_amount=0), "购买金额（元）", ["大于 0"], id="amount-zero"),
    pytest.param(
        purchased(purchase_amount="150000.123"), "购买金额（元）", ["两位小数"], id="amount-fractions"
    ),
    pytest.param(
        purchased(implementation_start="2024-07-01", implementation_end="2024-06-30"),
        "实施结束日期",
        ["不能早于"],
        id="end-before-start",
    ),
    pytest.param(
        purchased(implementation_start="明年七月"), "实施开始日期", ["日期格式"], id="date-in-words"
    ),
    pytest.param(
        purchased(implementation_end="2024-02-30"), "实施结束日期", ["2月只有29天"], id="february-30"
    ),
    pytest.param(
        purchased(purchaser_name=None), "购买方名称", ["购买方名称"], id="purchased-without-purchaser"
    ),
    pytest.param(
        purchased(purchase_amount=None), "购买金额（元）", ["购买金额"], id="purchased-without-amount"
    ),
    pytest.param(
        purchased(implementation_place=None), "实施地点", ["实施地点"], id="purchased-without-place"
    ),
    pytest.param(
        purchased(implementation_start=None), "实施开始日期", ["开始日期"], id="purchased-without-start"
    ),
    pytest.param(
        purchased(implementation_end=None), "实施结束日期", ["结束日期"], id="purchased-without-end"
    ),
    pytest.param({"service_area": "浦东"}, "服务区域", ["不是上海市的区", "浦东"], id="unknown-district"),
    pytest.param({"service_area": "黄浦区、火星区"}, "服务区域", ["火星区"], id="one-unknown-district"),
    pytest.param({"service_area": "全市、黄浦区"}, "服务区域", ["全市"], id="citywide-and-a-district"),
    pytest.param({"service_area": None}, "服务区域", ["必填"], id="area-missing"),
    pytest.param(
        {"organization_name": "上海市徐汇区启明助残服务社"},
        "社会组织名称",
        ["不一致"],
        id="another-organization",
    ),
    pytest.param({"category": "养老"}, "项目类别", ["下拉列表"], id="unknown-category"),
    pytest.param({"category": "养老服务"}, "项目类别", ["下拉列表"], id="top-level-category"),
    pytest.param({"previously_purchased": "可能"}, "曾被政府购买", ["是", "否"], id="yes-no-in-words"),
    pytest.param({"previously_purchased": None}, "曾被政府购买", ["必填"], id="yes-no-missing"),
    pytest.param({"title": None}, "项目名称", ["必填"], id="title-missing"),
    pytest.param({"title": "养" * 101}, "项目名称", ["不能超过100个字"], id="title-too-long"),
    pytest.param({"contact_phone": None}, "联系电话", ["必填"], id="phone-missing"),
    pytest.param({"contact_email": "li@"}, "联系邮箱", [], id="bad-email"),
    pytest.param({"row_id": "第一个"}, "编号", ["整数"], id="number-in-words"),
]


@pytest.mark.parametrize(("overrides", "header", "fragments"), REFUSED)
def test_every_rule_of_the_form_applies_to_each_row(login, hp_org_user, xh_org, overrides, header, fragments):
    """R-OFF-1/2/3, R-GEN-3: the bad row (Excel row 4) is named with its column and reason, in Chinese;
    confirming anyway saves nothing."""
    client = login(hp_org_user)
    rows = [*good_rows(2), example_row(**{"title": "有问题的一行", **overrides})]

    preview, url = upload_and_follow(client, rows)

    assert preview.rows_with_errors == [4], preview.rows
    message = preview.error_for(4, header)
    assert message, f"row 4 should have an error on {header}: {preview.errors(4)}"
    assert_chinese_without_python(message)
    for fragment in fragments:
        assert fragment in message
    assert not preview.can_confirm

    assert client.post(url).status_code == 200
    assert offer_count() == 0
    assert Offering.history.model.objects.count() == 0


def test_a_formula_in_a_cell_is_refused_by_row_and_column(login, hp_org_user):
    """R-GEN-3: a formula is never trusted for its cached value."""
    workbook = workbook_for(good_rows(3))
    workbook[SHEET]["D2"] = "=1+1"  # 项目类别 of the first row
    workbook[SHEET]["E4"] = '=CONCATENATE("为老","服务")'  # 项目简介 of the third row

    preview, url = upload_and_follow(login(hp_org_user), to_bytes(workbook))

    assert preview.rows_with_errors == [2, 4]
    assert "公式" in preview.error_for(2, "项目类别")
    assert "公式" in preview.error_for(4, "项目简介")
    assert not preview.can_confirm
    assert offer_count() == 0


def test_the_last_of_a_few_hundred_rows_being_wrong_saves_nothing(login, hp_org_user):
    """R-OFF-3: all rows or none."""
    client = login(hp_org_user)
    rows = good_rows(400)
    rows[-1].update(purchased(purchase_amount="五万"))  # Excel row 401

    preview, url = upload_and_follow(client, rows)

    assert (preview.total, preview.error_rows) == (400, 1)
    assert preview.rows_with_errors == [401]
    assert "以元为单位" in preview.error_for(401, "购买金额（元）")
    job = confirm_through_job(client, url)  # above JOB_IMPORT_ROWS rows: a job, ending back at the preview
    assert (job.status, job.result_url) == ("failed", url)
    assert offer_count() == 0
    assert Offering.history.model.objects.count() == 0


def test_two_thousand_rows_with_the_last_one_wrong_save_nothing(login, hp_org_user):
    """R-OFF-3: the same at 2,000 rows."""
    client = login(hp_org_user)
    rows = good_rows(2000)
    rows[-1]["service_area"] = "全市、黄浦区"  # Excel row 2001

    preview, url = upload_and_follow(client, rows)

    assert (preview.total, preview.error_rows) == (2000, 1)
    assert preview.rows_with_errors == [2001]
    assert "全市" in preview.error_for(2001, "服务区域")
    assert confirm_through_job(client, url).status == "failed"
    assert offer_count() == 0


def test_confirm_checks_every_row_again(login, hp_org_user, hp_org):
    """R-OFF-3: between preview and confirm a colleague creates an offer with a title of the file;
    the file's row now updates it instead of duplicating it."""
    client = login(hp_org_user)
    rows = good_rows(3)
    preview, url = upload_and_follow(client, rows)
    assert preview.new == 3
    existing = OfferingFactory(organization=hp_org, title=rows[1]["title"], summary="旧简介")

    assert client.post(url).status_code == 302

    assert offer_count() == 3
    existing.refresh_from_db()
    assert existing.summary == rows[1]["summary"]
