"""The public listing 我要提供服务 as filtered, to .xlsx (portal/listing_exports.py says what it holds)."""

from django.utils import timezone

from portal import listing_exports as listing
from portal import refdata
from portal.xlsx import ROW_CHUNK, Column, Sheet, file_response, local_dates

OFFERING_COLUMNS = [
    listing.PK_COLUMN,
    listing.TITLE_COLUMN,
    Column("organization", "社会组织", "text", 34),
    *listing.CATEGORY_COLUMNS,
    Column("area", "服务区域", "text", 24),
    Column("previously_purchased", "曾被政府购买", "bool", 12),
    Column("member", "推荐目录成员", "bool", 12),
    Column("summary", "项目简介", "text", 60),
    listing.PUBLISHED_COLUMN,
]
OFFERING_VALUES = (
    *listing.PROJECT_VALUES,
    "organization_id",
    "organization__name",
    "citywide",
    "service_district_codes",
    "previously_purchased",
    "summary",
)


def offering_rows(qs, member_ids):
    names = refdata.district_names()
    local_date = local_dates()
    for o in qs.values(*OFFERING_VALUES).iterator(chunk_size=ROW_CHUNK):
        codes = [c for c in (o["service_district_codes"] or "").split(",") if c]
        yield {
            **listing.project_cells(o, local_date),
            "organization": o["organization__name"],
            "area": "全市" if o["citywide"] else "、".join(names.get(c, c) for c in codes),
            "previously_purchased": o["previously_purchased"],
            "member": o["organization_id"] in member_ids,
            "summary": o["summary"],
        }


def offerings_sheets(qs, member_ids):
    name = f"社会组织服务项目_{timezone.localdate():%Y%m%d}.xlsx"
    return [Sheet("服务项目", OFFERING_COLUMNS, offering_rows(qs, member_ids))], name


def offerings_response(qs, member_ids):
    return file_response(*offerings_sheets(qs, member_ids))
