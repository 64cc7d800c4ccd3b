"""数据对接 (R-INT-1): the format of the files `import_external_projects` takes in, and reading
them. The file format is documented in docs/external-import.md; `FIELDS` below is its one
definition. A problem with the file itself (not JSON, not a real .xlsx, missing or unknown columns)
stops the run before anything is looked at: `ImportFileError`."""

import datetime
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone

from portal import excel
from portal.excel import Column, ExcelError
from portal.import_widgets import norm

from .models import (
    AWARD_FIELDS,
    EVALUATION_FIELDS,
    PLATFORM_SOURCE,
    Demand,
    Grade,
    Orientation,
    PlanType,
    Status,
)

DOC = "docs/external-import.md"
MIB = 1024 * 1024
MAX_JSON_BYTES = 50 * MIB
MAX_RECORDS = 50_000
SOURCE_MAX_LENGTH = Demand._meta.get_field("source").max_length


class ImportFileError(Exception):
    """A problem with the whole file or the run; `.message` is Chinese text for the operator."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------------------------
# The format


def _field(key, header, kind="text", *, max_length=200, **options):
    """A field of the format: the one column description every import uses (portal.excel.Column);
    `key` is the JSON key (stable ASCII), `header` the .xlsx header (also accepted as a JSON key)."""
    return Column(key, header, kind, max_length=max_length, **options)


FIELDS = (
    _field(
        "external_id", "外部编号", required=True, max_length=60, help="来源系统中的项目编号，同一来源内唯一"
    ),
    _field("title", "项目名称", required=True, max_length=100),
    _field("budget", "项目预算（元）", "amount", required=True, help="以元为单位，须低于政府采购限额"),
    _field(
        "category",
        "项目类别",
        required=True,
        help="二级类别：“一级/二级”名称（养老服务/居家养老服务）、二级类别名称或类别代码（0101）",
    ),
    _field("purchase_type", "购买服务类型", required=True, help="名称（基本公共服务）或代码（basic_public）"),
    _field("orientation", "面向社会组织方式", help="优先面向社会组织（默认）或 不限制社会组织参与"),
    _field("service_targets", "服务对象", required=True, max_length=200),
    _field(
        "district",
        "服务区域",
        required=True,
        aliases=("服务区域（区）",),
        help="区名（黄浦区）或区划代码（310101）",
    ),
    _field("street", "街镇", aliases=("服务街镇",), help="可不填；填写时须是所填区的街镇"),
    _field("period_start", "实施开始日期", "date", required=True),
    _field("period_end", "实施结束日期", "date", required=True),
    _field("year", "年度", "int", required=True),
    _field("plan_type", "项目性质", help="年度计划项目（默认）或 年度新增项目"),
    _field("budget_approved_on", "预算批复日期", "date", help="年度新增项目必填"),
    _field(
        "qualification",
        "资质和条件要求",
        required=True,
        max_length=2000,
        aliases=("对社会组织的资质和条件要求",),
    ),
    _field("other_info", "其他信息", max_length=2000),
    _field("contact_person", "联系人", required=True, max_length=40),
    _field("contact_phone", "联系电话", required=True, max_length=40),
    _field("contact_email", "联系邮箱", max_length=254),
    _field("unit", "购买主体", max_length=100, help="本平台已开通的购买主体：单位名称或统一社会信用代码"),
    _field("unit_uscc", "购买主体统一社会信用代码", max_length=30),
    _field("status", "状态", help="已发布（默认）、已确定承接方、已评价、已取消"),
    _field("published_at", "发布时间", help="来源系统的发布时间；不填时新记录取导入时间"),
    _field("awarded_org", "承接社会组织", max_length=100, help="名称或统一社会信用代码"),
    _field("awarded_org_uscc", "承接社会组织统一社会信用代码", max_length=30),
    _field("award_amount", "成交金额（元）", "amount"),
    _field("awarded_on", "确定承接日期", "date"),
    _field("eval_grade", "绩效评价等级", help="优秀、良好、合格、不合格"),
    _field("eval_score", "绩效评价得分", help="0～100，最多两位小数"),
    _field("eval_summary", "评价摘要", max_length=2000),
    _field("evaluated_on", "评价日期", "date"),
    _field("cancel_reason", "取消原因", max_length=2000),
    _field("cancelled_on", "取消日期", "date", help="不填时取首次导入为“已取消”的时间"),
)
SPECS = {spec.key: spec for spec in FIELDS}
FIELD_ORDER = {key: index for index, key in enumerate(SPECS)}
# Columns a spreadsheet may carry that mean nothing here.
IGNORED = ("序号",)
_IGNORED_KEY = "_ignored"

AWARD_KEYS = ("awarded_org", "awarded_org_uscc", "award_amount", "awarded_on")
EVAL_KEYS = ("eval_grade", "eval_score", "eval_summary", "evaluated_on")
CANCEL_KEYS = ("cancel_reason", "cancelled_on")
IMPORT_STATUSES = (Status.PUBLISHED, Status.AWARDED, Status.EVALUATED, Status.CANCELLED)
# What an import sets, in the order changes are listed; "unchanged" means all of these are equal.
COMPARED = (
    *Demand.EDITABLE_FIELDS,
    "unit",
    "status",
    "published_at",
    *AWARD_FIELDS,
    *EVALUATION_FIELDS,
    "cancel_reason",
    "cancelled_at",
)
# Fields whose value a problem report repeats: codes, names, numbers and dates, not free text.
ECHOED = {
    "external_id", "budget", "category", "purchase_type", "orientation", "district", "street",
    "period_start", "period_end", "year", "plan_type", "budget_approved_on", "unit", "unit_uscc",
    "status", "published_at", "awarded_org", "awarded_org_uscc", "award_amount", "awarded_on",
    "eval_grade", "eval_score", "evaluated_on", "cancelled_on",
}  # fmt: skip
FOREIGN_KEYS = ("category", "purchase_type", "district", "street", "unit", "awarded_org")
# Model field → the file field its problems are reported under.
MODEL_TO_KEY = {"cancelled_at": "cancelled_on", "created_by": "unit"}


def columns():
    """The .xlsx columns for `portal.excel.read_sheet`: each field, its accepted other headers, 序号."""
    result = []
    for spec in FIELDS:
        result += [spec, *spec.under_aliases()]
    result += [Column(_IGNORED_KEY, header, max_length=None) for header in IGNORED]
    return result


_norm = norm  # names and codes are matched as every import matches them (portal.import_widgets)


def _choice_table(choices):
    table = {}
    for value, label in choices:
        table[_norm(value)] = value
        table[_norm(label)] = value
    return table


STATUS_TABLE = _choice_table(Status.choices)
GRADE_TABLE = _choice_table(Grade.choices)
ORIENTATION_TABLE = _choice_table(Orientation.choices)
PLAN_TABLE = _choice_table(PlanType.choices)


# --------------------------------------------------------------------------------------------
# Reading the file


@dataclass
class Record:
    number: int
    where: str  # "第3行" (xlsx) or "第3条" (JSON)
    values: dict = field(default_factory=dict)  # key -> parsed value (None when empty or invalid)
    errors: dict = field(default_factory=dict)  # key -> Chinese message
    raw: dict = field(default_factory=dict)  # key -> the value as written (JSON), for messages


def read_file(path):
    """Every record of a JSON or .xlsx file, parsed; ImportFileError for a problem with the file."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"找不到文件“{path}”。")
    with path.open("rb") as fileobj:
        head = fileobj.read(8)
    suffix = path.suffix.lower()
    if head.startswith((b"PK", b"\xd0\xcf\x11\xe0")) or suffix in (".xlsx", ".xls", ".xlsm"):
        records = _read_xlsx(path)
    elif suffix == ".json" or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"[", b"{")):
        records = _read_json(path)
    else:
        raise ImportFileError(
            "文件既不是 JSON 也不是 .xlsx（Excel 2007 及以上）格式，无法导入。"
            f"请使用 .json 或 .xlsx 文件，格式见 {DOC}。"
        )
    if not records:
        raise ImportFileError("文件中没有任何项目记录。")
    return records


def _read_xlsx(path):
    with path.open("rb") as fileobj:
        try:
            rows = excel.read_sheet(fileobj, columns())
        except ExcelError as exc:
            raise ImportFileError(
                "Excel 文件无法导入：" + exc.message.replace("请下载最新模板。", f"表头格式见 {DOC}。")
            ) from None
    records = []
    for row in rows:
        values = {k: v for k, v in row.values.items() if k != _IGNORED_KEY}
        errors = {k: v for k, v in row.errors.items() if k != _IGNORED_KEY}
        if all(v is None for v in values.values()) and set(errors.values()) <= {"必填，不能为空"}:
            continue  # only a 序号 filled in
        records.append(Record(row.number, f"第{row.number}行", values, errors))
    return records


class _DuplicateKey(Exception):
    pass


def _no_duplicate_keys(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def _no_constants(name):
    raise ValueError(name)


def _json_keys():
    table = {}
    for spec in FIELDS:
        for name in (spec.key, spec.header, *spec.aliases):
            table[_norm(name)] = spec
    return table


def _read_json(path):
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise ImportFileError(
            f"文件大小超过 {MAX_JSON_BYTES // MIB} MB 的上限（本文件 {size / MIB:.1f} MB），请拆分为多个文件分批导入。"
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("JSON 文件须为 UTF-8 编码，请另存为 UTF-8 后再导入。") from None
    try:
        data = json.loads(
            text, parse_float=Decimal, parse_constant=_no_constants, object_pairs_hook=_no_duplicate_keys
        )
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"不是有效的 JSON 文件（第{exc.lineno}行第{exc.colno}列附近格式错误），请检查文件是否完整。"
        ) from None
    except _DuplicateKey as exc:
        raise ImportFileError(f"JSON 文件中同一对象内有重复的键“{exc.args[0]}”，请检查。") from None
    except (ValueError, RecursionError):
        raise ImportFileError("不是有效的 JSON 文件（含有 NaN、过大的数字或嵌套过深），请检查。") from None

    if isinstance(data, dict):
        declared = data.get("source")
        projects = data.get("projects")
        if not isinstance(projects, list):
            raise ImportFileError(
                'JSON 文件应为项目列表 [...]，或含有“projects”列表的对象 {"projects": [...]}。'
            )
        if declared is not None and not isinstance(declared, str):
            raise ImportFileError("JSON 文件中的“source”应为文字。")
        data = projects
        source = declared
    elif isinstance(data, list):
        source = None
    else:
        raise ImportFileError('JSON 文件应为项目列表 [...]，或含有“projects”列表的对象 {"projects": [...]}。')
    if len(data) > MAX_RECORDS:
        raise ImportFileError(f"记录超过 {MAX_RECORDS} 条的上限，请拆分为多个文件分批导入。")

    keys = _json_keys()
    ignored = {_norm(name) for name in IGNORED}
    unknown = {}
    records = []
    for number, item in enumerate(data, start=1):
        record = Record(number, f"第{number}条", {spec.key: None for spec in FIELDS})
        records.append(record)
        if not isinstance(item, dict):
            record.errors[NON_FIELD_ERRORS] = "每条记录应为一个对象 {...}"
            continue
        for name, value in item.items():
            norm = _norm(name)
            if norm in ignored:
                continue
            spec = keys.get(norm)
            if spec is None:
                unknown.setdefault(name, number)
                continue
            if spec.key in record.raw:
                record.errors[spec.key] = f"“{spec.header}”在同一条记录中出现了两次（{name}）"
                continue
            record.raw[spec.key] = value
            try:
                record.values[spec.key] = _parse_json_value(spec, value)
            except ValueError as exc:
                record.errors[spec.key] = _chinese(exc)
        for spec in FIELDS:
            if spec.required and record.values[spec.key] is None and spec.key not in record.errors:
                record.errors[spec.key] = "必填，不能为空"
    if unknown:
        listed = "、".join(f"“{name}”（第{number}条）" for name, number in list(unknown.items())[:10])
        more = f"等 {len(unknown)} 个" if len(unknown) > 10 else ""
        raise ImportFileError(f"JSON 文件中有无法识别的字段：{listed}{more}。字段名见 {DOC}。")
    return _Records(records, source)


class _Records(list):
    """The records of a JSON file, with the source the file declares (if any)."""

    def __init__(self, records, source=None):
        super().__init__(records)
        self.declared_source = source


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _chinese(exc):
    message = str(exc)
    return message if _CJK.search(message) else "格式不正确，请检查"


def _parse_json_value(spec, value):
    if isinstance(value, dict | list):
        raise ValueError("应为文字、数字或日期，不能是列表或对象")
    if isinstance(value, bool):
        raise ValueError("应为文字或数字，不能是 true/false")
    if spec.kind == "date" and not isinstance(value, str | type(None)):
        raise ValueError('日期请写成文字，例如 "2026-03-01"')
    return excel.parse_cell(spec, value)


def _label(key):
    spec = SPECS.get(key)
    if spec is not None:
        return spec.header
    if key == NON_FIELD_ERRORS:
        return "记录"
    return str(Demand._meta.get_field(key).verbose_name)


def _shown(value, limit=40):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = " ".join(excel.clean_text(value).split())
    return text if len(text) <= limit else text[:limit] + "…"


def check_source(source):
    source = excel.clean_text(source)
    if not source:
        raise ImportFileError("请用 --source 指明数据来源，例如 --source 财政政府购买服务管理平台。")
    if _norm(source) == _norm(PLATFORM_SOURCE):
        raise ImportFileError(
            f"--source 不能是“{PLATFORM_SOURCE}”：本平台发布的需求不能被导入覆盖。请填写来源系统的名称。"
        )
    if len(source) > SOURCE_MAX_LENGTH:
        raise ImportFileError(f"--source 不能超过 {SOURCE_MAX_LENGTH} 个字。")
    return source


def _aware(day, time=datetime.time(0)):
    return timezone.make_aware(datetime.datetime.combine(day, time))


_TIME_RE = re.compile(r"(?P<date>.+?)(?:[ T]+(?P<h>[0-9]{1,2}):(?P<m>[0-9]{2})(?::(?P<s>[0-9]{2}))?)?")


def parse_datetime(value):
    """发布时间: 2026-03-02, 2026-03-02 09:30, 2026年3月2日 9:30, ISO 8601 with an offset."""
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        text = excel.clean_text(value)
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            match = _TIME_RE.fullmatch(text)
            if not match:
                raise ValueError("时间格式不正确：请按 2026-03-02 或 2026-03-02 09:30 的格式填写") from None
            day = excel.parse_date(match["date"])
            try:
                time = datetime.time(int(match["h"] or 0), int(match["m"] or 0), int(match["s"] or 0))
            except ValueError:
                raise ValueError("时间格式不正确：小时应为0～23，分钟和秒应为0～59") from None
            moment = datetime.datetime.combine(day, time)
    if not 2000 <= moment.year <= 2100:
        raise ValueError("日期的年份应在2000年至2100年之间")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


# --------------------------------------------------------------------------------------------
# The sample .xlsx is generated from the sample JSON, so the two never drift apart.


def xlsx_from_json(json_path):
    """The records of a JSON file written as an .xlsx with the Chinese headers (for docs/samples)."""
    data = json.loads(Path(json_path).read_text(encoding="utf-8-sig"), parse_float=Decimal)
    projects = data["projects"] if isinstance(data, dict) else data
    used = [spec for spec in FIELDS if spec.required or any(p.get(spec.key) is not None for p in projects)]
    return excel.write_rows([spec for spec in used], projects, sheet_title="项目")
