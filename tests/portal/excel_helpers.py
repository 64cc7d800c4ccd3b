"""Workbooks and readers shared by the tests of the Excel machinery (portal/excel.py): a sample
column list, in-memory .xlsx and .zip files, and the check that a refusal speaks Chinese to the user."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from portal.excel import Column, ExcelError, read_sheet

MIB = 1024 * 1024


CATEGORIES = tuple(f"服务类别{i:02d}" for i in range(1, 52))  # 51, like the real category list


COLUMNS = [
    Column(
        "title", "项目名称", required=True, max_length=20, example="社区居家养老服务", help="与立项文件一致"
    ),
    Column("budget", "项目预算（元）", kind="amount", required=True, example="150000", width=16),
    Column("start", "开始日期", kind="date", example="2025-03-01"),
    Column("year", "年度", kind="int", example=2026),
    Column(
        "method",
        "购买方式",
        kind="choice",
        choices=("公开招标", "竞争性磋商", "单一来源"),
        example="公开招标",
    ),
    Column("category", "服务类别", kind="choice", choices=CATEGORIES, example="服务类别03"),
    Column("public", "是否公开", kind="bool", example=True),
    Column("note", "备注（选填）"),
]


HEADERS = [c.header for c in COLUMNS]


def xlsx(*rows, title="数据", before=(), after=()):
    """An in-memory .xlsx whose sheet `title` holds `rows`; `before`/`after` add other sheets."""
    wb = Workbook()
    wb.remove(wb.active)
    for name in before:
        wb.create_sheet(name).append(["别的内容"])
    ws = wb.create_sheet(title)
    for row in rows:
        ws.append(list(row))
    for name in after:
        wb.create_sheet(name).append(["别的内容"])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def zip_file(entries, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


PARTS = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


def refused(fileobj, columns=COLUMNS, **kwargs):
    with pytest.raises(ExcelError) as caught:
        read_sheet(fileobj, columns, **kwargs)
    assert_user_message(caught.value.message)
    return caught.value.message


def assert_user_message(message):
    assert re.search(r"[\u4e00-\u9fff]", message), message
    for leak in ("Error", "Traceback", "invalid", "literal", "object", "decimal.", "zipfile", "openpyxl"):
        assert leak not in message, message


def one_row(**cells):
    """Read a sheet with the standard headers and a single data row; returns the ParsedRow."""
    values = [cells.get(c.key) for c in COLUMNS]
    rows = read_sheet(xlsx(HEADERS, values), COLUMNS)
    assert len(rows) == 1
    return rows[0]


VALID = {"title": "助老服务", "budget": 100}
