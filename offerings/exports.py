"""The public listing 我要提供服务 as filtered, to .xlsx (R-STA-3), through portal/xlsx.py's streamed writer.

What the public page shows and nothing more: no contact details for anybody. Rows are read with
`.values(...).iterator()` and written one by one, so a 100,000-row export never holds them in memory.
"""

from django.utils import timezone

from portal.models import District
from portal.xlsx import ROW_CHUNK, Column, Sheet, file_response, local_dates

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
    local_date = local_dates()
    for o in qs.values(*OFFERING_VALUES).iterator(chunk_size=ROW_CHUNK):
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
