"""The shared Excel machinery, cell by cell: text, amounts, dates, integers, choices and yes/no read
as people type them (R-GEN-3), and exported strings kept from becoming formulas. No database."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portal.excel import (
    Column,
    build_template,
    clean_text,
    neutralize,
    parse_amount,
    parse_bool,
    parse_choice,
    parse_date,
    parse_int,
)
from tests.portal.excel_helpers import CATEGORIES, assert_user_message

# ============================================================================================
# clean_text


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, ""),
        ("  社区助老  ", "社区助老"),
        ("\u3000社区\u3000助老\u3000", "社区 助老"),
        ("第一行\n第二行", "第一行\n第二行"),
        ("第一行\r\n第二行\r\n", "第一行\n第二行"),
        ("\u200b助老\ufeff", "助老"),
        (13800000000.0, "13800000000"),
        (13800000000, "13800000000"),
        (3.5, "3.5"),
        (Decimal("12.50"), "12.50"),
        (datetime.datetime(2025, 3, 1), "2025-03-01"),
        ("'=1+1", "=1+1"),
        ("'hello", "'hello"),
    ],
)
def test_clean_text_trims_and_turns_numbers_into_the_digits_people_typed(value, expected):
    assert clean_text(value) == expected


# ============================================================================================
# parse_amount


@pytest.mark.parametrize(
    "value, expected",
    [
        (150000, "150000.00"),
        (150000.0, "150000.00"),
        (150000.5, "150000.50"),
        (0.1, "0.10"),
        (Decimal("1.5"), "1.50"),
        (Decimal("1.500"), "1.50"),
        ("150000", "150000.00"),
        ("  150000.5  ", "150000.50"),
        ("150,000.00", "150000.00"),
        ("1,234,567.89", "1234567.89"),
        ("150，000", "150000.00"),
        ("15,0000", "150000.00"),
        ("１５００００", "150000.00"),
        ("１５０，０００．５０", "150000.50"),
        ("150000元", "150000.00"),
        ("150,000.00 元", "150000.00"),
        ("150000元整", "150000.00"),
        ("¥150000", "150000.00"),
        ("￥150,000", "150000.00"),
        ("RMB 150000", "150000.00"),
        ("rmb150000", "150000.00"),
        ("-100", "-100.00"),
        ("－100", "-100.00"),
        (-20.5, "-20.50"),
        ("0", "0.00"),
        ("-0", "0.00"),
        (".5", "0.50"),
    ],
)
def test_amounts_are_read_as_people_type_them(value, expected):
    result = parse_amount(value)
    assert result == Decimal(expected)
    assert str(result) == expected


@pytest.mark.parametrize(
    "value",
    [
        "12万",
        "十万",
        "一万二",
        "1.2万元",
        "1.2.3",
        "abc",
        "",
        "   ",
        "元",
        "¥",
        "-",
        "--5",
        "-¥-5",
        "1,23",
        "150,00",
        "1,2345,678",
        "150000.",
        "1e5",
        "(100)",
        None,
        True,
        datetime.date(2025, 1, 1),
        float("nan"),
    ],
)
def test_ambiguous_or_non_numeric_amounts_are_refused_with_a_chinese_hint(value):
    with pytest.raises(ValueError) as caught:
        parse_amount(value)
    message = str(caught.value)
    assert message.startswith("金额")
    assert_user_message(message)


@pytest.mark.parametrize("value", ["1.234", "150.000", 0.1 + 0.2, 1.005, Decimal("1.001")])
def test_amounts_with_more_than_two_decimal_places_are_refused(value):
    with pytest.raises(ValueError, match="两位小数"):
        parse_amount(value)


def test_the_unit_hint_tells_people_not_to_write_wan():
    with pytest.raises(ValueError, match="万"):
        parse_amount("12万")


def test_the_generic_amount_message_shows_examples():
    with pytest.raises(ValueError) as caught:
        parse_amount("abc")
    assert str(caught.value) == "金额格式不正确：请填写以元为单位的数字，例如 150000 或 150,000.00"


# ============================================================================================
# parse_date


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(2025, 3, 1),
        datetime.datetime(2025, 3, 1, 0, 0),
        datetime.datetime(2025, 3, 1, 14, 30),
        "2025-03-01",
        "2025-3-1",
        "2025/3/1",
        "2025/03/01",
        "2025.3.1",
        "2025年3月1日",
        "2025年03月01日",
        "2025年3月1号",
        " 2025 年 3 月 1 日 ",
        "２０２５－０３－０１",
        "２０２５年３月１日",
        "\u30002025-03-01\u3000",
        "2025-03-01 00:00:00",
    ],
)
def test_dates_are_read_from_date_cells_and_common_chinese_spellings(value):
    assert parse_date(value) == datetime.date(2025, 3, 1)


@pytest.mark.parametrize(
    "value",
    [
        "3/1/2025",
        "01/03/2025",
        "2025-3",
        "2025年3月",
        "20250301",
        "45000",
        45000,
        45000.0,
        "明年",
        "下周一",
        "",
        "2025-03/01",
        "25-3-1",
        True,
        None,
    ],
)
def test_other_date_spellings_are_refused_with_the_expected_format(value):
    with pytest.raises(ValueError) as caught:
        parse_date(value)
    assert str(caught.value) == "日期格式不正确：请按 2025-03-01 的格式填写"


@pytest.mark.parametrize(
    "value", ["2025-02-30", "2024-02-30", "2025年4月31日", "2025-13-01", "2025-00-10", "2025-01-00"]
)
def test_impossible_dates_are_called_invalid(value):
    with pytest.raises(ValueError, match="不是有效的日期"):
        parse_date(value)


def test_an_invalid_day_says_how_many_days_the_month_has():
    with pytest.raises(ValueError, match="2025年2月只有28天"):
        parse_date("2025-02-30")
    assert parse_date("2024-02-29") == datetime.date(2024, 2, 29)


@pytest.mark.parametrize(
    "value", ["1999-12-31", "2101-01-01", datetime.date(1900, 1, 1), datetime.datetime(2101, 1, 1)]
)
def test_years_outside_2000_to_2100_are_refused(value):
    with pytest.raises(ValueError, match="2000年至2100年"):
        parse_date(value)


# ============================================================================================
# parse_int, parse_choice, parse_bool


@pytest.mark.parametrize(
    "value, expected",
    [
        (2026, 2026),
        (2026.0, 2026),
        (Decimal("2026"), 2026),
        ("2026", 2026),
        (" 2026 ", 2026),
        ("2026年", 2026),
        ("２０２６", 2026),
        ("２０２６年", 2026),
        ("-3", -3),
        ("1,200", 1200),
    ],
)
def test_integers_are_read_from_numbers_and_text(value, expected):
    assert parse_int(value) == expected


@pytest.mark.parametrize("value", [2026.5, "2026.5", "二〇二六", "2026年度", "abc", "", "1,20", True, None])
def test_non_integers_are_refused(value):
    with pytest.raises(ValueError) as caught:
        parse_int(value)
    assert str(caught.value) == "请填写整数"


def test_a_choice_must_be_one_of_the_allowed_values():
    choices = ("公开招标", "竞争性磋商", "其他（请注明）")
    assert parse_choice(" 公开招标 ", choices) == "公开招标"
    assert parse_choice("其他(请注明)", choices) == "其他（请注明）"
    with pytest.raises(ValueError) as caught:
        parse_choice("邀请招标", choices)
    assert str(caught.value) == "只能填写以下之一：公开招标、竞争性磋商、其他（请注明）"


def test_a_long_choice_list_points_to_the_drop_down_instead_of_listing_everything():
    with pytest.raises(ValueError) as caught:
        parse_choice("养老", CATEGORIES)
    assert "请从下拉列表中选择" in str(caught.value)
    assert "服务类别01" not in str(caught.value)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("y", True),
        ("N", False),
        ("yes", True),
        ("YES", True),
        ("no", False),
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        (1.0, True),
        ("1", True),
        ("0", False),
        (" 是 ", True),
        ("TRUE", True),
        ("Ｙ", True),
    ],
)
def test_yes_no_values_are_read_as_booleans(value, expected):
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value", ["对", "不是", "2", 2, "ok", "", None])
def test_other_yes_no_values_are_refused(value):
    with pytest.raises(ValueError) as caught:
        parse_bool(value)
    assert str(caught.value) == "请填写“是”或“否”"


def test_columns_refuse_an_unknown_kind():
    with pytest.raises(ValueError):
        Column("x", "X", kind="money")


def test_a_choice_column_with_no_choices_accepts_nothing_and_gets_no_drop_down():
    column = Column("x", "类别", kind="choice", choices=[])
    assert column.choices == ()
    with pytest.raises(ValueError, match="没有可选的值"):
        parse_choice("养老", column.choices)
    wb = load_workbook(io.BytesIO(build_template([column])))
    assert "选项" not in wb.sheetnames and not wb["数据"].data_validations.dataValidation


# ============================================================================================
# neutralize


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+86 138 0000 0000", "'+86 138 0000 0000"),
        ("-5", "'-5"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=1+1", "''=1+1"),
        ("社区助老", "社区助老"),
        ("a=b", "a=b"),
        ("", ""),
        (5, 5),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralize_keeps_exported_strings_from_becoming_formulas(value, expected):
    assert neutralize(value) == expected
