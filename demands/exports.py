"""The public listing 我要购买服务 as filtered, to .xlsx (portal/listing_exports.py says what it holds)."""

from django.utils import timezone

from demands.models import Status as DemandStatus
from portal import listing_exports as listing
from portal.xlsx import ROW_CHUNK, Column, Sheet, file_response, local_dates

DEMAND_COLUMNS = [
    listing.PK_COLUMN,
    listing.TITLE_COLUMN,
    Column("status", "状态", "text", 12),
    Column("source", "信息来源", "text", 14),
    Column("unit", "购买主体", "text", 30),
    *listing.CATEGORY_COLUMNS,
    Column("district", "服务区域", "text", 10),
    Column("street", "服务街镇", "text", 14),
    Column("budget", "项目预算（元）", "amount", 16),
    Column("year", "年度", "year", 8),
    Column("period_start", "实施开始日期", "date", 13),
    Column("period_end", "实施结束日期", "date", 13),
    listing.PUBLISHED_COLUMN,
    Column("awarded_org", "承接社会组织", "text", 30),
    Column("awarded_member", "承接方为推荐目录成员", "text", 12),
]
DEMAND_VALUES = (
    *listing.PROJECT_VALUES,
    "status",
    "source",
    "unit__name",
    "district__name",
    "street__name",
    "budget",
    "year",
    "period_start",
    "period_end",
    "awarded_org_id",
    "awarded_org__name",
)


def demand_rows(qs, member_ids):
    labels = dict(DemandStatus.choices)
    local_date = local_dates()
    for d in qs.values(*DEMAND_VALUES).iterator(chunk_size=ROW_CHUNK):
        yield {
            **listing.project_cells(d, local_date),
            "status": labels.get(d["status"], d["status"]),
            "source": d["source"],
            "unit": d["unit__name"],
            "district": d["district__name"],
            "street": d["street__name"],
            "budget": d["budget"],
            "year": d["year"],
            "period_start": d["period_start"],
            "period_end": d["period_end"],
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
