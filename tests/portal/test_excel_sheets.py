"""The shared Excel machinery, reading a sheet: headers matched as people write them, rows read with
their true row numbers, every cell problem named by row and column. No database."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from portal import excel, excel_cells
from portal.excel import ParsedRow, error_messages, read_sheet
from tests.portal.excel_helpers import COLUMNS, HEADERS, assert_user_message, one_row, refused, xlsx

# ============================================================================================
# read_sheet: headers


def test_a_filled_in_sheet_reads_into_parsed_rows():
    rows = read_sheet(
        xlsx(
            HEADERS,
            [
                "社区助老",
                "150,000元",
                datetime.datetime(2025, 3, 1),
                "2026年",
                "公开招标",
                "服务类别07",
                "是",
                "无",
            ],
            ["  助残服务 ", 80000.5, "2025/4/1", 2026.0, "单一来源", None, "否", None],
        ),
        COLUMNS,
    )
    assert [r.number for r in rows] == [2, 3]
    assert all(r.ok for r in rows)
    assert rows[0].values == {
        "title": "社区助老",
        "budget": Decimal("150000.00"),
        "start": datetime.date(2025, 3, 1),
        "year": 2026,
        "method": "公开招标",
        "category": "服务类别07",
        "public": True,
        "note": "无",
    }
    assert rows[1].values["title"] == "助残服务"
    assert rows[1].values["budget"] == Decimal("80000.50")
    assert rows[1].values["category"] is None
    assert rows[1].values["public"] is False


@pytest.mark.parametrize(
    "title_header, budget_header",
    [
        ("*项目名称", "*项目预算（元）"),
        ("项目名称*", "项目预算(元)"),
        ("＊项目名称", "* 项目预算 ( 元 )"),
        (" 项目名称 ", "\u3000项目预算（元）\u3000"),
        ("项目\n名称", "项目预算（元）*"),
    ],
)
def test_headers_match_despite_stars_spaces_and_full_width_parentheses(title_header, budget_header):
    rows = read_sheet(xlsx([title_header, budget_header], ["助老", 100]), COLUMNS)
    assert rows[0].values["title"] == "助老"
    assert rows[0].values["budget"] == Decimal("100.00")


def test_headers_in_any_order_are_fine():
    rows = read_sheet(xlsx(["项目预算（元）", "项目名称"], [100, "助老"]), COLUMNS)
    assert rows[0].values["title"] == "助老"


def test_missing_and_unknown_headers_are_all_listed_in_one_message():
    message = refused(xlsx(["备注（选填）", "备注2"], ["无", "无"]))
    assert (
        message == "表头与模板不一致：缺少列“项目名称”“项目预算（元）”；无法识别的列“备注2”。请下载最新模板。"
    )


def test_only_missing_headers():
    message = refused(xlsx(["项目名称"], ["助老"]))
    assert message == "表头与模板不一致：缺少列“项目预算（元）”。请下载最新模板。"


def test_only_unknown_headers():
    message = refused(xlsx(["项目名称", "项目预算（元）", "联系人", "联系电话"], ["助老", 100]))
    assert message == "表头与模板不一致：无法识别的列“联系人”“联系电话”。请下载最新模板。"


def test_optional_columns_may_be_left_out():
    rows = read_sheet(xlsx(["项目名称", "项目预算（元）"], ["助老", 100]), COLUMNS)
    assert rows[0].values["note"] is None and rows[0].values["start"] is None
    assert set(rows[0].values) == {c.key for c in COLUMNS}
    assert rows[0].ok


def test_duplicate_headers_are_refused_naming_the_columns():
    message = refused(xlsx(["项目名称", "项目预算（元）", "*项目名称"], ["助老", 100, "助残"]))
    assert "表头重复" in message and "“项目名称”" in message and "第A列和第C列" in message


def test_a_column_without_a_header_is_ignored():
    rows = read_sheet(
        xlsx(["项目名称", "项目预算（元）", None], ["助老", 100, "旁边的笔记"], [None, None, "只有笔记"]),
        COLUMNS,
    )
    assert len(rows) == 1 and rows[0].ok


def test_an_empty_first_row_is_refused():
    message = refused(xlsx([None], HEADERS, ["助老", 100]))
    assert "表头" in message


def test_an_empty_sheet_is_refused():
    refused(xlsx())


def test_a_header_only_sheet_gives_no_rows():
    assert read_sheet(xlsx(HEADERS), COLUMNS) == []


def test_the_sheet_named_data_is_used_even_when_it_is_not_first():
    fileobj = xlsx(["项目名称", "项目预算（元）"], ["助老", 100], title="数据", before=["填写说明"])
    assert read_sheet(fileobj, COLUMNS)[0].values["title"] == "助老"


def test_without_a_sheet_named_data_the_first_sheet_is_used():
    fileobj = xlsx(["项目名称", "项目预算（元）"], ["助老", 100], title="Sheet1", after=["Sheet2"])
    assert read_sheet(fileobj, COLUMNS)[0].values["title"] == "助老"


def test_another_sheet_title_can_be_asked_for():
    fileobj = xlsx(["项目名称", "项目预算（元）"], ["助老", 100], title="服务清单", before=["数据"])
    assert read_sheet(fileobj, COLUMNS, sheet_title="服务清单")[0].values["title"] == "助老"


# ============================================================================================
# read_sheet: rows


def test_empty_rows_and_rows_of_spaces_are_skipped_but_row_numbers_stay_true():
    fileobj = xlsx(
        HEADERS,
        ["助老", 100],
        [None, None, None],
        ["   ", "\u3000", " "],
        ["助残", 200],
        [],
        [None],
        ["", ""],
    )
    rows = read_sheet(fileobj, COLUMNS)
    assert [r.number for r in rows] == [2, 5]


def test_formatted_but_empty_trailing_rows_are_skipped():
    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(HEADERS)
    ws.append(["助老", 100])
    for row in range(3, 500):
        ws.cell(row=row, column=1).number_format = "@"
        ws.cell(row=row, column=2).value = ""
    buffer = io.BytesIO()
    wb.save(buffer)
    assert [r.number for r in read_sheet(buffer, COLUMNS)] == [2]


def test_a_required_cell_left_empty_is_an_error():
    row = one_row(title="   ", budget=None, note="只填了备注")
    assert row.errors == {"title": "必填，不能为空", "budget": "必填，不能为空"}
    assert not row.ok


def test_cells_that_fail_to_parse_are_errors_and_their_values_none():
    row = one_row(
        title="助老",
        budget="12万",
        start="明年",
        year="二〇二六",
        method="招标",
        category="养老",
        public="可能",
    )
    assert set(row.errors) == {"budget", "start", "year", "method", "category", "public"}
    assert all(row.values[key] is None for key in row.errors)
    assert row.values["title"] == "助老"
    assert row.errors["method"] == "只能填写以下之一：公开招标、竞争性磋商、单一来源"
    assert "请从下拉列表中选择" in row.errors["category"]
    for message in row.errors.values():
        assert_user_message(message)


def test_python_error_text_never_reaches_the_user(monkeypatch):
    def broken(value):
        raise ValueError("invalid literal for int() with base 10: 'x'")

    monkeypatch.setattr(excel_cells, "parse_amount", broken)  # where parse_cell finds it
    row = one_row(title="助老", budget="100")
    assert row.errors == {"budget": "格式不正确，请检查后重新填写"}


def test_text_longer_than_max_length_is_an_error_that_counts_characters():
    row = one_row(title="社" * 25, budget=1)
    assert row.errors == {"title": "不能超过20个字（现在25个）"}


def test_a_phone_number_typed_as_a_number_reads_as_text():
    row = one_row(title=13800000000, budget=1, note=13800000000.0)
    assert row.values["title"] == "13800000000" and row.values["note"] == "13800000000"


def test_an_excel_error_value_is_reported_not_imported():
    row = one_row(title="#N/A", budget="#VALUE!")
    assert "#N/A" in row.errors["title"] and "#VALUE!" in row.errors["budget"]


def test_error_messages_name_the_row_and_the_column_header():
    rows = read_sheet(xlsx(HEADERS, ["助老", 100], ["助残", "abc"], [None, 5, "2025-02-30"]), COLUMNS)
    assert error_messages(rows, COLUMNS) == [
        "第3行“项目预算（元）”：金额格式不正确：请填写以元为单位的数字，例如 150000 或 150,000.00",
        "第4行“开始日期”：不是有效的日期：2025年2月只有28天",
        "第4行“项目名称”：必填，不能为空",
    ]


def test_a_text_repeated_down_the_sheet_is_read_once_and_alike_in_every_row(monkeypatch):
    """Rows repeat their contacts, areas and categories: each text is parsed once per column of a sheet
    (issue 15), every row that repeats it gets the same value or the same message, and the same text in
    another column is read as that column reads it."""
    texts = []
    parse = excel.parse_cell

    def counted(column, value):
        if isinstance(value, str):
            texts.append(value)
        return parse(column, value)

    monkeypatch.setattr(excel, "parse_cell", counted)
    rows = read_sheet(
        xlsx(HEADERS, *[["助老", "12万", "2025/4/1", None, None, None, "是", "是"]] * 3), COLUMNS
    )
    assert [r.number for r in rows] == [2, 3, 4]
    assert [r.values for r in rows] == [rows[0].values] * 3
    assert rows[0].values["start"] == datetime.date(2025, 4, 1)
    assert rows[0].values["public"] is True and rows[0].values["note"] == "是"
    assert [r.errors for r in rows] == [{"budget": excel_cells._AMOUNT_UNIT_MSG}] * 3
    assert sorted(texts) == sorted(["助老", "12万", "2025/4/1", "是", "是"])


def test_a_parsed_row_is_a_plain_dataclass():
    row = ParsedRow(number=2, values={"title": "助老"}, errors={})
    assert row.ok and row.messages(COLUMNS) == []


def test_more_rows_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 3)
    rows = [["助老", i] for i in range(1, 5)]
    message = refused(xlsx(HEADERS, *rows))
    assert "3 行" in message
    assert len(read_sheet(xlsx(HEADERS, *rows[:3], [None], [None]), COLUMNS)) == 3


def test_the_row_limit_follows_settings(settings):
    settings.EXCEL_MAX_ROWS = 1
    refused(xlsx(HEADERS, ["助老", 1], ["助残", 2]))
