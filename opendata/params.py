"""Query parameters of the open-data endpoints, declared once as pydantic models: django-ninja derives
the OpenAPI description from them, and the same declarations refuse a bad value (400 with the Chinese
message of `MESSAGES`, see `api.py`).

An empty value (`?year=`) means "not given", and the description says so: every parameter's schema
admits the empty string. Values the models cannot know (the category codes and the districts in the
reference data) are checked by the listings' FilterSets and written into the description from the
same lists (`reference_enums`), so what the description allows is what the API accepts.
Unknown parameters are ignored (a cache-busting `_=…` does no harm); a known one given twice is a 400.
"""

import datetime
import re
from typing import Annotated, Literal

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema, conint

from demands.filters import category_choices
from demands.models import Status as DemandStatus
from portal import listing, refdata

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_QUERY_LENGTH = 50
EMPTY = Literal[""]
DEMAND_STATUSES = tuple(s.value for s in DemandStatus if s != DemandStatus.DRAFT)
# A moment before or after every record: a far-off `updated_since` is clamped to it (no overflow).
EARLIEST = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(9000, 1, 1, tzinfo=datetime.UTC)


class BadParam(Exception):
    """A query parameter the endpoint cannot use: `message` is Chinese and shown to the caller."""

    def __init__(self, name, message=None):
        super().__init__(message or MESSAGES.get(name, f"参数 {name} 的值无效。"))
        self.name = name
        self.message = str(self.args[0])


def _ascii_digits(value):
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{1,30}", value):
        raise ValueError("not digits")
    return value


def _number(description, *, ge, le=None, example):
    """An integer written in ASCII digits, or empty."""
    return Annotated[
        Annotated[conint(ge=ge, le=le), BeforeValidator(_ascii_digits)] | EMPTY,
        Field(description=description, examples=[example]),
    ]


def _since(value):
    """A date (midnight, Shanghai time) or an ISO 8601 date and time (Shanghai time without an offset)."""
    if value == "":
        return None
    # A "+" in a query string arrives as a space when the caller did not percent-encode it.
    value = value.replace(" ", "+") if "T" in value else value
    try:
        moment = parse_datetime(value)
        day = None if moment else parse_date(value)
    except (ValueError, OverflowError):
        moment = day = None
    if day is not None:
        moment = datetime.datetime.combine(day, datetime.time())
    if moment is None:
        raise ValueError("not a date")
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=timezone.get_current_timezone())
    try:
        # In UTC: an offset like +20:06 is valid ISO 8601 but out of PostgreSQL's range.
        return min(max(moment, EARLIEST), LATEST).astimezone(datetime.UTC)
    except OverflowError:  # pragma: no cover - a moment at the very ends of the calendar
        return EARLIEST if moment.year < 2000 else LATEST


SINCE_SCHEMA = {
    "anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "format": "date-time"},
        {"type": "string", "const": ""},
    ]
}

Page = _number("页码，从 1 开始；超出范围返回 404。空值即 1", ge=1, example=1)
PageSize = _number(
    f"每页条数，1～{MAX_PAGE_SIZE}。空值即 {DEFAULT_PAGE_SIZE}", ge=1, le=MAX_PAGE_SIZE, example=50
)
Year = _number("年度，四位数字（1000～9999）。空值即不限", ge=1000, le=9999, example=2026)
Text = Annotated[
    str,
    Field(
        max_length=MAX_QUERY_LENGTH,
        description=f"关键词（最多 {MAX_QUERY_LENGTH} 字），多个词用空格分隔，须全部出现；与网页搜索相同",
        examples=["养老"],
    ),
]
Category_ = Annotated[
    str,
    Field(
        max_length=8,
        description="项目类别代码：两位为服务领域（含其下全部类别，如 01 养老服务），四位为具体类别（如 0101）；"
        "可用的代码见 /api/ 页面。空值即不限",
        examples=["01"],
        json_schema_extra={"x-reference": "category"},
    ),
]
District_ = Annotated[
    str,
    Field(
        max_length=20,
        description="服务区域：区名（黄浦区）或六位区划代码（310101）。空值即不限",
        examples=["黄浦区"],
        json_schema_extra={"x-reference": "district"},
    ),
]
Since = Annotated[
    str,
    AfterValidator(_since),
    WithJsonSchema(SINCE_SCHEMA),
    Field(
        description="增量同步：只返回此时间以后有变更的记录，包括已取消、已下架或移出推荐目录的（带其状态），"
        "按变更时间从早到晚，用回答中 next 的 cursor 翻页。日期（2026-03-01，上海时间零点）"
        "或时间（2026-03-01T08:00:00+08:00，不带时区即上海时间）。空值即不限",
        examples=["2020-01-01"],
    ),
]
Cursor = Annotated[
    str,
    Field(
        pattern=r"^([0-9]{1,16}-[0-9]{1,18})?$",
        description="增量同步的翻页位置：取自上一页 next 地址，不要自己拼写。给出时按变更时间排序，从该位置之后继续",
    ),
]
YesNo = Annotated[Literal["true", "false", ""], Field(description="true 或 false。空值即不限")]
_STATUS = "|".join(DEMAND_STATUSES)
Statuses = Annotated[
    str,
    Field(
        pattern=rf"^(({_STATUS})(,({_STATUS}))*)?$",
        description="状态：published 已发布、awarded 已确定承接方、evaluated 已评价、cancelled 已取消；"
        "多个用逗号分隔，如 published,awarded,evaluated（即网页列表默认显示的、未取消的需求）。空值即全部",
        examples=["published,awarded,evaluated"],
    ),
]
Amount = Annotated[
    str,
    Field(
        pattern=r"^([0-9]{1,14}(\.[0-9]{1,2})?)?$",
        description="金额（元）：数字，最多两位小数，如 100000 或 99999.50。空值即不限",
        examples=["100000"],
    ),
]


class PageQuery(Schema):
    page: Page = ""
    page_size: PageSize = ""


class DemandQuery(PageQuery):
    q: Text = ""
    category: Category_ = ""
    district: District_ = ""
    year: Year = ""
    status: Statuses = ""
    level: Annotated[
        Literal["city", "district", "street", ""],
        Field(description="购买主体层级：city 市级部门、district 区级部门、street 街镇。空值即不限"),
    ] = ""
    source: Annotated[
        str,
        Field(
            pattern=r"^[^\x00-\x1f\x7f]{0,60}$",
            description="信息来源：本平台，或外部系统名称（完全相同，最多 60 字）。空值即不限",
            examples=["本平台"],
        ),
    ] = ""
    budget_min: Annotated[
        Amount, Field(description="预算不低于（元）；" + "数字，最多两位小数。空值即不限")
    ] = ""
    budget_max: Annotated[
        Amount, Field(description="预算不高于（元）；" + "数字，最多两位小数。空值即不限")
    ] = ""
    updated_since: Since = ""
    cursor: Cursor = ""
    sort: Annotated[
        Literal["newest", "oldest", "budget_desc", "budget_asc", "relevance", ""],
        Field(
            description="排序：newest 最新发布（默认）、oldest 最早发布、budget_desc 预算从高到低、"
            "budget_asc 预算从低到高、relevance 相关度（标题含关键词的在前，有 q 时默认）；"
            "增量同步（updated_since 或 cursor）时不用，总按变更时间"
        ),
    ] = ""


class OfferingQuery(PageQuery):
    q: Text = ""
    category: Category_ = ""
    district: Annotated[
        District_, Field(description="服务区域：区名或区划代码；服务全市的项目也在其中。空值即不限")
    ] = ""
    previously_purchased: Annotated[YesNo, Field(description="曾被政府购买：true 或 false。空值即不限")] = ""
    directory_member: Annotated[
        YesNo, Field(description="社会组织是否在最新一期推荐目录中：true 或 false。空值即不限")
    ] = ""
    updated_since: Since = ""
    cursor: Cursor = ""
    sort: Annotated[
        Literal["newest", "oldest", ""],
        Field(description="排序：newest 最新发布（默认）、oldest 最早发布；增量同步时不用"),
    ] = ""


class DirectoryQuery(PageQuery):
    year: Year = ""
    category: Annotated[Category_, Field(description="佐证项目的项目类别代码（两位或四位）。空值即不限")] = ""
    district: Annotated[District_, Field(description="社会组织所在区：区名或区划代码。空值即不限")] = ""
    q: Annotated[Text, Field(description="社会组织名称或佐证项目名称中的关键词（最多 50 字）")] = ""
    updated_since: Since = ""
    cursor: Cursor = ""


QUERY_MODELS = (DemandQuery, OfferingQuery, DirectoryQuery)
KNOWN = frozenset(name for model in QUERY_MODELS for name in model.model_fields)

MESSAGES = {
    "page": "页码（page）必须是正整数。",
    "page_size": f"每页条数（page_size）必须是 1～{MAX_PAGE_SIZE} 的整数。",
    "q": f"关键词（q）最多 {MAX_QUERY_LENGTH} 个字。",
    "category": "项目类别代码不存在，请使用 /api/ 页面列出的类别代码。",
    "district": "服务区域不存在，请填写区名（如“黄浦区”）或六位区划代码（如 310101）。",
    "year": "年度（year）必须是四位数字的年份，如 2026。",
    "status": f"状态（status）只能是：{'、'.join(DEMAND_STATUSES)}，多个用逗号分隔。",
    "level": "购买主体层级（level）只能是：city、district、street。",
    "source": "信息来源（source）最多 60 个字，不能含控制字符。",
    "budget_min": "预算下限（budget_min）必须是不小于 0 的金额（元），如 100000 或 99999.50。",
    "budget_max": "预算上限（budget_max）必须是不小于 0 的金额（元），如 100000 或 99999.50。",
    "updated_since": "时间（updated_since）格式应为 2026-03-01 或 2026-03-01T08:00:00+08:00。",
    "cursor": "翻页位置（cursor）无效，请使用上一页 next 中的地址。",
    "sort": "排序（sort）的值无效，请查看 /api/ 页面列出的排序方式。",
    "previously_purchased": "曾被政府购买（previously_purchased）只能是 true 或 false。",
    "directory_member": "推荐目录成员（directory_member）只能是 true 或 false。",
}


def value(v, default=None):
    """A parsed parameter, with "" (empty or absent) as `default`."""
    return default if v == "" or v is None else v


def text(q):
    return listing.clean_query(q, MAX_QUERY_LENGTH)


# --- reference data: one list for the FilterSets' checks and the description's enums -------------


def category_codes():
    """The codes the listings' category filter accepts (demands/filters.py `category_choices`)."""
    return [code for _group, options in category_choices() for code, _label in options]


def district_values():
    """A district by its 区划代码 or its name: both as the description lists them."""
    rows = refdata.districts()
    return [d.code for d in rows] + [d.name for d in rows]


def reference_enums():
    return {"category": ["", *category_codes()], "district": ["", *district_values()]}


def find_district(raw):
    """A district by its code (310101) or its name (黄浦区), or None, matched as every form and
    import matches it (`refdata.district_named`): no query."""
    if len(raw) > 20 or not raw.isprintable():  # NUL and control characters never name a district
        return None
    return refdata.district_named(raw)


def district_by_value(raw, name="district"):
    """As `find_district`; None if empty; BadParam if there is none (for the feed)."""
    if not raw:
        return None
    district = find_district(raw)
    if district is None:
        raise BadParam(name)
    return district


def category_by_code(code, name="category"):
    if not code:
        return None
    if len(code) > 8 or not (code.isascii() and code.isdigit()):  # codes are 2 or 4 digits
        raise BadParam(name)
    category = next((c for c in refdata.categories() if c.code == code and c.is_active), None)
    if category is None:
        raise BadParam(name)
    return category
