"""The shared Excel machinery, whole files: what check_xlsx refuses before a sheet is read (not an
.xlsx, too large, macros, encryption, zip bombs, XML entity tricks), always in Chinese. No database."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal import excel
from portal.excel import ExcelError, check_xlsx, read_sheet
from tests.portal.excel_helpers import (
    COLUMNS,
    HEADERS,
    MIB,
    PARTS,
    assert_user_message,
    refused,
    xlsx,
    zip_file,
)

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
