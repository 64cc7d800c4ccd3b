"""The streaming .xlsx writer behind every export (dashboard/xlsx.py): a well-formed package that
openpyxl reads back to the same values, with the formats, styles and text safety of portal.excel."""

import datetime
import io
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl

from dashboard.xlsx import Column, Sheet, write_workbook

COLUMNS = [
    Column("text", "文字"),
    Column("int", "数量（个）", "int"),
    Column("amount", "金额（元）", "amount"),
    Column("wan", "金额（万元）", "wan"),
    Column("pct", "占比（%）", "pct"),
    Column("date", "日期", "date"),
    Column("flag", "是否", "bool"),
    Column("num", "数值", "num"),
]


def build(sheets):
    buffer = io.BytesIO()
    write_workbook(sheets, buffer)
    return buffer.getvalue()


def test_every_part_is_well_formed_xml_and_the_package_is_complete():
    content = build([Sheet("一", COLUMNS, [{"text": "a"}]), Sheet("二", COLUMNS, [])])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        assert {
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet2.xml",
        } <= names
        for name in names:
            ElementTree.fromstring(archive.read(name))


def test_values_read_back_with_their_types_and_formats():
    row = {
        "text": "养老服务",
        "int": 1234,
        "amount": Decimal("150000.50"),
        "wan": Decimal("15.01"),
        "pct": Decimal("40.0"),
        "date": datetime.date(2026, 4, 30),
        "flag": True,
        "num": Decimal("3.5"),
    }
    total = {"text": "合计", "int": 1234, "amount": None}
    wb = openpyxl.load_workbook(io.BytesIO(build([Sheet("数据", COLUMNS, [row], footer=[total])])))
    ws = wb["数据"]
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS]
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FFDDEBF7"
    values = [c.value for c in ws[2]]
    assert values[:5] == ["养老服务", 1234, 150000.5, 15.01, 40]
    assert values[5] == datetime.datetime(2026, 4, 30)
    assert values[6:] == ["是", 3.5]
    formats = [c.number_format for c in ws[2]]
    assert formats[1:6] == ["#,##0", "#,##0.00", "#,##0.00", "0.0", "yyyy-mm-dd"]
    assert ws["A3"].value == "合计" and ws["A3"].font.b and ws["B3"].font.b
    assert ws.freeze_panes == "A2"


def test_text_is_kept_safe_and_whole():
    rows = [
        {"text": "=SUM(A1:A9)"},
        {"text": "  两端有空格  "},
        {"text": "第一行\n第二行"},
        {"text": "控制字符\x01\x0b被去掉"},
        {"text": "<b>&amp;</b>"},
        {"text": "长" * 40_000},
    ]
    ws = openpyxl.load_workbook(io.BytesIO(build([Sheet("数据", COLUMNS[:1], rows)]))).active
    values = [ws.cell(row=r, column=1).value for r in range(2, 8)]
    assert values[0] == "'=SUM(A1:A9)"
    assert values[1] == "  两端有空格  "
    assert values[2] == "第一行\n第二行"
    assert values[3] == "控制字符被去掉"
    assert values[4] == "<b>&amp;</b>"
    assert len(values[5]) == 32_767
    assert all(ws.cell(row=r, column=1).data_type != "f" for r in range(1, 8))


def test_sheet_titles_are_made_valid_and_unique():
    wb = openpyxl.load_workbook(
        io.BytesIO(
            build(
                [Sheet("a/b:c?" + "长" * 40, COLUMNS[:1], []), Sheet("a/b:c?" + "长" * 40, COLUMNS[:1], [])]
            )
        )
    )
    assert len(wb.sheetnames) == 2 and len(set(wb.sheetnames)) == 2
    assert all(len(t) <= 31 and not set(t) & set("[]:*?/\\") for t in wb.sheetnames)
