"""Deadline supervision (第四条(三), R-SUP-2): for one year, per district (the city's view) or per
purchaser unit (a district's view), how many planned projects were published by 30 April,
how many added projects within 20 days of budget approval, and how many awards and
evaluations are overdue. The rules are the demand's own (`Demand.published_on_time` …)."""

from dataclasses import dataclass, field

from django.utils import timezone

from demands.models import PlanType, Status

FIELDS = (
    "id",
    "year",
    "plan_type",
    "budget_approved_on",
    "status",
    "published_at",
    "period_start",
    "period_end",
    "unit__name",
    "unit__district__name",
)
COLUMNS = [
    ("planned", "计划项目数"),
    ("planned_on_time", "4月30日前发布"),
    ("planned_late", "计划项目逾期发布或未发布"),
    ("added", "新增项目数"),
    ("added_on_time", "批复后20日内发布"),
    ("added_late", "新增项目逾期发布或未发布"),
    ("award_overdue", "承接信息逾期未补录"),
    ("evaluation_overdue", "绩效评价逾期未补录"),
]


def on_time_rate(counts):
    """Share of a year's projects published on time, in percent (None without any), from the
    counts of COLUMNS."""
    total = counts["planned"] + counts["added"]
    if not total:
        return None
    return round(100 * (counts["planned_on_time"] + counts["added_on_time"]) / total, 1)


@dataclass
class Row:
    name: str
    counts: dict = field(default_factory=lambda: {key: 0 for key, _ in COLUMNS})

    @property
    def values(self):
        """The counts in the order of COLUMNS, for tables."""
        return [self.counts[key] for key, _ in COLUMNS]

    @property
    def on_time_rate(self):
        return on_time_rate(self.counts)


def table(demands, *, by, today=None):
    """Rows of the deadline table for `demands` (one year, already scoped), grouped `by`
    "district" or "unit". Reads only the columns it needs."""
    today = today or timezone.localdate()
    rows = {}
    for demand in demands.exclude(status=Status.CANCELLED).select_related("unit__district").only(*FIELDS):
        if by == "district":
            name = demand.unit.district.name if demand.unit.district_id else "市级部门"
        else:
            name = demand.unit.name
        row = rows.setdefault(name, Row(name))
        prefix = "planned" if demand.plan_type == PlanType.ANNUAL else "added"
        row.counts[prefix] += 1
        if demand.published_on_time is True:
            row.counts[f"{prefix}_on_time"] += 1
        elif demand.published_on_time is False or demand.publish_overdue:
            row.counts[f"{prefix}_late"] += 1
        row.counts["award_overdue"] += int(demand.award_overdue)
        row.counts["evaluation_overdue"] += int(demand.evaluation_overdue)
    return sorted(rows.values(), key=lambda r: r.name)


def sort_rows(rows, key):
    if key in dict(COLUMNS):
        return sorted(rows, key=lambda r: (-r.counts[key], r.name))
    if key == "on_time_rate":
        return sorted(rows, key=lambda r: (r.on_time_rate is None, r.on_time_rate or 0, r.name))
    return rows


def year_demands(qs, year):
    return qs.filter(year=year)
