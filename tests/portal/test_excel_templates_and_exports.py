"""The shared Excel machinery, writing: the upload templates (data sheet, drop-downs, instructions)
and the exports, which read back to the same values and never contain a formula. No database."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portal import excel
from portal.excel import Column, build_template, read_sheet, write_rows
from tests.portal.excel_helpers import CATEGORIES, COLUMNS, HEADERS, xlsx

# ============================================================================================
# build_template


@pytest.fixture
def template():
    data = build_template(COLUMNS, instructions=["每个项目填写一行。", "预算以元为单位。"])
    return load_workbook(io.BytesIO(data))


def test_the_template_puts_the_data_sheet_first_and_active(template):
    assert template.sheetnames[0] == "数据"
    assert template.active.title == "数据"
    assert set(template.sheetnames) == {"数据", "填写说明", "选项"}


def test_the_template_header_marks_required_columns_and_is_styled_and_frozen(template):
    ws = template["数据"]
    headers = [cell.value for cell in ws[1]]
    assert headers == [
        "*项目名称",
        "*项目预算（元）",
        "开始日期",
        "年度",
        "购买方式",
        "服务类别",
        "是否公开",
        "备注（选填）",
    ]
    assert all(cell.font.bold for cell in ws[1])
    assert all(cell.fill.fgColor.rgb.endswith("DDEBF7") for cell in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 18
    assert ws.column_dimensions["B"].width == 16


def test_the_template_example_row_uses_real_dates_and_amount_formats(template):
    ws = template["数据"]
    assert ws["A2"].value == "社区居家养老服务"
    assert ws["B2"].value == 150000 and ws["B2"].number_format == "#,##0.00"
    assert ws["C2"].value == datetime.datetime(2025, 3, 1) and ws["C2"].number_format == "yyyy-mm-dd"
    assert ws["G2"].value == "是"
    assert ws.column_dimensions["C"].number_format == "yyyy-mm-dd"


def test_choice_columns_get_a_drop_down_from_the_hidden_options_sheet(template):
    ws = template["数据"]
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    method = validations["E2:E10001"]
    category = validations["F2:F10001"]
    assert method.type == "list" and method.formula1 == "'选项'!$A$2:$A$4"
    assert category.formula1 == "'选项'!$B$2:$B$52"
    assert method.showErrorMessage and "下拉列表" in method.error
    options = template["选项"]
    assert options.sheet_state == "hidden"
    assert [options.cell(row=r, column=2).value for r in range(2, 53)] == list(CATEGORIES)
    assert [options.cell(row=r, column=1).value for r in range(2, 5)] == [
        "公开招标",
        "竞争性磋商",
        "单一来源",
    ]


def test_bool_columns_get_a_yes_no_drop_down(template):
    ws = template["数据"]
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    public = validations["G2:G10001"]
    assert public.formula1 == '"是,否"' and public.showErrorMessage


def test_drop_downs_cover_as_many_rows_as_may_be_uploaded(monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 50)
    ws = load_workbook(io.BytesIO(build_template(COLUMNS)))["数据"]
    assert {str(dv.sqref) for dv in ws.data_validations.dataValidation} == {"E2:E51", "F2:F51", "G2:G51"}


def test_the_instruction_sheet_lists_every_column_after_the_given_lines(template):
    guide = template["填写说明"]
    texts = [list(row) for row in guide.iter_rows(values_only=True)]
    assert [row[0] for row in texts[:3]] == ["填写说明", "每个项目填写一行。", "预算以元为单位。"]
    assert not any("带 * 号" in str(row[0]) for row in texts)  # the given lines replace the general ones
    by_header = {row[0]: row for row in texts if row[0]}
    assert by_header["*项目名称"][1] == "必填" and by_header["*项目名称"][3] == "与立项文件一致"
    assert by_header["开始日期"][1] == "选填" and "2025-03-01" in by_header["开始日期"][2]
    assert all(
        _header in by_header
        for _header in ("*项目预算（元）", "年度", "购买方式", "服务类别", "是否公开", "备注（选填）")
    )


def test_the_template_reads_back_through_read_sheet():
    rows = read_sheet(io.BytesIO(build_template(COLUMNS)), COLUMNS)
    assert len(rows) == 1 and rows[0].ok
    assert rows[0].values["budget"] == Decimal("150000.00")
    assert rows[0].values["start"] == datetime.date(2025, 3, 1)
    assert rows[0].values["public"] is True


def test_the_template_accepts_its_own_example_rows_and_sheet_title():
    data = build_template(
        COLUMNS[:2],
        example_rows=[{"title": "甲", "budget": 1}, {"title": "乙", "budget": 2}],
        sheet_title="需求",
    )
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[0] == "需求" and "选项" not in wb.sheetnames
    rows = read_sheet(io.BytesIO(data), COLUMNS[:2], sheet_title="需求")
    assert [r.values["title"] for r in rows] == ["甲", "乙"]


def test_a_template_without_examples_has_only_the_header():
    columns = [Column("title", "项目名称", required=True)]
    ws = load_workbook(io.BytesIO(build_template(columns)))["数据"]
    assert ws.max_row == 1


# ============================================================================================
# write_rows


ROUND_TRIP = [
    {
        "title": "社区居家养老服务",
        "budget": Decimal("150000.50"),
        "start": datetime.date(2025, 3, 1),
        "year": 2026,
        "method": "竞争性磋商",
        "category": "服务类别51",
        "public": True,
        "note": "第一行\n第二行",
    },
    {
        "title": "=1+1",
        "budget": Decimal("-100.00"),
        "start": None,
        "year": None,
        "method": None,
        "category": None,
        "public": False,
        "note": "+86 021-12345678",
    },
    {"title": "-5", "budget": Decimal("12345678901.23"), "note": "@x", "start": datetime.date(2100, 12, 31)},
]


def test_an_export_reads_back_to_the_same_values():
    rows = read_sheet(io.BytesIO(write_rows(COLUMNS, ROUND_TRIP)), COLUMNS)
    assert [r.number for r in rows] == [2, 3, 4]
    assert all(r.ok for r in rows), [r.errors for r in rows]
    for row, expected in zip(rows, ROUND_TRIP, strict=True):
        assert row.values == {c.key: expected.get(c.key) for c in COLUMNS}


def test_an_export_never_contains_a_formula():
    ws = load_workbook(io.BytesIO(write_rows(COLUMNS, ROUND_TRIP)))["数据"]
    assert ws["A3"].value == "'=1+1" and ws["A3"].data_type == "s"
    assert ws["H3"].value == "'+86 021-12345678"
    assert ws["A4"].value == "'-5"
    assert ws["H4"].value == "'@x"
    assert not any(cell.data_type == "f" for row in ws.iter_rows() for cell in row)


def test_an_export_uses_the_template_header_and_formats():
    ws = load_workbook(io.BytesIO(write_rows(COLUMNS, ROUND_TRIP)))["数据"]
    assert [cell.value for cell in ws[1]] == ["*" + HEADERS[0], "*" + HEADERS[1], *HEADERS[2:]]
    assert ws["A1"].font.bold
    assert ws["B2"].number_format == "#,##0.00"
    assert ws["C2"].number_format == "yyyy-mm-dd" and ws["C2"].is_date
    assert ws["G2"].value == "是" and ws["G3"].value == "否"
    assert ws.freeze_panes == "A2"


def test_an_export_accepts_a_generator_and_another_sheet_title():
    data = write_rows(COLUMNS, (row for row in ROUND_TRIP), sheet_title="导出")
    assert load_workbook(io.BytesIO(data)).sheetnames == ["导出"]
    assert len(read_sheet(io.BytesIO(data), COLUMNS, sheet_title="导出")) == 3


def test_an_export_drops_characters_excel_cannot_store():
    rows = read_sheet(io.BytesIO(write_rows(COLUMNS, [{"title": "助\x00老\x07", "budget": 1}])), COLUMNS)
    assert rows[0].values["title"] == "助老"


def test_ten_thousand_rows_write_and_read_back_whole():
    rows = [
        {
            "title": f"项目{i}",
            "budget": Decimal(i) / 4,
            "start": datetime.date(2025, 1, 1),
            "year": 2026,
            "method": "公开招标",
            "category": CATEGORIES[i % 51],
            "public": i % 2 == 0,
            "note": f"备注{i}",
        }
        for i in range(10_000)
    ]
    data = write_rows(COLUMNS, rows)
    parsed = read_sheet(io.BytesIO(data), COLUMNS)
    assert len(parsed) == 10_000 and all(r.ok for r in parsed)
    assert parsed[-1].values["budget"] == Decimal("2499.75")
    assert len(data) < excel.MAX_UPLOAD_BYTES  # an export can be uploaded again


def test_without_instructions_the_guide_gives_general_advice():
    guide = load_workbook(io.BytesIO(build_template(COLUMNS)))["填写说明"]
    lines = [row[0] for row in guide.iter_rows(values_only=True) if row[0]]
    assert any("带 * 号的列为必填项" in line for line in lines)
    assert any("10000 行" in line and "5 MB" in line for line in lines)
    assert any("示例" in line for line in lines)


def test_a_formula_cell_is_refused_not_replaced_by_its_cached_value():
    """R-GEN-3: a formula is refused with advice, never evaluated or guessed."""
    rows = read_sheet(
        xlsx(HEADERS, ["社区服务", "=100000+50000", "2025-03-01", 2026, "公开招标", "服务类别03", "是", ""]),
        COLUMNS,
    )
    assert rows[0].values["budget"] is None
    assert "含有公式" in rows[0].errors["budget"]
    assert "title" not in rows[0].errors


def test_text_that_merely_starts_with_an_equals_sign_after_our_quote_is_text():
    data = write_rows(COLUMNS, [{"title": "=不是公式", "budget": 1}])
    rows = read_sheet(io.BytesIO(data), COLUMNS)
    assert rows[0].values["title"] == "=不是公式" and not rows[0].errors
