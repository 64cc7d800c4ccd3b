"""Excel 批量发布 (R-DEM-3): a row with mistakes is listed by Excel row number and column and nothing
can be confirmed; every rule of the form applies to each row; cells typed the way people type them
are accepted."""

import datetime
import re
from decimal import Decimal

import pytest

from demands.models import Demand
from portal.models import ImportBatch
from tests.demands.excel_helpers import (
    THIS_YEAR,
    Preview,
    batch_url,
    demand_count,
    example_row,
    good_rows,
    upload_and_follow,
)

# --- a file with one bad row ---------------------------------------------------------------


def test_one_bad_row_is_listed_by_row_number_and_column_and_nothing_can_be_confirmed(login, hp_purchaser):
    client = login(hp_purchaser)
    rows = good_rows(5)
    rows[2]["budget"] = 1_000_000  # Excel row 4
    preview = upload_and_follow(client, rows)[0]

    assert (preview.total, preview.error_rows) == (5, 1)
    assert 4 in preview.rows
    assert preview.rows[4]["title"] == rows[2]["title"]
    assert preview.error_for(4, "项目预算（元）") and "第四条" in preview.error_for(4, "项目预算（元）")
    for number in (2, 3, 5, 6):
        assert preview.errors(number) == []
    assert not preview.can_confirm
    assert "确认发布" not in preview.html
    assert demand_count() == 0


def test_confirming_a_file_with_errors_anyway_saves_nothing_and_shows_the_errors(login, hp_purchaser):
    client = login(hp_purchaser)
    rows = good_rows(5)
    rows[4]["period_start"] = "3/1/2025"  # Excel row 6, the last one
    url = upload_and_follow(client, rows)[1]

    response = client.post(url)

    assert demand_count() == 0
    preview = Preview(response)
    assert preview.error_rows == 1
    assert "日期格式不正确" in preview.error_for(6, "实施开始日期")
    assert "没有发布任何需求" in preview.html
    assert not preview.can_confirm
    assert ImportBatch.objects.count() == 1  # the user can read the report again


# --- every rule of the form applies to rows -------------------------------------------------

REFUSED = [
    pytest.param(
        {"budget": 1_000_000}, "项目预算（元）", ["第四条", "政府采购限额"], id="budget-at-threshold"
    ),
    pytest.param({"budget": "1,200,000.00"}, "项目预算（元）", ["第四条"], id="budget-above-threshold"),
    pytest.param({"budget": 0}, "项目预算（元）", ["大于 0"], id="budget-zero"),
    pytest.param({"budget": "12万"}, "项目预算（元）", ["万", "以元为单位"], id="budget-in-wan"),
    pytest.param({"budget": "三十万元"}, "项目预算（元）", ["以元为单位"], id="budget-in-chinese-numerals"),
    pytest.param({"budget": "380000.123"}, "项目预算（元）", ["两位小数"], id="budget-fractions-of-a-cent"),
    pytest.param(
        {"purchase_type": "补贴、资助类"}, "购买服务类型", ["只能填写以下之一", "基本公共服务"], id="subsidy"
    ),
    pytest.param(
        {"purchase_type": "政府履职所需辅助性事项"}, "购买服务类型", ["只能填写以下之一"], id="auxiliary"
    ),
    pytest.param(
        {"period_start": f"{THIS_YEAR}-07-01", "period_end": f"{THIS_YEAR}-06-30"},
        "实施结束日期",
        ["不能早于"],
        id="end-before-start",
    ),
    pytest.param(
        {"street": "徐家汇街道"}, "服务街镇", ["不是本平台登记的黄浦区街镇"], id="street-of-another-district"
    ),
    pytest.param({"street": "不存在街道"}, "服务街镇", ["街镇"], id="unknown-street"),
    pytest.param(
        {"plan_type": "年度新增项目", "budget_approved_on": None},
        "预算批复日期",
        ["须填写预算批复日期"],
        id="added-without-approval-date",
    ),
    pytest.param(
        {"plan_type": "年度新增项目", "budget_approved_on": "2020-05-01"},
        "预算批复日期",
        ["相差过大"],
        id="approval-date-far-from-year",
    ),
    pytest.param({"year": 2010}, "年度", ["2015"], id="year-too-early"),
    pytest.param({"category": "养老"}, "项目类别", ["下拉列表"], id="unknown-category"),
    pytest.param({"category": "居家养老服务"}, "项目类别", ["下拉列表"], id="category-without-parent"),
    pytest.param({"district": "浦东"}, "服务区域（区）", ["下拉列表"], id="unknown-district"),
    pytest.param(
        {"orientation": "面向所有单位"}, "面向社会组织方式", ["只能填写以下之一"], id="unknown-orientation"
    ),
    pytest.param({"period_start": "3/1/2025"}, "实施开始日期", ["日期格式不正确"], id="us-date"),
    pytest.param({"period_end": "2026-13-01"}, "实施结束日期", ["月份"], id="month-13"),
    pytest.param({"period_end": "2027-02-30"}, "实施结束日期", ["2月只有28天"], id="february-30"),
    pytest.param({"period_start": "明年七月"}, "实施开始日期", ["日期格式不正确"], id="date-in-words"),
    pytest.param({"year": "明年"}, "年度", ["整数"], id="year-in-words"),
    pytest.param({"title": ""}, "项目名称", ["必填"], id="title-missing"),
    pytest.param({"title": "养" * 101}, "项目名称", ["不能超过100个字"], id="title-too-long"),
    pytest.param({"contact_phone": None}, "联系电话", ["必填"], id="phone-missing"),
    pytest.param({"contact_email": "wang@"}, "联系邮箱", [], id="bad-email"),
]


@pytest.mark.parametrize(("overrides", "header", "fragments"), REFUSED)
def test_every_rule_of_the_form_applies_to_each_row(
    login, hp_purchaser, xh_street, overrides, header, fragments
):
    client = login(hp_purchaser)
    rows = [*good_rows(2), example_row(**{"title": "有问题的一行", **overrides})]
    preview = upload_and_follow(client, rows)[0]

    assert preview.error_rows == 1, preview.rows
    message = preview.error_for(4, header)
    assert message, f"row 4 should have an error on {header}: {preview.errors(4)}"
    assert re.search(r"[\u4e00-\u9fff]", message), message
    assert "Error" not in message and "Traceback" not in message and "invalid" not in message.lower()
    for fragment in fragments:
        assert fragment in message
    if header == "购买服务类型":
        assert "补贴" not in message and "辅助性事项" not in message  # neither is offered
    assert not preview.can_confirm

    client.post(batch_url(ImportBatch.objects.get()))
    assert demand_count() == 0


def test_cells_typed_the_way_people_type_them_are_accepted(login, hp_purchaser, hp_street):
    client = login(hp_purchaser)
    rows = [
        example_row(title="金额带千分位和元", budget="380,000元"),
        example_row(title="年度带空格和年字", year=f" {THIS_YEAR}年 "),
        example_row(
            title="中文日期", period_start=f"{THIS_YEAR}年3月1日", period_end=f"{THIS_YEAR + 1}年2月28日"
        ),
        example_row(
            title="全角数字", budget="３８００００", year="２０２６", period_end="２０２７－０６－３０"
        ),
        example_row(title="斜杠日期", period_start=f"{THIS_YEAR}/7/1", budget="¥150,000.50"),
        example_row(
            title="年度新增项目",
            plan_type="年度新增项目",
            budget_approved_on=f"{THIS_YEAR}-06-01",
            budget=999_999.99,
        ),
        example_row(title="不填街镇", street=None),
    ]
    preview, url = upload_and_follow(client, rows)

    assert (preview.total, preview.new, preview.error_rows) == (7, 7, 0), preview.rows
    response = client.post(url)
    assert response.status_code == 302

    saved = {d.title: d for d in Demand.objects.all()}
    assert saved["金额带千分位和元"].budget == Decimal("380000.00")
    assert saved["年度带空格和年字"].year == THIS_YEAR
    assert saved["中文日期"].period_start == datetime.date(THIS_YEAR, 3, 1)
    assert saved["中文日期"].period_end == datetime.date(THIS_YEAR + 1, 2, 28)
    assert saved["全角数字"].budget == Decimal("380000.00")
    assert saved["全角数字"].year == 2026
    assert saved["全角数字"].period_end == datetime.date(2027, 6, 30)
    assert saved["斜杠日期"].period_start == datetime.date(THIS_YEAR, 7, 1)
    assert saved["斜杠日期"].budget == Decimal("150000.50")
    assert saved["年度新增项目"].plan_type == "added"
    assert saved["年度新增项目"].budget_approved_on == datetime.date(THIS_YEAR, 6, 1)
    assert saved["年度新增项目"].budget == Decimal("999999.99")
    assert saved["不填街镇"].street is None
    assert saved["金额带千分位和元"].street == hp_street
    assert saved["金额带千分位和元"].orientation == "priority"
    assert saved["金额带千分位和元"].plan_type == "annual"
