"""The shared Excel machinery behind the demand batch import and the offer bulk upload.

Spreadsheets arrive typed by hand, in Excel or WPS, by civil servants and NGO staff.  This module
refuses files that are not plain .xlsx workbooks (old .xls, CSV, macros, encrypted or zip-bomb
files) before openpyxl ever sees them, reads one sheet into `ParsedRow`s with every cell parsed
the way people really type it, and writes templates and exports that read back to the same values.

Every message meant for the user is Chinese text without any Python exception text in it:
`ExcelError.message` for a whole-file problem, `ParsedRow.errors[key]` for one cell (use
`error_messages()` to get "第3行“项目预算（元）”：…" lines).
"""

import dataclasses
import logging
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from portal import xlsx
from portal.xlsx import AMOUNT_FORMAT, DATE_FORMAT, FORMULA_START, neutralize  # noqa: F401 (re-exported)

from .excel_cells import (  # noqa: F401 (re-exported: the cell parsers live there)
    _CJK,
    _is_blank,
    _norm_label,
    clean_text,
    decode_escapes,
    parse_amount,
    parse_bool,
    parse_cell,
    parse_choice,
    parse_date,
    parse_int,
)
from .uploads import file_size

logger = logging.getLogger(__name__)

KINDS = ("text", "amount", "date", "int", "choice", "bool")
DEFAULT_SHEET_TITLE = "数据"
OPTIONS_SHEET_TITLE = "选项"
INSTRUCTIONS_SHEET_TITLE = "填写说明"

MIB = 1024 * 1024


def _setting(name, default):
    try:
        value = getattr(settings, name, None)
    except ImproperlyConfigured:  # imported outside a configured Django project
        return default
    return default if value is None else value


# Limits.  Both read settings at import; a settings override made later (e.g. the pytest-django
# `settings` fixture) also takes effect, and so does monkeypatching these module attributes.
MAX_UPLOAD_BYTES = _setting("EXCEL_MAX_UPLOAD_BYTES", 5 * MIB)
MAX_ROWS = _setting("EXCEL_MAX_ROWS", 10_000)
_IMPORTED_LIMITS = {"EXCEL_MAX_UPLOAD_BYTES": MAX_UPLOAD_BYTES, "EXCEL_MAX_ROWS": MAX_ROWS}

# Zip-bomb guards (portal.uploads checks them against the zip directory; nothing is extracted).
MAX_ENTRY_BYTES = 50 * MIB
MAX_TOTAL_BYTES = 200 * MIB


def _max_upload_bytes():
    return _runtime_limit("EXCEL_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)


def _max_rows():
    return _runtime_limit("EXCEL_MAX_ROWS", MAX_ROWS)


def _runtime_limit(name, module_value):
    configured = _setting(name, None)
    if configured is not None and configured != _IMPORTED_LIMITS[name]:
        return configured
    return module_value


# --------------------------------------------------------------------------------------------
# Public types


class ExcelError(Exception):
    """A problem with the whole file; `.message` is Chinese text to show to the user as it is."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    key: str  # the model/form field name, e.g. "budget"
    header: str  # the Chinese header in the sheet, e.g. "项目预算（元）"
    kind: str = "text"  # "text" | "amount" | "date" | "int" | "choice" | "bool"
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()  # for kind="choice": allowed values (also the drop-down list)
    example: object = ""  # value in the template's example row
    width: int = 18  # column width in the template
    help: str = ""  # one line shown in the template's instruction sheet
    aliases: tuple[str, ...] = ()  # other headers (or JSON keys) accepted for the same column

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Column {self.key!r}: unknown kind {self.kind!r}, expected one of {KINDS}")
        object.__setattr__(self, "choices", tuple(self.choices))
        object.__setattr__(self, "aliases", tuple(self.aliases))

    def under_aliases(self):
        """The same column under each of its other headers (optional there), for `read_sheet`."""
        return [dataclasses.replace(self, header=alias, required=False, aliases=()) for alias in self.aliases]


@dataclass
class ParsedRow:
    number: int  # the Excel row number (header is row 1, so data starts at 2)
    values: dict = field(default_factory=dict)  # key -> parsed value, None when empty or invalid
    errors: dict = field(default_factory=dict)  # key -> Chinese message for cells that could not be parsed

    @property
    def ok(self):
        return not self.errors

    def messages(self, columns: Sequence[Column]) -> list[str]:
        """This row's errors as full sentences: "第3行“项目预算（元）”：金额格式不正确…"."""
        headers = {c.key: c.header for c in columns}
        return [
            f"第{self.number}行“{headers.get(key, key)}”：{message}" for key, message in self.errors.items()
        ]


def error_messages(rows: Iterable[ParsedRow], columns: Sequence[Column]) -> list[str]:
    """Every cell error of every row, each naming the row number and the column header."""
    return [message for row in rows for message in row.messages(columns)]


# --------------------------------------------------------------------------------------------
# File checks

_NOT_XLSX = "请上传 .xlsx 格式的 Excel 文件（Excel 2007 及以上），可用 Excel 或 WPS 另存为 .xlsx"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and also password-protected .xlsx
_UNREADABLE = "无法读取文件内容，文件可能已损坏。请用 Excel 或 WPS 打开后重新另存为 .xlsx 再上传。"


def _format_mb(size):
    mb = size / MIB
    return f"{mb:.0f}" if mb >= 100 else f"{mb:.3g}"


def _mb_beyond(size, limit):
    """The file's size in MB with as many decimals as it takes to read as more than the limit:
    never "超过 5 MB 的上限（本文件 5.00 MB）"."""
    for decimals in range(2, 7):
        shown = f"{size / MIB:.{decimals}f}"
        if float(shown) > float(_format_mb(limit)):
            return shown
    return f"{size / MIB:.7f}"


def check_xlsx(fileobj) -> None:
    """Refuse anything that is not a plain .xlsx workbook, reading only the zip directory."""
    fileobj.seek(0)
    try:
        _check_xlsx(fileobj)
    finally:
        fileobj.seek(0)


def _check_xlsx(fileobj):
    from . import uploads

    size = file_size(fileobj)
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if size == 0 or not head:
        raise ExcelError("上传的文件是空的，请检查后重新上传。")
    limit = _max_upload_bytes()
    if size > limit:
        raise ExcelError(
            f"文件大小超过 {_format_mb(limit)} MB 的上限（本文件 {_mb_beyond(size, limit)} MB），"
            "请删除多余内容或拆分为多个文件分批上传。"
        )
    if head.startswith(_OLE_SIGNATURE):
        raise ExcelError(_NOT_XLSX + "。如果文件设置了打开密码，请先取消密码再上传。")
    if not head.startswith(b"PK"):
        raise ExcelError(_NOT_XLSX + "。")
    large = (
        f"文件解压后过大（单个工作表超过 {_format_mb(MAX_ENTRY_BYTES)} MB 或合计超过 {_format_mb(MAX_TOTAL_BYTES)} MB），"
        f"压缩比正常，应是数据很多的表格：每个文件最多 {_max_rows():,} 行，超过 {_max_rows():,} 行请拆分为多个文件分批上传。"
    )
    try:
        entries = uploads.ooxml_entries(
            fileobj, max_entry=MAX_ENTRY_BYTES, max_total=MAX_TOTAL_BYTES, large=large
        )
        kind = uploads.ooxml_kind(fileobj, entries)
    except uploads.ServiceError as error:
        raise ExcelError(error.message) from None
    if kind != ".xlsx":
        raise ExcelError("该文件不是 Excel 工作簿（可能是其他类型的文件改了扩展名）。" + _NOT_XLSX + "。")


# --------------------------------------------------------------------------------------------
# Reading


def _norm_header(text):
    text = _norm_label(text)
    return text.strip("*").removesuffix(":").strip("*")


def _display(text, limit=30):
    text = " ".join(clean_text(text).split())
    return text if len(text) <= limit else text[:limit] + "…"


def _pick_sheet(workbook, sheet_title):
    """The visible sheet named `sheet_title`, else the first visible sheet: a hidden sheet is never
    read (its rows would be imported unseen by whoever checked the file)."""
    visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    for ws in workbook.worksheets:
        if ws.title == sheet_title:
            if ws.sheet_state != "visible":
                raise ExcelError(
                    f"工作表“{_display(sheet_title)}”被隐藏了，隐藏的内容不会被导入。"
                    "请在 Excel 或 WPS 中取消隐藏、检查内容后重新上传。"
                )
            return ws
    if visible:
        return visible[0]
    raise ExcelError("文件中没有可以读取的工作表，请使用下载的模板填写。")


class SheetRows(list):
    """The parsed rows of one sheet; `.sheet_title` names the sheet they were read from."""

    sheet_title = ""


def _match_headers(header, columns):
    """Map sheet column index -> Column; ExcelError when headers do not fit the template."""
    by_label = {_norm_header(c.header): c for c in columns}
    mapping, seen, unknown, duplicates = {}, {}, [], []
    for index, cell in enumerate(header):
        if _is_blank(cell):
            continue  # a column without a header (e.g. a note at the side) is ignored
        column = by_label.get(_norm_header(cell))
        if column is None:
            name = _display(cell)
            if name not in unknown:
                unknown.append(name)
        elif column.key in seen:
            duplicates.append(
                f"“{column.header}”（第{get_column_letter(seen[column.key] + 1)}列和第{get_column_letter(index + 1)}列）"
            )
        else:
            seen[column.key] = index
            mapping[index] = column
    if duplicates:
        raise ExcelError("表头重复：" + "、".join(duplicates) + "。请删除重复的列后再上传。")
    missing = [c.header for c in columns if c.required and c.key not in seen]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("缺少列" + "".join(f"“{h}”" for h in missing))
        if unknown:
            parts.append("无法识别的列" + "".join(f"“{h}”" for h in unknown))
        raise ExcelError("表头与模板不一致：" + "；".join(parts) + "。请下载最新模板。")
    return mapping


FORMULA_MESSAGE = "单元格含有公式：请选中该列，复制后用“选择性粘贴—数值”粘贴，再上传"


def _parse_value(column, value):
    """(the parsed value, None) or (None, the Chinese message) of one cell."""
    try:
        return parse_cell(column, value), None
    except ValueError as error:
        message = str(error)
        # Our parsers speak Chinese; anything else would be Python's own text, never shown.
        return None, message if _CJK.search(message) else "格式不正确，请检查后重新填写"


def _parse_row(number, cells, mapping, columns, texts=None):
    """`texts`: {column index: {text: (value, message)}} of the text cells parsed so far in this sheet,
    read instead of parsing a text again (rows repeat their contacts, areas, categories and dates)."""
    row = ParsedRow(number=number, values={c.key: None for c in columns}, errors={})
    for index, column in mapping.items():
        value = cells[index] if index < len(cells) else None
        if texts is not None and type(value) is str:
            known = texts[index]
            parsed = known.get(value)
            if parsed is None:
                parsed = known[value] = _parse_value(column, value)
        else:
            parsed = _parse_value(column, value)
        if parsed[1] is None:
            row.values[column.key] = parsed[0]
        else:
            row.errors[column.key] = parsed[1]
    for column in columns:
        if column.required and row.values[column.key] is None and column.key not in row.errors:
            row.errors[column.key] = "必填，不能为空"
    return row


def read_sheet(fileobj, columns: Sequence[Column], *, sheet_title=DEFAULT_SHEET_TITLE) -> list[ParsedRow]:
    """Check the file, then parse the visible sheet `sheet_title` (else the first visible one) row
    by row; the result's `.sheet_title` says which sheet was read.

    Row 1 is the header; rows whose template columns are all empty are skipped."""
    check_xlsx(fileobj)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # data_only=False: a formula cell shows as a formula, so it can be refused rather than
            # silently replaced by whatever value Excel last cached for it.
            workbook = load_workbook(fileobj, read_only=True, data_only=False)
    except Exception:
        logger.warning("Excel upload could not be opened by openpyxl", exc_info=True)
        fileobj.seek(0)
        raise ExcelError(_UNREADABLE) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ws = _pick_sheet(workbook, sheet_title)
            rows = SheetRows(_read_rows(ws, columns))
            rows.sheet_title = ws.title
            return rows
    except ExcelError:
        raise
    except Exception:
        logger.warning("Excel upload could not be read", exc_info=True)
        raise ExcelError(_UNREADABLE) from None
    finally:
        workbook.close()
        fileobj.seek(0)


def _read_rows(ws, columns):
    ws.reset_dimensions()  # the declared dimension may be wrong; read what is there
    rows = ws.iter_rows()
    header_cells = next(rows, None)
    header = tuple(cell.value for cell in header_cells) if header_cells else None
    if not header or all(_is_blank(cell) for cell in header):
        raise ExcelError("第1行应为表头，但它是空的。请使用下载的模板填写，不要删除表头。")
    mapping = _match_headers(header, columns)
    limit = _max_rows()
    parsed = []
    texts = {index: {} for index in mapping}  # the text cells parsed so far, by column (`_parse_row`)
    for number, row_cells in enumerate(rows, start=2):
        cells = tuple(cell.value for cell in row_cells)
        if all(_is_blank(cells[i]) for i in mapping if i < len(cells)):
            continue
        if len(parsed) >= limit:
            raise ExcelError(f"数据超过 {limit:,} 行的上限（文件本身正常），请拆分为多个文件分批上传。")
        row = _parse_row(number, cells, mapping, columns, texts)
        for index, column in mapping.items():
            if index < len(row_cells) and getattr(row_cells[index], "data_type", None) == "f":
                row.values[column.key] = None
                row.errors[column.key] = FORMULA_MESSAGE
        parsed.append(row)
    return parsed


# --------------------------------------------------------------------------------------------
# Writing: templates in portal.excel_template, exports through the one writer (portal.xlsx)

_EXPORT_KINDS = {"amount": "amount", "date": "date", "int": "year"}  # text, choice and bool: text


def header_text(column):
    return f"*{column.header}" if column.required else column.header


def _export_value(column, value):
    """A cell as the writer takes it: text typed into a number or date column is parsed (or kept as
    text when it does not parse), 是/否 for yes/no columns, anything else in a text column as text."""
    if value is None or value == "":
        return None
    kind = column.kind
    if kind in ("amount", "date", "int", "bool") and isinstance(value, str):
        try:
            value = parse_cell(column, value)
        except ValueError:
            return value
    if kind == "bool" and (isinstance(value, bool) or value in (0, 1)):
        return "是" if value else "否"
    if _EXPORT_KINDS.get(kind) is None and not isinstance(value, str):
        return clean_text(value)
    return value


def export_sheet(columns: Sequence[Column], rows: Iterable[dict], *, sheet_title=DEFAULT_SHEET_TITLE):
    """A sheet for `portal.xlsx` with the template's header row: it reads back through read_sheet."""
    out = [
        xlsx.Column(c.key, header_text(c), _EXPORT_KINDS.get(c.kind, "text"), c.width, c.required)
        for c in columns
    ]
    converted = ({c.key: _export_value(c, row.get(c.key)) for c in columns} for row in rows)
    return xlsx.Sheet(sheet_title, out, list(converted) if isinstance(rows, Sequence) else converted)


def write_rows(columns: Sequence[Column], rows: Iterable[dict], *, sheet_title=DEFAULT_SHEET_TITLE) -> bytes:
    """An export of `rows` (dicts keyed by column) as .xlsx bytes, written by `portal.xlsx`."""
    return xlsx.to_bytes([export_sheet(columns, rows, sheet_title=sheet_title)])


def build_template(columns: Sequence[Column], **options) -> bytes:
    """The import template of `columns` (see `portal.excel_template.build_template`)."""
    from portal.excel_template import build_template as build

    return build(columns, **options)
