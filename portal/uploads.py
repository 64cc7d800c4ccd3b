"""The one gate for every file the portal accepts (Excel imports, notice attachments, 资料下载, the
stamped recommendation form): the type is decided by the content and a full parse, never by the
file name or the type the browser sends.

- Office Open XML (.docx/.xlsx): the zip directory is read (nothing inflated beyond what it declares):
  entry count, sizes, total and compression ratio; encrypted entries, macros (any `vbaProject.bin`,
  any macro-enabled content type, in any case and any OOXML type), ActiveX and OLE objects refused;
  the main part decides .docx or .xlsx. For attachments, external relationships, DDE / HYPERLINK /
  WEBSERVICE / IMAGE formulas and Word DDE fields are refused too (they run or fetch when a reader
  opens the file); each part is read by an XML parser (defusedxml: no DTD, no entities), so escaped
  characters, another namespace prefix or other quotes hide nothing.
- PDF: parsed with pypdf; encrypted files, JavaScript, OpenAction / additional actions, launch and
  submit actions, embedded files and rich media refused; a file without pages or without its end
  (truncated) refused.
- PNG/JPEG: decoded with Pillow (truncated or pixel-bomb images refused).
- Polyglots (a file that is also a zip — its directory or any entry header —, a PDF or HTML) refused.

Every refusal is a ServiceError with a Chinese message; nothing is written by this module.
"""

import io
import re
import warnings
import zipfile

from django.conf import settings

from .errors import ServiceError

MIB = 1024 * 1024

SIGNATURES = (
    (b"%PDF-", ".pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
    (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
)
OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CONTENT_TYPES = {ext: ctype for _, ext, ctype in SIGNATURES} | OFFICE_TYPES
DOCUMENT_KINDS = (".pdf", ".jpg", ".png")
ATTACHMENT_KINDS = (".pdf", ".docx", ".xlsx", ".jpg", ".png")

# Zip-bomb guards, checked against the zip directory (Python's zipfile never inflates an entry
# beyond the size its directory declares, so these numbers bound every reader after us).
MAX_ENTRIES = 10_000
MAX_ENTRY_BYTES = 50 * MIB
MAX_TOTAL_BYTES = 200 * MIB
MAX_COMPRESSION_RATIO = 100
# Entries smaller than this are harmless whatever their ratio (Excel's printerSettings*.bin is
# mostly zeros and compresses very well); only bigger ones are held to MAX_COMPRESSION_RATIO.
RATIO_CHECK_MIN_BYTES = 1 * MIB
MAX_IMAGE_PIXELS = 60_000_000  # a 600 dpi A3 scan is ~ 70 M; 150–300 dpi scans are far below

EMPTY = "上传的文件是空的，请重新选择。"
BOMB = "文件内容异常（解压后体积过大或压缩比异常），不像是正常的文件，已拒绝处理。请检查文件后重新上传。"
CORRUPT = "文件已损坏或不完整，无法打开。请用原软件打开后重新保存（或重新扫描）再上传。"
ENCRYPTED = "文件已加密，无法读取。请取消密码保护后重新保存再上传。"
MACRO = "文件包含宏或 ActiveX 控件，出于安全原因不能上传。请另存为不含宏的 .docx 或 .xlsx 格式后再上传。"
ACTIVE_CONTENT = "文件含有外部链接或 DDE、HYPERLINK 等会自动执行或联网的公式/域代码，出于安全原因不能上传。请删除后重新保存再上传。"
PDF_SCRIPT = (
    "PDF 文件含有脚本、自动执行动作或嵌入的文件，出于安全原因不能上传。请用“打印为 PDF”重新生成后再上传。"
)
POLYGLOT = "文件同时具有多种文件格式的特征（可能被篡改），出于安全原因不能上传。请重新保存或扫描后再上传。"
IMAGE_TOO_LARGE = "图片像素过多，无法处理。扫描时请选择较低的分辨率（如 150 dpi）。"
NOT_DOCUMENT = "只能上传 PDF、JPG 或 PNG 格式的盖章扫描件（按文件内容判断，改扩展名无效）。"
NOT_ATTACHMENT = (
    "附件只能是 PDF、Word（.docx）、Excel（.xlsx）、JPG 或 PNG 文件（按文件内容判断，改扩展名无效）。"
)


def human_size(size):
    """1536 → "1.5 KB", 10485760 → "10 MB": sizes as people read them."""
    for unit, factor in (("MB", MIB), ("KB", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{size} 字节"


def size_beyond(size, limit):
    """`size` as people read it, with as many decimals as it takes to differ from `limit`'s
    reading: never "文件过大（10 MB），不能超过 10 MB"."""
    shown_limit = human_size(limit)
    for unit, factor in (("MB", MIB), ("KB", 1024)):
        if size >= factor:
            for decimals in (1, 2, 3):
                shown = f"{size / factor:.{decimals}f}".rstrip("0").rstrip(".") + f" {unit}"
                if shown != shown_limit:
                    return shown
            break
    return f"{size:,} 字节"


def too_large(size, limit, hint=""):
    return f"文件过大（本文件 {size_beyond(size, limit)}），不能超过 {human_size(limit)}。{hint}"


def max_document_bytes():
    return getattr(settings, "DOCUMENT_MAX_UPLOAD_BYTES", 10 * MIB)


def file_size(fileobj):
    """The uploaded file's size in bytes: as Django counted it, else by seeking to its end."""
    size = getattr(fileobj, "size", None)
    if isinstance(size, int) and not isinstance(size, bool):
        return size
    fileobj.seek(0, io.SEEK_END)
    return fileobj.tell()


def _read_all(fileobj):
    fileobj.seek(0)
    try:
        return fileobj.read()
    finally:
        fileobj.seek(0)


# --- Office Open XML --------------------------------------------------------------------------

_MACRO_PARTS = re.compile(r"(^|/)(vbaproject|vbadata|activex\d*|oleobject\d*)\.(bin|xml)$|/activex/", re.I)
_MACRO_TYPES = re.compile(rb"macroEnabled|vbaProject|ms-office\.activeX|oleObject", re.I)
_MAIN_PARTS = {"word/document.xml": ".docx", "xl/workbook.xml": ".xlsx"}
_ACTIVE_FORMULA = re.compile(
    rb"\b(DDE|DDEAUTO|HYPERLINK|WEBSERVICE|FILTERXML|IMAGE|RTD|CALL|REGISTER|EXEC)\s*\(|\|", re.I
)
_WORD_FIELD_JOINED = re.compile(rb"DDEAUTO|INCLUDETEXT|INCLUDEPICTURE", re.I)
_WORD_FIELD = re.compile(rb"\b(DDE|IMPORT|LINK)\b", re.I)


def ooxml_entries(fileobj, *, max_entry=None, max_total=None, large=None):
    """The zip entries of an OOXML file after the bomb, encryption and macro checks; ServiceError.
    A large entry that compresses like ordinary XML is a big genuine file (`large` says so), one
    that compresses a hundredfold and more is a bomb."""
    max_entry = MAX_ENTRY_BYTES if max_entry is None else max_entry
    max_total = MAX_TOTAL_BYTES if max_total is None else max_total
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise ServiceError(CORRUPT) from None
    finally:
        fileobj.seek(0)
    if len(entries) > MAX_ENTRIES:
        raise ServiceError(BOMB)
    total = 0
    names = set()
    for entry in entries:
        name = entry.filename.lower()
        if name in names or name.startswith("/") or ".." in name.split("/"):
            raise ServiceError(CORRUPT)
        names.add(name)
        if entry.flag_bits & 0x1:
            raise ServiceError(ENCRYPTED)
        total += entry.file_size
        too_big = entry.file_size > max_entry or total > max_total
        if (too_big or entry.file_size >= RATIO_CHECK_MIN_BYTES) and (
            entry.compress_size <= 0 or entry.file_size / entry.compress_size > MAX_COMPRESSION_RATIO
        ):
            raise ServiceError(BOMB)
        if too_big:
            raise ServiceError(large or LARGE_CONTENT)
        if _MACRO_PARTS.search(name):
            raise ServiceError(MACRO)
    return entries


LARGE_CONTENT = (
    "文件解压后过大（超过 200 MB，或单个部分超过 50 MB），请删除多余内容或拆分为多个文件后再上传。"
)


def _read_entry(archive, name, limit=MAX_ENTRY_BYTES):
    with archive.open(name) as member:
        return member.read(limit)


def ooxml_kind(fileobj, entries):
    """.docx or .xlsx from the content types and the main part; ServiceError for macro-enabled
    types; None when the zip is not a Word document or an Excel workbook."""
    names = {entry.filename.lower(): entry.filename for entry in entries}
    if "[content_types].xml" not in names:
        return None
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            content_types = _read_entry(archive, names["[content_types].xml"], 1 * MIB)
    except Exception:
        raise ServiceError(CORRUPT) from None
    finally:
        fileobj.seek(0)
    if _MACRO_TYPES.search(content_types):
        raise ServiceError(MACRO)
    kinds = {kind for part, kind in _MAIN_PARTS.items() if part in names}
    return kinds.pop() if len(kinds) == 1 else None


def _xml_events(data):
    """(local tag name, attributes by local name, text) of every element, as an XML reader sees them:
    entities decoded, namespace prefixes and quoting resolved (a regular expression over the bytes
    can be dodged with `&#68;DE`, `TargetMode='External'` or another prefix for the same namespace).
    A DTD or an entity declaration (never in a genuine Office file) is refused as corrupt."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    def local(name):
        return name.rsplit("}", 1)[-1]

    try:
        for _, element in iterparse(io.BytesIO(data), events=("end",)):
            attributes = {local(key): value for key, value in element.attrib.items()}
            yield local(element.tag), attributes, element.text or ""
            element.clear()
    except (DefusedXmlException, SyntaxError, ValueError):
        raise ServiceError(CORRUPT) from None


def ooxml_active_content(fileobj, entries, kind):
    """Refuse external links, DDE/HYPERLINK-style formulas and Word DDE fields (for attachments
    people download and open: a formula that runs a command or fetches a URL on opening). Each part
    is read as XML (`_xml_events`), so an escaped or re-prefixed form is caught like the plain one."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            for entry in entries:
                name = entry.filename.lower()
                if name.startswith("xl/externallinks/"):
                    raise ServiceError(ACTIVE_CONTENT)
                if not name.endswith((".xml", ".rels")):
                    continue
                _check_part(_read_entry(archive, entry.filename), name, kind)
    except ServiceError:
        raise
    except Exception:
        raise ServiceError(CORRUPT) from None
    finally:
        fileobj.seek(0)


def _check_part(data, name, kind):
    word = kind == ".docx" and name.startswith("word/")
    sheet = kind == ".xlsx" and name.startswith("xl/")
    instructions = []
    for tag, attributes, text in _xml_events(data):
        if tag == "Relationship" and attributes.get("TargetMode", "").strip().lower() == "external":
            if not attributes.get("Type", "").lower().endswith("/hyperlink"):
                raise ServiceError(ACTIVE_CONTENT)
        elif sheet and tag == "f" and _ACTIVE_FORMULA.search(text.encode()):
            raise ServiceError(ACTIVE_CONTENT)
        elif word and tag in ("ddeLink", "altChunk"):
            raise ServiceError(ACTIVE_CONTENT)
        elif word and tag == "instrText":
            instructions.append(text)
        elif word and tag == "fldSimple":
            instructions.append(attributes.get("instr", ""))
    # A field code may be split over several runs ("DD" + "EAUTO"): join them.
    pieces = [piece.encode() for piece in instructions]
    if _WORD_FIELD_JOINED.search(b"".join(pieces)) or _WORD_FIELD.search(b" ".join(pieces)):
        raise ServiceError(ACTIVE_CONTENT)


# --- PDF --------------------------------------------------------------------------------------

_PDF_ACTIVE_KEYS = {
    "/JavaScript",
    "/JS",
    "/OpenAction",
    "/AA",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMedia",
    "/XFA",
    "/GoToE",
}
_PDF_NAME = re.compile(rb"/[A-Za-z0-9#]+")
_MAX_PDF_OBJECTS = 200_000


def _pdf_raw_names(data):
    """Every /Name in the raw bytes, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    for match in _PDF_NAME.finditer(data):
        raw = match.group()
        if b"#" in raw:
            try:
                raw = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
            except ValueError:
                continue
        yield raw.decode("latin-1")


def _walk_pdf(root):
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen, stack, count = set(), [root], 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        count += 1
        if count > _MAX_PDF_OBJECTS:
            raise ServiceError(BOMB)
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if key in _PDF_ACTIVE_KEYS:
                    raise ServiceError(PDF_SCRIPT)
                if key == "/S" and isinstance(value, NameObject) and value in _PDF_ACTIVE_KEYS:
                    raise ServiceError(PDF_SCRIPT)
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


_PDF_STREAM = re.compile(rb"\bstream\r?\n.*?\bendstream\b", re.S)


def check_pdf(data):
    # Names outside streams (stream bytes are binary and could spell "/JS" by chance); what is
    # inside object streams is reached by the walk below.
    if any(name in _PDF_ACTIVE_KEYS for name in _pdf_raw_names(_PDF_STREAM.sub(b"", data))):
        raise ServiceError(PDF_SCRIPT)
    if b"%%EOF" not in data[-2048:]:
        raise ServiceError(CORRUPT)
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise ServiceError(ENCRYPTED)
            if len(reader.pages) < 1:
                raise ServiceError(CORRUPT)
            _walk_pdf(reader.trailer)  # also reaches inside object streams, which the raw scan cannot
    except ServiceError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        raise ServiceError(CORRUPT) from None


# --- images -----------------------------------------------------------------------------------


def check_image(data, extension):
    from PIL import Image

    expected = {".png": "PNG", ".jpg": "JPEG"}[extension]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected:
                    raise ServiceError(CORRUPT)
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise ServiceError(IMAGE_TOO_LARGE)
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except ServiceError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ServiceError(IMAGE_TOO_LARGE) from None
    except Exception:
        raise ServiceError(CORRUPT) from None
    if extension == ".png" and len(data) - (data.rfind(b"IEND") + 8) > 0:
        raise ServiceError(POLYGLOT)  # bytes after the PNG's end: something else rides along


# --- the gate ---------------------------------------------------------------------------------

_ZIP_END = b"PK\x05\x06"  # a zip reader looks for this within the last 64 KB
# A zip entry's local header (signature, then the version needed: 1.0 to 6.3), anywhere: some readers
# find a zip carried by an image or a PDF even when its directory is padded beyond the last 64 KB.
_ZIP_ENTRY = re.compile(rb"PK\x03\x04[\x0a-\x3f]\x00")
_HTML_MARKERS = re.compile(rb"<\s*(script|html|body|svg|iframe|object|embed)\b|<\?php|javascript:", re.I)


def _polyglot(data, extension):
    if extension in (".pdf", ".png", ".jpg") and (
        _ZIP_END in data[-(65536 + 22) :] or _ZIP_ENTRY.search(data)
    ):
        return True
    if extension != ".pdf" and b"%PDF-" in data[:1024]:
        return True
    if extension in (".png", ".jpg") and (b"%PDF-" in data or _HTML_MARKERS.search(data)):
        return True
    return False


def sniff(head):
    for magic, extension, _ in SIGNATURES:
        if head.startswith(magic):
            return extension
    return "zip" if head.startswith(b"PK\x03\x04") else None


def inspect(uploaded, *, allowed, wrong_type, limit=None, size_hint="", active_content=True):
    """The extension of an acceptable upload, judged by content and a full parse; ServiceError."""
    limit = max_document_bytes() if limit is None else limit
    size = file_size(uploaded)
    if size == 0:
        raise ServiceError(EMPTY)
    if size > limit:
        raise ServiceError(too_large(size, limit, size_hint))
    data = _read_all(uploaded)
    if not data:
        raise ServiceError(EMPTY)
    extension = sniff(data[:16])
    if extension == "zip":
        entries = ooxml_entries(uploaded)
        extension = ooxml_kind(uploaded, entries)
        if extension not in allowed:
            raise ServiceError(wrong_type)
        if _polyglot(data, extension):
            raise ServiceError(POLYGLOT)
        if active_content:
            ooxml_active_content(uploaded, entries, extension)
        return extension
    if extension not in allowed:
        raise ServiceError(wrong_type)
    if _polyglot(data, extension):
        raise ServiceError(POLYGLOT)
    if extension == ".pdf":
        check_pdf(data)
    else:
        check_image(data, extension)
    return extension


def check_document(uploaded):
    """The extension (.pdf/.png/.jpg) of a scanned document (the stamped form); ServiceError otherwise."""
    return inspect(
        uploaded,
        allowed=DOCUMENT_KINDS,
        wrong_type=NOT_DOCUMENT,
        size_hint="扫描时可选择较低的分辨率（如 150 dpi）。",
    )


def check_attachment(uploaded):
    """The extension of a notice attachment or a 资料下载 file: PDF, .docx, .xlsx, JPG or PNG."""
    return inspect(uploaded, allowed=ATTACHMENT_KINDS, wrong_type=NOT_ATTACHMENT)


def store(fieldfile, name, upload):
    """Save an accepted upload into a FileField; the file it replaces is deleted only once the
    surrounding transaction commits, so a save refused later leaves the old file in place."""
    from django.db import transaction

    old = fieldfile.name or None
    storage = fieldfile.storage
    fieldfile.save(name, upload, save=False)
    if old and old != fieldfile.name:
        transaction.on_commit(lambda: storage.delete(old))
