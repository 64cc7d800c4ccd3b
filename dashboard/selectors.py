"""全景呈现 (R-STA-1/2, R-MAT-3): every figure of the statistics dashboard and of the public 数据概览.

The figures live in `dashboard.figures` (definitions, result types, demand tables, supply tables,
pages); this module keeps the names the views, the forms and the other apps import, and the
choice of years.
"""

from django.utils import timezone

from accounts.models import UnitLevel  # noqa: F401 (the views name the levels through here)
from demands.models import AWARD_STATUSES  # noqa: F401 (tests' reference figures name it through here)

from .figures.definitions import (  # noqa: F401
    CITY_REGISTERED,
    CITY_UNITS,
    CROSS_DEFINITION,
    DEFINITIONS,
    NO_STREET,
    PUBLIC_DEFINITIONS,
    SOURCE_CHOICES,
)
from .figures.demand_tables import (  # noqa: F401
    CROSS_COLUMNS,
    DEMAND_COLUMNS,
    DemandCube,
    by_category,
    by_district,
    by_grade,
    by_level,
    by_month,
    by_source,
    by_status,
    by_street,
    by_unit,
    cross_district,
    cross_measures,
    demand_cube,
    demand_measures,
    filter_demands,
    rollup,
    totals,
)
from .figures.pages import build  # noqa: F401
from .figures.supply_tables import (  # noqa: F401
    balance,
    edition_for,
    filter_offerings,
    member_applications,
    members_by_category,
    members_by_district,
    offers_by_category,
    offers_by_district,
)
from .figures.tables import (  # noqa: F401
    CENT,
    TENTH,
    UNITS,
    WAN,
    Col,
    Dashboard,
    Params,
    Table,
    districts,
    grouped,
    pct_text,
    percent,
    ratio,
    top_categories,
    wan,
)


def this_year():
    return timezone.localdate().year


def year_choices():
    current = this_year()
    return list(range(current + 1, max(2015, current - 10) - 1, -1))


def valid_year(value, default=None):
    current = this_year()
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default or current
    return year if 2015 <= year <= current + 1 else (default or current)
