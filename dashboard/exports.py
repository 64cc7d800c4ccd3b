"""The public listings as filtered, to .xlsx (R-STA-3): 我要购买服务, 我要提供服务, 推荐目录.

Each export holds what its public page shows and nothing more: no contact details for anybody
(the listings never show them; they are on the detail pages, for logged-in users only). Rows are
read with `.values(...).iterator()` and written one by one in write-only mode, so a 100,000-row
export never holds the rows in memory (figures in bench/README.md).
"""

from django.utils import timezone

from demands.models import Status as DemandStatus
from portal.models import District
from portal.xlsx import Column, Sheet, file_response

CHUNK = 2000


def _local_dates():
    """value → its date in Asia/Shanghai; the time zone looked up once, not once per row."""
    tz = timezone.get_current_timezone()
    return lambda value: value.astimezone(tz).date() if value else None


# --- 我要购买服务 ----------------------------------------------------------------------------------

DEMAND_COLUMNS = [
    Column("pk", "编号", "year", 10),
    Column("title", "项目名称", "text", 40),
    Column("status", "状态", "text", 12),
    Column("source", "信息来源", "text", 14),
    Column("unit", "购买主体", "text", 30),
    Column("category_parent", "项目类别", "text", 16),
    Column("category", "项目子类", "text", 20),
    Column("district", "服务区域", "text", 10),
    Column("street", "服务街镇", "text", 14),
    Column("budget", "项目预算（元）", "amount", 16),
    Column("year", "年度", "year", 8),
    Column("period_start", "实施开始日期", "date", 13),
    Column("period_end", "实施结束日期", "date", 13),
    Column("published_on", "发布日期", "date", 13),
    Column("awarded_org", "承接社会组织", "text", 30),
    Column("awarded_member", "承接方为推荐目录成员", "text", 12),
]
DEMAND_VALUES = (
    "pk",
    "title",
    "status",
    "source",
    "unit__name",
    "category__name",
    "category__parent__name",
    "district__name",
    "street__name",
    "budget",
    "year",
    "period_start",
    "period_end",
    "published_at",
    "awarded_org_id",
    "awarded_org__name",
)


def demand_rows(qs, member_ids):
    labels = dict(DemandStatus.choices)
    local_date = _local_dates()
    for d in qs.values(*DEMAND_VALUES).iterator(chunk_size=CHUNK):
        yield {
            "pk": d["pk"],
            "title": d["title"],
            "status": labels.get(d["status"], d["status"]),
            "source": d["source"],
            "unit": d["unit__name"],
            "category_parent": d["category__parent__name"],
            "category": d["category__name"],
            "district": d["district__name"],
            "street": d["street__name"],
            "budget": d["budget"],
            "year": d["year"],
            "period_start": d["period_start"],
            "period_end": d["period_end"],
            "published_on": local_date(d["published_at"]),
            "awarded_org": d["awarded_org__name"],
            "awarded_member": ("是" if d["awarded_org_id"] in member_ids else "否")
            if d["awarded_org_id"]
            else "",
        }


def demands_sheets(qs, member_ids):
    name = f"购买服务需求_{timezone.localdate():%Y%m%d}.xlsx"
    return [Sheet("购买服务需求", DEMAND_COLUMNS, demand_rows(qs, member_ids))], name


def demands_response(qs, member_ids):
    return file_response(*demands_sheets(qs, member_ids))


# --- 我要提供服务 ----------------------------------------------------------------------------------

OFFERING_COLUMNS = [
    Column("pk", "编号", "year", 10),
    Column("title", "项目名称", "text", 40),
    Column("organization", "社会组织", "text", 34),
    Column("category_parent", "项目类别", "text", 16),
    Column("category", "项目子类", "text", 20),
    Column("area", "服务区域", "text", 24),
    Column("previously_purchased", "曾被政府购买", "bool", 12),
    Column("member", "推荐目录成员", "bool", 12),
    Column("summary", "项目简介", "text", 60),
    Column("published_on", "发布日期", "date", 13),
]
OFFERING_VALUES = (
    "pk",
    "title",
    "organization_id",
    "organization__name",
    "category__name",
    "category__parent__name",
    "citywide",
    "service_district_codes",
    "previously_purchased",
    "summary",
    "published_at",
)


def offering_rows(qs, member_ids):
    names = dict(District.objects.values_list("code", "name"))
    local_date = _local_dates()
    for o in qs.values(*OFFERING_VALUES).iterator(chunk_size=CHUNK):
        codes = [c for c in (o["service_district_codes"] or "").split(",") if c]
        yield {
            "pk": o["pk"],
            "title": o["title"],
            "organization": o["organization__name"],
            "category_parent": o["category__parent__name"],
            "category": o["category__name"],
            "area": "全市" if o["citywide"] else "、".join(names.get(c, c) for c in codes),
            "previously_purchased": o["previously_purchased"],
            "member": o["organization_id"] in member_ids,
            "summary": o["summary"],
            "published_on": local_date(o["published_at"]),
        }


def offerings_sheets(qs, member_ids):
    name = f"社会组织服务项目_{timezone.localdate():%Y%m%d}.xlsx"
    return [Sheet("服务项目", OFFERING_COLUMNS, offering_rows(qs, member_ids))], name


def offerings_response(qs, member_ids):
    return file_response(*offerings_sheets(qs, member_ids))


# --- 推荐目录 --------------------------------------------------------------------------------------

MEMBER_COLUMNS = [
    Column("name", "社会组织名称", "text", 34),
    Column("org_type", "组织类型", "text", 20),
    Column("authority", "登记管理机关", "text", 16),
    Column("district", "所在区", "text", 10),
    Column("evidence", "佐证项目", "text", 50),
    Column("categories", "项目类别", "text", 30),
]


def member_rows(qs):
    for app in qs.iterator(chunk_size=CHUNK):
        org = app.organization
        evidence = list(app.evidence.all())
        yield {
            "name": org.name,
            "org_type": org.get_org_type_display(),
            "authority": org.registration_authority,
            "district": org.district.name,
            "evidence": "；".join(o.title for o in evidence),
            "categories": "；".join(str(o.category) for o in evidence),
        }


def members_sheets(qs, edition):
    return [Sheet("推荐目录", MEMBER_COLUMNS, member_rows(qs))], f"{edition.display_title}（筛选结果）.xlsx"


def members_response(qs, edition):
    return file_response(*members_sheets(qs, edition))
