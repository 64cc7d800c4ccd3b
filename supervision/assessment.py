"""The assessment table (第四条 督办和考核, R-SUP-6): the indicators of R-SUP-1 and R-SUP-2 for
one year side by side, per district for the city and per purchaser unit for a district.

- deadline columns: `deadlines.table` (the demand's own rules);
- 需求信息不完备: the year's demands that `completeness` flags today;
- 服务项目信息不完备 (districts only): published offers of organizations registered there that
  `completeness` flags today (offers have no year);
- 内容监测问题 / 核查属实: findings opened in the year, by the registration authority (city view)
  or by the purchaser unit whose record it was (district view);
- 失信记录 (districts only): records dated in the year, by the organization's registration district;
- 按时发布率 and 信息完备率, in percent.
"""

from dataclasses import dataclass, field

from django.db.models import Count

from accounts import permissions
from demands.models import Demand
from demands.models import Status as DemandStatus
from offerings.models import Offering
from portal import refdata

from . import completeness, deadlines
from .models import CreditRecord, Finding, FindingResult

CITY_LABEL = "市级"
EXTRA_COLUMNS = [
    ("published", "已发布需求数"),
    ("demand_incomplete", "需求信息不完备"),
    ("offering_incomplete", "服务项目信息不完备"),
    ("findings", "内容监测问题"),
    ("findings_confirmed", "核查属实"),
    ("credit_records", "失信记录"),
]
DISTRICT_ONLY = {"offering_incomplete", "credit_records"}
COUNT_COLUMNS = deadlines.COLUMNS + EXTRA_COLUMNS
RATE_COLUMNS = [("on_time_rate", "按时发布率（%）"), ("complete_rate", "信息完备率（%）")]


@dataclass
class Row:
    name: str
    counts: dict = field(default_factory=lambda: {key: 0 for key, _ in COUNT_COLUMNS})
    by: str = "district"

    def value(self, key):
        if self.by == "unit" and key in DISTRICT_ONLY:
            return None
        return self.counts[key]

    @property
    def values(self):
        return [self.value(key) for key, _ in COUNT_COLUMNS]

    @property
    def on_time_rate(self):
        return deadlines.on_time_rate(self.counts)

    @property
    def complete_rate(self):
        published = self.counts["published"]
        if not published:
            return None
        return round(100 * (published - self.counts["demand_incomplete"]) / published, 1)

    @property
    def rates(self):
        return [self.on_time_rate, self.complete_rate]


def _district_name(name):
    return name or CITY_LABEL


def table(user, year, today=None):
    """The assessment rows `user` may see for `year` (city: every district; district: its units)."""
    by = "district" if permissions.is_city_admin(user) else "unit"
    demands = permissions.scope_to(user, Demand.objects.all()).filter(year=year)
    rows = {}

    def row(name):
        return rows.setdefault(name, Row(name, by=by))

    if by == "district":
        for district in refdata.districts():
            row(district.name)
        row(CITY_LABEL)
    for base in deadlines.table(demands, by=by, today=today):
        name = CITY_LABEL if by == "district" and base.name == "市级部门" else base.name
        row(name).counts.update(base.counts)

    def put(column, qs, field):
        """One GROUP BY query: the count of `qs` per `field` (a district's or a unit's name)."""
        for item in qs.values(field).annotate(n=Count("pk")).order_by():
            name = _district_name(item[field]) if by == "district" else item[field]
            row(name).counts[column] = item["n"]

    group = "unit__district__name" if by == "district" else "unit__name"
    put("published", demands.exclude(status__in=(DemandStatus.DRAFT, DemandStatus.CANCELLED)), group)
    put("demand_incomplete", completeness.incomplete_demands(demands, today), group)

    findings = permissions.scope_to(user, Finding.objects.all()).filter(opened_at__year=year)
    if by == "district":
        authority = "authority_district__name"
        registered = "organization__registration_district__name"
        put("offering_incomplete", completeness.incomplete_offerings(Offering.objects.all()), registered)
        put("credit_records", CreditRecord.objects.filter(recorded_on__year=year), registered)
    else:
        findings = findings.filter(unit__isnull=False, organization__isnull=True)
        authority = "unit__name"
    put("findings", findings, authority)
    put("findings_confirmed", findings.filter(result=FindingResult.CONFIRMED), authority)

    if by == "district":  # districts in their official order, the city level last
        ordered = [r for r in rows.values() if r.name != CITY_LABEL] + [rows[CITY_LABEL]]
    else:
        ordered = sorted(rows.values(), key=lambda r: r.name)
    return by, ordered


def sort_rows(rows, key):
    if key in dict(COUNT_COLUMNS):
        return sorted(rows, key=lambda r: (-(r.value(key) or 0), r.name))
    if key in dict(RATE_COLUMNS):
        # Worst first: the table is for 督办.
        return sorted(rows, key=lambda r: (getattr(r, key) is None, getattr(r, key) or 0, r.name))
    return rows
