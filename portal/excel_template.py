"""The import templates (.xlsx) people download, fill in and upload again: the data sheet with its
header, example rows and drop-downs, a 填写说明 sheet, and a hidden 选项 sheet with the lists.
Built with openpyxl (styles, data validation); exports go through `portal.xlsx` instead."""

import datetime
import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from portal import excel
from portal.xlsx import AMOUNT_FORMAT, DATE_FORMAT, safe_text

INT_FORMAT = "0"
TEXT_FORMAT = "@"
_HEADER_FONT = Font(bold=True)
_REQUIRED_HEADER_FONT = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _cell_payload(column, value):
    """(value, number_format) to write for one cell; strings always go through `neutralize`."""
    if value is None or value == "":
        return None, None
    kind = column.kind
    if kind in ("amount", "date", "int", "bool") and isinstance(value, str):
        try:
            value = excel.parse_cell(column, value)
        except ValueError:
            return safe_text(value), None
        if value is None:
            return None, None
    if kind == "bool" and (isinstance(value, bool) or (isinstance(value, int) and value in (0, 1))):
        return ("是" if value else "否"), None
    if kind == "amount" and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value, AMOUNT_FORMAT
    if kind == "date" and isinstance(value, datetime.date):
        if isinstance(value, datetime.datetime):
            value = value.date()
        return value, DATE_FORMAT
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value, INT_FORMAT
    if isinstance(value, str):
        return safe_text(value), None
    return safe_text(excel.clean_text(value)), None


def _style_header(cell, column):
    cell.font = _REQUIRED_HEADER_FONT if column.required else _HEADER_FONT
    cell.fill = _HEADER_FILL
    cell.alignment = _HEADER_ALIGNMENT


def _column_format(column):
    return {
        "amount": AMOUNT_FORMAT,
        "date": DATE_FORMAT,
        "int": INT_FORMAT,
        "text": TEXT_FORMAT,
        "choice": TEXT_FORMAT,
    }.get(column.kind)


def _to_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _kind_hint(column):
    if column.kind == "text":
        return f"文字，不超过{column.max_length}个字" if column.max_length else "文字"
    if column.kind == "amount":
        return "金额，以元为单位的数字，最多两位小数，例如 150000 或 150,000.00"
    if column.kind == "date":
        return "日期，例如 2025-03-01"
    if column.kind == "int":
        return "整数，例如 2026"
    if column.kind == "bool":
        return "从下拉列表选择“是”或“否”"
    if len(column.choices) <= 8:
        return "从下拉列表选择：" + "、".join(column.choices)
    return f"从下拉列表选择（共{len(column.choices)}项）"


def _list_validation(formula, error, index, last_row):
    """A drop-down of `formula` for column `index` (rows 2 to `last_row`), refusing anything else
    with `error`."""
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="输入有误",
        error=error,
    )
    validation.add(f"{get_column_letter(index)}2:{get_column_letter(index)}{last_row}")
    return validation


def build_template(
    columns: Sequence[excel.Column],
    *,
    example_rows=None,
    instructions=(),
    sheet_title=excel.DEFAULT_SHEET_TITLE,
) -> bytes:
    """An .xlsx template: the data sheet (first, active) with header, example rows and drop-downs,
    a "填写说明" sheet, and a hidden "选项" sheet holding the drop-down lists."""
    if example_rows is None:
        example = {c.key: c.example for c in columns}
        example_rows = [example] if any(v not in (None, "") for v in example.values()) else []
    last_row = excel._max_rows() + 1

    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet_title
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        dimension = ws.column_dimensions[letter]
        dimension.width = column.width
        if _column_format(column):
            dimension.number_format = _column_format(column)
        cell = ws.cell(row=1, column=index, value=excel.header_text(column))
        _style_header(cell, column)
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30

    for row_number, example in enumerate(example_rows, start=2):
        for index, column in enumerate(columns, start=1):
            value, number_format = _cell_payload(column, example.get(column.key))
            cell = ws.cell(row=row_number, column=index)
            cell.value = value
            cell.number_format = number_format or _column_format(column) or "General"

    choice_columns = [(i, c) for i, c in enumerate(columns, start=1) if c.kind == "choice" and c.choices]
    if choice_columns:
        options = workbook.create_sheet(excel.OPTIONS_SHEET_TITLE)
        options.sheet_state = "hidden"
    for list_index, (index, column) in enumerate(choice_columns, start=1):
        list_letter = get_column_letter(list_index)
        options.cell(row=1, column=list_index, value=safe_text(column.header))
        for row_number, choice in enumerate(column.choices, start=2):
            options.cell(row=row_number, column=list_index, value=safe_text(choice))
        last = len(column.choices) + 1
        ws.add_data_validation(
            _list_validation(
                f"'{excel.OPTIONS_SHEET_TITLE}'!${list_letter}$2:${list_letter}${last}",
                f"“{column.header}”请从下拉列表中选择。",
                index,
                last_row,
            )
        )
    for index, column in enumerate(columns, start=1):
        if column.kind == "bool":
            ws.add_data_validation(
                _list_validation('"是,否"', f"“{column.header}”请选择“是”或“否”。", index, last_row)
            )

    guide = workbook.create_sheet(excel.INSTRUCTIONS_SHEET_TITLE, index=1)
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 48
    guide.column_dimensions["D"].width = 48
    lines = list(instructions)
    if not lines:  # the caller's own lines replace these general ones
        lines = [
            "带 * 号的列为必填项；请不要修改、增加或删除表头。",
            f"每个文件最多 {excel._max_rows()} 行数据，文件大小不超过 {excel._format_mb(excel._max_upload_bytes())} MB。",
        ]
        if example_rows:
            lines.append(f"“{sheet_title}”表中第2行起为示例，请覆盖或删除示例行后再上传。")
    guide.cell(row=1, column=1, value="填写说明").font = Font(bold=True, size=14)
    row_number = 2
    for line in lines:
        guide.cell(row=row_number, column=1, value=safe_text(str(line)))
        row_number += 1
    row_number += 1
    for index, title in enumerate(("列名", "必填/选填", "填写要求", "说明"), start=1):
        cell = guide.cell(row=row_number, column=index, value=title)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for column in columns:
        row_number += 1
        guide.cell(row=row_number, column=1, value=safe_text(excel.header_text(column)))
        guide.cell(row=row_number, column=2, value="必填" if column.required else "选填")
        guide.cell(row=row_number, column=3, value=safe_text(_kind_hint(column)))
        guide.cell(row=row_number, column=4, value=safe_text(column.help) if column.help else None)
        for index in (3, 4):
            guide.cell(row=row_number, column=index).alignment = Alignment(wrap_text=True, vertical="top")

    workbook.active = 0
    return _to_bytes(workbook)
