"""The shared Excel machinery: refusing bad files, reading hand-typed sheets, writing templates
and exports.  Every workbook is generated here with openpyxl; nothing needs the database."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from portal import excel
from portal.excel import (
    Column,
    ExcelError,
    ParsedRow,
    build_template,
    check_xlsx,
    clean_text,
    error_messages,
    neutralize,
    parse_amount,
    parse_bool,
    parse_choice,
    parse_date,
    parse_int,
    read_sheet,
    write_rows,
)

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


# ============================================================================================
# check_xlsx: whole-file refusals


def test_a_real_workbook_passes_and_the_file_is_rewound():
    fileobj = xlsx(HEADERS)
    fileobj.seek(7)
    check_xlsx(fileobj)
    assert fileobj.tell() == 0


def test_a_django_uploaded_file_is_accepted():
    upload = SimpleUploadedFile("需求.xlsx", xlsx(HEADERS, ["助老", 100]).getvalue())
    rows = read_sheet(upload, COLUMNS)
    assert rows[0].values["title"] == "助老"
    assert upload.tell() == 0


def test_an_empty_file_is_refused():
    with pytest.raises(ExcelError, match="空"):
        check_xlsx(SimpleUploadedFile("需求.xlsx", b""))


def test_a_file_over_the_size_limit_is_refused_naming_the_limit_in_mb(settings):
    settings.EXCEL_MAX_UPLOAD_BYTES = 2 * MIB
    with pytest.raises(ExcelError) as caught:
        check_xlsx(io.BytesIO(b"PK\x03\x04" + b"\0" * (3 * MIB)))
    assert "2 MB" in caught.value.message
    assert_user_message(caught.value.message)


def test_the_size_limit_can_also_be_patched_on_the_module(monkeypatch):
    monkeypatch.setattr(excel, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(ExcelError, match="MB"):
        check_xlsx(xlsx(HEADERS))


def test_the_default_limits_are_5_mib_and_10000_rows():
    assert excel.MAX_UPLOAD_BYTES == 5 * MIB
    assert excel.MAX_ROWS == 10_000


NOT_XLSX = "请上传 .xlsx 格式的 Excel 文件（Excel 2007 及以上），可用 Excel 或 WPS 另存为 .xlsx"


@pytest.mark.parametrize(
    "content",
    [
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,  # an old .xls (or an encrypted .xlsx)
        "项目名称,项目预算（元）\n社区助老,150000\n".encode("gbk"),  # a CSV
        "项目名称\t项目预算\n".encode(),  # a text file
        b"<html><table><tr><td>1</td></tr></table></html>",  # the "xls" many systems export
    ],
    ids=["xls", "csv", "text", "html"],
)
def test_files_that_are_not_xlsx_are_refused_with_how_to_save_as_xlsx(content):
    message = refused(SimpleUploadedFile("需求.xlsx", content))
    assert message.startswith(NOT_XLSX)


def test_an_old_xls_also_mentions_removing_the_open_password():
    message = refused(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512))
    assert "密码" in message


def test_a_zip_without_workbook_parts_is_refused():
    message = refused(zip_file({"word/document.xml": b"<doc/>", "[Content_Types].xml": b"<Types/>"}))
    assert "不是 Excel 工作簿" in message and NOT_XLSX in message
    message = refused(zip_file({"xl/workbook.xml": b"<workbook/>"}))
    assert "不是 Excel 工作簿" in message


def test_a_corrupt_zip_is_refused():
    data = xlsx(HEADERS).getvalue()
    refused(io.BytesIO(data[: len(data) // 2]))
    refused(io.BytesIO(b"PK\x03\x04 this is not really a zip"))


def test_a_workbook_with_macros_is_refused():
    message = refused(zip_file({**PARTS, "xl/vbaProject.bin": b"\0" * 100}))
    assert "宏" in message


def _mark_encrypted(data):
    """Set the 'encrypted' flag of every entry in the zip's central directory."""
    data = bytearray(data)
    start = 0
    while (found := data.find(b"PK\x01\x02", start)) != -1:
        data[found + 8] |= 0x1
        start = found + 4
    return io.BytesIO(bytes(data))


def test_a_workbook_with_an_encrypted_entry_is_refused():
    plain = zip_file({**PARTS, "xl/worksheets/sheet1.xml": b"<worksheet/>"}, zipfile.ZIP_STORED)
    message = refused(_mark_encrypted(plain.getvalue()))
    assert "加密" in message


def _bomb(path, name, size):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in PARTS.items():
            archive.writestr(part, data)
        with archive.open(name, "w") as entry:
            chunk = b'<c r="A1"/>' * (MIB // 10)
            written = 0
            while written < size:
                entry.write(chunk[: size - written])
                written += len(chunk[: size - written])
    return path


@pytest.fixture
def forbid_extraction(monkeypatch):
    """forbid_extraction() → from then on, the test fails if anything reads an entry's content."""

    def forbidden(*args, **kwargs):
        raise AssertionError("an entry was extracted")

    def forbid():
        monkeypatch.setattr(zipfile.ZipFile, "open", forbidden)
        monkeypatch.setattr(zipfile.ZipFile, "read", forbidden)
        monkeypatch.setattr(excel, "load_workbook", forbidden)

    return forbid


def test_a_zip_bomb_entry_is_refused_from_the_directory_without_extracting(tmp_path, forbid_extraction):
    path = _bomb(tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml", 60 * MIB)
    assert path.stat().st_size < 1 * MIB
    forbid_extraction()
    with open(path, "rb") as fileobj:
        message = refused(fileobj)
    assert "过大" in message


def test_a_highly_compressed_entry_under_the_size_limits_is_refused(tmp_path, forbid_extraction):
    path = _bomb(tmp_path / "ratio.xlsx", "xl/sharedStrings.xml", 8 * MIB)
    with zipfile.ZipFile(path) as archive:
        entry = archive.getinfo("xl/sharedStrings.xml")
    assert entry.file_size / entry.compress_size > 100
    forbid_extraction()
    with open(path, "rb") as fileobj, pytest.raises(ExcelError, match="过大"):
        check_xlsx(fileobj)


def test_small_entries_may_compress_well(tmp_path):
    path = _bomb(tmp_path / "small.xlsx", "xl/printerSettings/printerSettings1.bin", 200_000)
    with open(path, "rb") as fileobj:
        check_xlsx(fileobj)


def test_a_zip_whose_entries_add_up_to_too_much_is_refused(monkeypatch, forbid_extraction):
    monkeypatch.setattr(excel, "MAX_TOTAL_BYTES", 1000)
    fileobj = zip_file({**PARTS, "a.xml": "甲乙丙丁".encode() * 50, "b.xml": "戊己庚辛".encode() * 50})
    forbid_extraction()
    with pytest.raises(ExcelError, match="过大"):
        check_xlsx(fileobj)


def test_a_workbook_that_openpyxl_cannot_parse_is_refused_without_exception_text():
    message = refused(zip_file({**PARTS, "xl/_rels/workbook.xml.rels": b"not xml"}))
    assert "无法读取" in message


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_xml_entity_tricks_are_refused():
    good = xlsx(HEADERS, ["助老", 100]).getvalue()
    source = zipfile.ZipFile(io.BytesIO(good))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                doctype = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                # openpyxl writes the text as UTF-8, or as character references when lxml is installed.
                data = doctype + data.replace("助老".encode(), b"&b;").replace(b"&#21161;&#32769;", b"&b;")
            target.writestr(info, data)
    assert b"&b;" in zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml")
    buffer.seek(0)
    refused(buffer)


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

    monkeypatch.setattr(excel, "parse_amount", broken)
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
