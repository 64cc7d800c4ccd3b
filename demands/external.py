"""数据对接 (R-INT-1, R-DEM-6): projects kept on another platform — the finance department's
政府购买服务管理平台, a district system — taken in from a JSON or .xlsx file by
`python manage.py import_external_projects FILE --source 来源名称 [--dry-run]`.

The file format is documented in docs/external-import.md; `FIELDS` below is its one definition.

How a run goes:
1. The whole file is read and every value parsed the way `portal/excel.py` parses cells typed by
   people (amounts, dates, numbers). A problem with the file itself (not JSON, not a real .xlsx,
   missing or unknown columns) stops the run before anything is looked at: `ImportFileError`.
2. Every record is mapped to the platform's reference data (项目类别, 购买服务类型, 区, 街镇) and
   subjects (购买主体, 承接社会组织) by exact name or code only: an unmapped value is reported with
   the record's row/number, the field and the value, never guessed. Then it passes `Demand.clean()`
   (第四条 scope rules, confidentiality) like a demand typed on the site.
3. A record with any problem is skipped (reported); the other records are created or updated in
   one transaction, keyed by (source, external id). A record equal to what is stored is left alone,
   so a second run of the same file writes nothing and adds no history. A record published on
   this platform (source 本平台) is never touched.
"""

import copy
import datetime
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import PurchaserUnit, SocialOrganization
from accounts.validators import is_valid_uscc, normalize_uscc
from portal import excel
from portal.excel import Column, ExcelError
from portal.models import Category, District, PurchaseType, Street
from supervision import confidentiality

from .models import PLATFORM_SOURCE, Demand, Grade, Orientation, PlanType, Status
from .selectors import field_display

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


@dataclass(frozen=True)
class Spec:
    key: str  # the JSON key, stable ASCII
    header: str  # the .xlsx header (also accepted as a JSON key)
    kind: str = "text"  # as portal.excel.Column: "text" | "amount" | "date" | "int"
    required: bool = False
    max_length: int | None = 200
    aliases: tuple[str, ...] = ()  # other headers accepted (the 批量发布 template's wording)
    help: str = ""

    @property
    def column(self):
        return Column(
            self.key, self.header, kind=self.kind, required=self.required, max_length=self.max_length
        )


FIELDS = (
    Spec(
        "external_id", "外部编号", required=True, max_length=60, help="来源系统中的项目编号，同一来源内唯一"
    ),
    Spec("title", "项目名称", required=True, max_length=100),
    Spec("budget", "项目预算（元）", "amount", required=True, help="以元为单位，须低于政府采购限额"),
    Spec(
        "category",
        "项目类别",
        required=True,
        help="二级类别：“一级/二级”名称（养老服务/居家养老服务）、二级类别名称或类别代码（0101）",
    ),
    Spec("purchase_type", "购买服务类型", required=True, help="名称（基本公共服务）或代码（basic_public）"),
    Spec("orientation", "面向社会组织方式", help="优先面向社会组织（默认）或 不限制社会组织参与"),
    Spec("service_targets", "服务对象", required=True, max_length=200),
    Spec(
        "district",
        "服务区域",
        required=True,
        aliases=("服务区域（区）",),
        help="区名（黄浦区）或区划代码（310101）",
    ),
    Spec("street", "街镇", aliases=("服务街镇",), help="可不填；填写时须是所填区的街镇"),
    Spec("period_start", "实施开始日期", "date", required=True),
    Spec("period_end", "实施结束日期", "date", required=True),
    Spec("year", "年度", "int", required=True),
    Spec("plan_type", "项目性质", help="年度计划项目（默认）或 年度新增项目"),
    Spec("budget_approved_on", "预算批复日期", "date", help="年度新增项目必填"),
    Spec(
        "qualification",
        "资质和条件要求",
        required=True,
        max_length=2000,
        aliases=("对社会组织的资质和条件要求",),
    ),
    Spec("other_info", "其他信息", max_length=2000),
    Spec("contact_person", "联系人", required=True, max_length=40),
    Spec("contact_phone", "联系电话", required=True, max_length=40),
    Spec("contact_email", "联系邮箱", max_length=254),
    Spec("unit", "购买主体", max_length=100, help="本平台已开通的购买主体：单位名称或统一社会信用代码"),
    Spec("unit_uscc", "购买主体统一社会信用代码", max_length=30),
    Spec("status", "状态", help="已发布（默认）、已确定承接方、已评价、已取消"),
    Spec("published_at", "发布时间", help="来源系统的发布时间；不填时新记录取导入时间"),
    Spec("awarded_org", "承接社会组织", max_length=100, help="名称或统一社会信用代码"),
    Spec("awarded_org_uscc", "承接社会组织统一社会信用代码", max_length=30),
    Spec("award_amount", "成交金额（元）", "amount"),
    Spec("awarded_on", "确定承接日期", "date"),
    Spec("eval_grade", "绩效评价等级", help="优秀、良好、合格、不合格"),
    Spec("eval_score", "绩效评价得分", help="0～100，最多两位小数"),
    Spec("eval_summary", "评价摘要", max_length=2000),
    Spec("evaluated_on", "评价日期", "date"),
    Spec("cancel_reason", "取消原因", max_length=2000),
    Spec("cancelled_on", "取消日期", "date", help="不填时取首次导入为“已取消”的时间"),
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
# An update may move a project forward only, as the platform's own lifecycle does (services.ALLOWED).
NEXT_STATUSES = {
    Status.DRAFT: set(IMPORT_STATUSES),
    Status.PUBLISHED: set(IMPORT_STATUSES),
    Status.AWARDED: {Status.AWARDED, Status.EVALUATED},
    Status.EVALUATED: {Status.EVALUATED},
    Status.CANCELLED: {Status.CANCELLED},
}

# What an import sets, in the order changes are listed; "unchanged" means all of these are equal.
COMPARED = (
    *Demand.EDITABLE_FIELDS,
    "unit",
    "status",
    "published_at",
    "awarded_org",
    "award_amount",
    "awarded_on",
    "eval_grade",
    "eval_score",
    "eval_summary",
    "evaluated_on",
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
        result.append(spec.column)
        for alias in spec.aliases:
            result.append(Column(spec.key, alias, kind=spec.kind, max_length=spec.max_length))
    result += [Column(_IGNORED_KEY, header, max_length=None) for header in IGNORED]
    return result


def _norm(text):
    """For matching names and codes: full-/half-width alike, no spaces, no case."""
    text = unicodedata.normalize("NFKC", excel.clean_text(text))
    return re.sub(r"\s+", "", text).casefold()


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
    return excel.parse_cell(spec.column, value)


# --------------------------------------------------------------------------------------------
# Planning: what each record would do


CREATE, UPDATE, UNCHANGED, REJECTED = "create", "update", "unchanged", "rejected"


@dataclass
class Outcome:
    record: Record
    external_id: str = ""
    title: str = ""
    action: str = ""
    demand: Demand | None = None
    changes: list = field(default_factory=list)  # [(model field name, old, new)] as shown
    problems: list = field(default_factory=list)  # ["“项目类别”：…"]

    @property
    def name(self):
        ident = f"（外部编号 {self.external_id}）" if self.external_id else ""
        return f"{self.record.where}{ident}"


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


class _Lookups:
    """The platform's reference data and subjects, keyed the ways a file may name them."""

    def __init__(self):
        self.categories_by_key = {}
        self.categories_by_name = {}
        self.top_categories = set()
        for c in Category.objects.select_related("parent"):
            if c.parent_id is None:
                self.top_categories.add(_norm(c.name))
                self.categories_by_key[_norm(c.code)] = c
            else:
                self.categories_by_key[_norm(c.code)] = c
                self.categories_by_key[_norm(f"{c.parent.name}/{c.name}")] = c
                self.categories_by_name.setdefault(_norm(c.name), []).append(c)
        self.districts = {}
        for d in District.objects.all():
            self.districts[_norm(d.name)] = d
            self.districts[_norm(d.code)] = d
        self.streets = {(s.district_id, _norm(s.name)): s for s in Street.objects.filter(is_active=True)}
        self.purchase_types = {}
        for p in PurchaseType.objects.all():
            self.purchase_types[_norm(p.name)] = p
            self.purchase_types[_norm(p.code)] = p
        self._units = None
        self._orgs = None

    def category(self, value):
        key = _norm(value)
        found = self.categories_by_key.get(key)
        if found is None:
            same_name = self.categories_by_name.get(key, [])
            if len(same_name) > 1:
                raise ValueError(
                    f"“{value}”对应本平台多个二级类别，请写成“一级类别/二级类别”，例如“{same_name[0].parent.name}/{same_name[0].name}”"
                )
            found = same_name[0] if same_name else None
        if found is None and key not in self.top_categories:
            raise ValueError(
                f"“{value}”无法对应本平台的项目类别：请填写“一级类别/二级类别”（如“养老服务/居家养老服务”）、"
                "二级类别名称或类别代码（如 0101）"
            )
        if found is None or found.parent_id is None:
            raise ValueError(f"“{value}”是一级类别，请填写具体的二级类别，如“养老服务/居家养老服务”")
        if not found.is_active:
            raise ValueError(f"项目类别“{value}”在本平台已停用")
        return found

    def district(self, value):
        found = self.districts.get(_norm(value))
        if found is None:
            raise ValueError(f"“{value}”不是上海市的区：请填写区名（如“黄浦区”）或六位区划代码（如 310101）")
        return found

    def street(self, value, district):
        found = self.streets.get((district.pk, _norm(value)))
        if found is None:
            raise ValueError(f"“{value}”不是本平台登记的{district.name}街镇，请核对名称")
        return found

    def purchase_type(self, value):
        found = self.purchase_types.get(_norm(value))
        if found is None:
            names = "、".join(dict.fromkeys(p.name for p in self.purchase_types.values()))
            raise ValueError(f"“{value}”不是本平台的购买服务类型，可填：{names}")
        return found

    @staticmethod
    def _index(rows):
        by_code, by_name = {}, {}
        for row in rows:
            by_code[normalize_uscc(row.uscc)] = row
            by_name.setdefault(_norm(row.name), []).append(row)
        return by_code, by_name

    def units(self):
        if self._units is None:
            self._units = self._index(PurchaserUnit.objects.only("pk", "name", "uscc", "is_active"))
        return self._units

    def organizations(self):
        if self._orgs is None:
            self._orgs = self._index(
                SocialOrganization.objects.only(
                    "pk", "name", "uscc", "registration_status", "on_serious_list"
                )
            )
        return self._orgs


def _subject(values, name_key, code_key, index, what, errors):
    """A purchaser unit or organization named by 名称 or 统一社会信用代码 (or both, which must agree)."""
    by_code, by_name = index
    found = {}
    for key in (name_key, code_key):
        value = values.get(key)
        if value is None:
            continue
        code = normalize_uscc(value)
        if key == code_key or is_valid_uscc(code):
            if key == code_key and not is_valid_uscc(code):
                errors[key] = f"“{value}”不是有效的统一社会信用代码"
                continue
            row = by_code.get(code)
            if row is None:
                errors[key] = f"本平台没有统一社会信用代码为“{code}”的{what}（须先在本平台开通）"
                continue
        else:
            rows = by_name.get(_norm(value), [])
            if not rows:
                errors[key] = (
                    f"本平台没有名称为“{value}”的{what}：名称须与本平台登记的名称一致，或改填统一社会信用代码"
                )
                continue
            if len(rows) > 1:
                errors[key] = f"本平台有 {len(rows)} 个名为“{value}”的{what}，请改填统一社会信用代码"
                continue
            row = rows[0]
        found[key] = row
    if len({row.pk for row in found.values()}) > 1:
        errors[code_key] = f"与“{_label(name_key)}”指向本平台不同的{what}，请核对"
        return None
    return next(iter(found.values()), None)


class ExternalImport:
    """Plans and applies one file's records for one source."""

    def __init__(self, *, source, file_name="", now=None):
        self.source = check_source(source)
        self.file_name = file_name
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)

    @property
    def reason_suffix(self):
        return f"（来源：{self.source}" + (f"，文件 {self.file_name}）" if self.file_name else "）")

    # ---- planning ------------------------------------------------------------------------

    def plan(self, records, *, lock=False):
        declared = getattr(records, "declared_source", None)
        if declared is not None and _norm(declared) != _norm(self.source):
            raise ImportFileError(
                f"文件声明的来源是“{declared}”，与 --source “{self.source}”不一致，未导入。"
            )
        lookups = _Lookups()
        outcomes = [Outcome(record=r, external_id=r.values.get("external_id") or "") for r in records]
        ids = [o.external_id for o in outcomes if o.external_id]
        counts = Counter(ids)
        places = {}
        for o in outcomes:
            if counts[o.external_id] > 1:
                places.setdefault(o.external_id, []).append(o.record.where)

        existing = {}
        platform = {}
        for chunk in _chunks(sorted(set(ids)), 500):
            qs = Demand.objects.filter(source=self.source, external_id__in=chunk).select_related(
                "category__parent", "purchase_type", "district", "street__district", "unit", "awarded_org"
            )
            if lock:
                qs = qs.select_for_update(of=("self",))
            existing.update({d.external_id: d for d in qs})
            platform.update(
                Demand.objects.filter(source=PLATFORM_SOURCE, external_id__in=chunk).values_list(
                    "external_id", "pk"
                )
            )

        for o in outcomes:
            errors = dict(o.record.errors)
            if o.external_id and counts[o.external_id] > 1:
                others = [where for where in places[o.external_id] if where != o.record.where]
                errors.setdefault(
                    "external_id",
                    f"“{o.external_id}”在本文件中出现了多次（{'、'.join(others)}），无法确定以哪一条为准",
                )
            if o.external_id in platform:
                errors.setdefault(
                    "external_id",
                    f"与本平台发布的需求（编号 {platform[o.external_id]}）的来源系统编号相同；"
                    "本平台发布的需求不能被导入覆盖",
                )
            self._build(o, errors, existing.get(o.external_id), lookups)

        self._refuse_platform_duplicates(outcomes)
        return outcomes

    def _build(self, o, errors, current, lookups):
        v = o.record.values
        o.title = v.get("title") or ""
        new = {}

        # Reference data and subjects: exact names or codes only.
        for key, lookup in (
            ("category", lookups.category),
            ("purchase_type", lookups.purchase_type),
            ("district", lookups.district),
        ):
            if v.get(key) is not None and key not in errors:
                try:
                    new[key] = lookup(v[key])
                except ValueError as exc:
                    errors[key] = str(exc)
        new["street"] = None
        if v.get("street") is not None and "street" not in errors:
            if new.get("district") is None:
                if "district" not in errors:
                    errors["street"] = "填写街镇时须同时填写服务区域（区）"
            else:
                try:
                    new["street"] = lookups.street(v["street"], new["district"])
                except ValueError as exc:
                    errors["street"] = str(exc)
        if v.get("unit") is None and v.get("unit_uscc") is None:
            if "unit" not in errors and "unit_uscc" not in errors:
                errors["unit"] = "必填：请填写购买主体名称或统一社会信用代码"
        else:
            unit = _subject(v, "unit", "unit_uscc", lookups.units(), "购买主体", errors)
            if unit is not None and not unit.is_active:
                errors["unit"] = f"购买主体“{unit.name}”在本平台已停用"
            new["unit"] = unit

        # Choices typed as their Chinese label or their stored value.
        for key, table, default in (
            ("orientation", ORIENTATION_TABLE, Orientation.PRIORITY),
            ("plan_type", PLAN_TABLE, PlanType.ANNUAL),
            ("status", STATUS_TABLE, Status.PUBLISHED),
        ):
            value = v.get(key)
            if value is None:
                new[key] = default
                continue
            found = table.get(_norm(value))
            if found is None:
                labels = "、".join(str(label) for value_, label in _choices(key))
                errors[key] = f"“{value}”不是可选的值，只能填写：{labels}"
            else:
                new[key] = found
        status = new.get("status")
        if status == Status.DRAFT:
            errors["status"] = "草稿不导入：只导入来源系统中已发布的项目"
            status = None

        for key in (
            "title",
            "budget",
            "service_targets",
            "period_start",
            "period_end",
            "year",
            "budget_approved_on",
            "qualification",
            "other_info",
            "contact_person",
            "contact_phone",
            "contact_email",
        ):
            value = v.get(key)
            if value is None and Demand._meta.get_field(key).empty_strings_allowed:
                value = ""
            new[key] = value

        # 发布时间: from the file, else what is stored, else now.
        if v.get("published_at") is not None:
            try:
                new["published_at"] = parse_datetime(v["published_at"])
            except ValueError as exc:
                errors["published_at"] = _chinese(exc)
            else:
                if new["published_at"] > self.now:
                    errors["published_at"] = "发布时间不能晚于当前时间"
        if "published_at" not in new:
            new["published_at"] = current.published_at if current and current.published_at else self.now

        self._lifecycle(v, new, status, current, errors, lookups)

        if current is not None and status is not None and status not in NEXT_STATUSES[current.status]:
            errors["status"] = (
                f"本平台记录的状态是“{current.get_status_display()}”，不能改为“{Status(status).label}”"
                "（状态只能向前推进，已取消和已评价的项目不再变更）"
            )

        if current is None:
            demand = Demand(source=self.source, external_id=o.external_id)
        else:
            demand = copy.copy(current)  # its own field cache: `current` keeps the stored values
        for name, value in new.items():
            setattr(demand, name, value)
        self._model_errors(demand, errors)

        o.problems = [
            self._problem(key, message, o.record)
            for key, message in sorted(errors.items(), key=lambda item: FIELD_ORDER.get(item[0], -1))
        ]
        if o.problems:
            o.action = REJECTED
            return
        o.demand = demand
        if current is None:
            o.action = CREATE
            return
        o.changes = [
            (name, _display(current, name), _display(demand, name))
            for name in COMPARED
            if _value(current, name) != _value(demand, name)
        ]
        o.action = UPDATE if o.changes else UNCHANGED

    def _lifecycle(self, v, new, status, current, errors, lookups):
        """承接、评价、取消: what each status needs, checked as the platform's own services check them."""
        given = {key for key in (*AWARD_KEYS, *EVAL_KEYS, *CANCEL_KEYS) if v.get(key) is not None}
        needs = {
            Status.PUBLISHED: (),
            Status.AWARDED: AWARD_KEYS,
            Status.EVALUATED: AWARD_KEYS + EVAL_KEYS,
            Status.CANCELLED: CANCEL_KEYS,
        }.get(status)
        new.update(
            awarded_org=None,
            award_amount=None,
            awarded_on=None,
            eval_grade="",
            eval_score=None,
            eval_summary="",
            evaluated_on=None,
            cancel_reason="",
            cancelled_at=None,
        )
        if needs is None:
            return
        label = Status(status).label
        for key in sorted(given - set(needs), key=FIELD_ORDER.get):
            errors.setdefault(key, f"状态为“{label}”时不应填写")
        for key in needs:
            if key in ("awarded_org", "awarded_org_uscc", "cancelled_on"):
                continue
            if v.get(key) is None:
                errors.setdefault(key, f"状态为“{label}”时必填")

        if status in (Status.AWARDED, Status.EVALUATED):
            if v.get("awarded_org") is None and v.get("awarded_org_uscc") is None:
                errors.setdefault("awarded_org", f"状态为“{label}”时必填：承接社会组织名称或统一社会信用代码")
            else:
                org = _subject(
                    v, "awarded_org", "awarded_org_uscc", lookups.organizations(), "社会组织", errors
                )
                new["awarded_org"] = org
                changed_org = current is None or current.awarded_org_id != getattr(org, "pk", None)
                if org is not None and changed_org and not org.is_eligible:
                    errors["awarded_org"] = (
                        f"{org.name}目前不具备承接资格（{org.credit_status}），不能录入为承接方（《管理和使用办法》第八条）"
                    )
            amount, awarded_on = v.get("award_amount"), v.get("awarded_on")
            new["award_amount"], new["awarded_on"] = amount, awarded_on
            budget = v.get("budget")
            if amount is not None:
                if amount <= 0:
                    errors.setdefault("award_amount", "成交金额必须大于 0 元")
                elif budget is not None and amount > budget:
                    errors.setdefault("award_amount", f"成交金额不能超过项目预算（{budget:,.2f} 元）")
            if v.get("published_at") is None and not (current and current.published_at):
                errors.setdefault("published_at", f"状态为“{label}”时必填（确定承接日期不能早于发布时间）")
            elif awarded_on is not None and "published_at" not in errors:
                published_on = timezone.localdate(new["published_at"])
                if awarded_on < published_on:
                    errors.setdefault(
                        "awarded_on", f"确定承接日期不能早于发布日期（{published_on:%Y-%m-%d}）"
                    )
            if awarded_on is not None and awarded_on > self.today:
                errors.setdefault("awarded_on", "确定承接日期不能晚于今天")

        if status == Status.EVALUATED:
            grade = v.get("eval_grade")
            if grade is not None:
                new["eval_grade"] = GRADE_TABLE.get(_norm(grade), "")
                if not new["eval_grade"]:
                    errors.setdefault(
                        "eval_grade", f"“{grade}”不是可选的值，只能填写：优秀、良好、合格、不合格"
                    )
            score = v.get("eval_score")
            if score is not None:
                try:
                    new["eval_score"] = excel.parse_amount(score)
                except ValueError:
                    errors.setdefault("eval_score", f"“{score}”不是 0～100 之间的分数（最多两位小数）")
            new["eval_summary"] = v.get("eval_summary") or ""
            evaluated_on = new["evaluated_on"] = v.get("evaluated_on")
            if evaluated_on is not None and evaluated_on > self.today:
                errors.setdefault("evaluated_on", "评价日期不能晚于今天")
            # The score's range, the grade against the score, the service having started and the
            # date against the award are Demand.clean's, reached through _model_errors (R-DEM-4).

        if status == Status.CANCELLED:
            new["cancel_reason"] = v.get("cancel_reason") or ""
            if v.get("cancelled_on") is not None:
                if v["cancelled_on"] > self.today:
                    errors.setdefault("cancelled_on", "取消日期不能晚于今天")
                new["cancelled_at"] = _aware(v["cancelled_on"])
            elif current is not None and current.status == Status.CANCELLED and current.cancelled_at:
                new["cancelled_at"] = current.cancelled_at
            else:
                new["cancelled_at"] = self.now

        # Free text shown on the demand's page passes the same confidentiality check as the rest (第十六条).
        for key in ("eval_summary", "cancel_reason"):
            reason = confidentiality.problem(new[key])
            if reason:
                errors.setdefault(key, f"“{_label(key)}”{reason}")

    def _model_errors(self, demand, errors):
        """Demand.clean() and the field checks, as for a demand typed on the site (第四条, 第十六条)."""
        exclude = set(FOREIGN_KEYS) | {"search_tokens", "created_by"}
        for key in errors:
            exclude.add(key)
        try:
            demand.full_clean(exclude=sorted(exclude), validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                key = MODEL_TO_KEY.get(name, name)
                if key not in errors:
                    errors[key] = "；".join(m.rstrip("。") for m in messages)

    def _problem(self, key, message, record):
        """“项目类别”（养老）：…; the value is echoed only for coded fields, never for free text,
        which may hold the very personal data being refused."""
        label = _label(key)
        message = message.rstrip("。").removeprefix(f"“{label}”")
        value = record.raw.get(key, record.values.get(key)) if key in ECHOED else None
        shown = _shown(value) if not isinstance(value, dict | list) else ""
        if shown and shown not in message:
            return f"“{label}”（{shown}）：{message}"
        return f"“{label}”：{message}"

    def _refuse_platform_duplicates(self, outcomes):
        """第三条/R-DEM-6: a project the purchaser already published here is not imported a second time."""
        candidates = [o for o in outcomes if o.action in (CREATE, UPDATE, UNCHANGED)]
        if not candidates:
            return
        unit_ids = {o.demand.unit_id for o in candidates}
        years = {o.demand.year for o in candidates}
        published = {}
        rows = (
            Demand.objects.filter(source=PLATFORM_SOURCE, unit_id__in=unit_ids, year__in=years)
            .exclude(status__in=(Status.CANCELLED, Status.DRAFT))
            .values_list("unit_id", "year", "title", "pk")
        )
        for unit_id, year, title, pk in rows:
            published.setdefault((unit_id, year, _norm(title)), pk)
        for o in candidates:
            pk = published.get((o.demand.unit_id, o.demand.year, _norm(o.demand.title)))
            if pk is not None:
                o.action = REJECTED
                o.changes = []
                o.problems = [
                    f"“项目名称”：购买主体已在本平台发布了同名的 {o.demand.year} 年度项目（编号 {pk}），"
                    "不再导入，以免重复（第三条）"
                ]
                o.demand = None

    # ---- writing ---------------------------------------------------------------------------

    def apply(self, outcomes):
        for o in outcomes:
            demand = o.demand
            if o.action == CREATE:
                demand._change_reason = f"数据对接导入{self.reason_suffix}"
            elif o.action == UPDATE:
                demand._change_reason = f"数据对接更新{self.reason_suffix}"
                if any(name in Demand.EDITABLE_FIELDS for name, _, _ in o.changes):
                    demand.adjusted_at = self.now
            else:
                continue
            if demand.status in (Status.AWARDED, Status.EVALUATED) and demand.awarded_at is None:
                demand.awarded_at = self.now
            if demand.status == Status.EVALUATED and demand.evaluated_at is None:
                demand.evaluated_at = self.now
            demand._history_user = None
            demand.save()


def _choices(key):
    return {
        "orientation": Orientation.choices,
        "plan_type": PlanType.choices,
        "status": IMPORT_STATUS_CHOICES,
    }[key]


IMPORT_STATUS_CHOICES = [(s.value, s.label) for s in IMPORT_STATUSES]


def _change_label(name):
    return _label(MODEL_TO_KEY.get(name, name))


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _value(demand, name):
    """The comparable value of a field: the id for a foreign key."""
    return getattr(demand, Demand._meta.get_field(name).attname)


def _display(demand, name):
    """A field's value as the change list shows it: names for foreign keys, labels for choices."""
    model_field = Demand._meta.get_field(name)
    value = _value(demand, name)
    if model_field.is_relation and value is not None:
        value = getattr(demand, name)
    return field_display(model_field, value, limit=30)


# --------------------------------------------------------------------------------------------
# One run


@dataclass
class Report:
    source: str
    file_name: str
    outcomes: list
    dry_run: bool

    def of(self, action):
        return [o for o in self.outcomes if o.action == action]

    @property
    def rejected(self):
        return self.of(REJECTED)

    def summary(self):
        counts = {action: len(self.of(action)) for action in (CREATE, UPDATE, UNCHANGED, REJECTED)}
        verb = "将" if self.dry_run else ""
        return (
            f"{verb}新增 {counts[CREATE]} 条，{verb}更新 {counts[UPDATE]} 条，未变化 {counts[UNCHANGED]} 条，"
            f"跳过 {counts[REJECTED]} 条。"
        )

    def lines(self, *, verbosity=1):
        out = [
            f"外部项目导入：来源“{self.source}”，文件 {self.file_name}，共 {len(self.outcomes)} 条记录。"
            + ("【试运行：只显示将会发生的变化，没有写入数据库】" if self.dry_run else "")
        ]
        if verbosity >= 1:
            for o in self.of(CREATE):
                out.append(f"  {'将新增' if self.dry_run else '新增'}：{o.name} {o.title}")
            for o in self.of(UPDATE):
                changes = "；".join(f"{_change_label(name)}：{old} → {new}" for name, old, new in o.changes)
                out.append(f"  {'将更新' if self.dry_run else '更新'}：{o.name} {o.title}：{changes}")
        if verbosity >= 2:
            for o in self.of(UNCHANGED):
                out.append(f"  未变化：{o.name} {o.title}")
        if self.rejected:
            out.append(f"跳过（未导入）的 {len(self.rejected)} 条记录及原因：")
            for o in self.rejected:
                for problem in o.problems:
                    out.append(f"  {o.name}{problem}")
        out.append(self.summary())
        return out


def run(path, *, source, dry_run=False, now=None):
    """Read, plan and (unless dry_run) write one file's records; the Report says what happened."""
    path = Path(path)
    importer = ExternalImport(source=source, file_name=path.name, now=now)
    records = read_file(path)
    if dry_run:
        outcomes = importer.plan(records)
    else:
        try:
            with transaction.atomic():
                outcomes = importer.plan(records, lock=True)
                importer.apply(outcomes)
        except IntegrityError:
            raise ImportFileError(
                "写入时与数据库中的记录冲突（可能另一个导入正在同时运行），本次没有写入任何记录，请稍后重新运行。"
            ) from None
    return Report(importer.source, path.name, outcomes, dry_run)


# --------------------------------------------------------------------------------------------
# The sample .xlsx is generated from the sample JSON, so the two never drift apart.


def xlsx_from_json(json_path):
    """The records of a JSON file written as an .xlsx with the Chinese headers (for docs/samples)."""
    data = json.loads(Path(json_path).read_text(encoding="utf-8-sig"), parse_float=Decimal)
    projects = data["projects"] if isinstance(data, dict) else data
    used = [spec for spec in FIELDS if spec.required or any(p.get(spec.key) is not None for p in projects)]
    return excel.write_rows([spec.column for spec in used], projects, sheet_title="项目")
