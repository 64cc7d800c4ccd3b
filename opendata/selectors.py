"""What the open-data endpoints and feeds publish: the same records, filtered the same way, as the
public pages (demands and offers listings, the published directory).

Each `*_query(params)` reads the declared query parameters, raises `BadParam` on a bad value and
returns an ordered queryset with everything the serializers touch already joined, so a page costs
the same number of SQL queries whatever its size.
"""

from django.db.models import Prefetch, Q

from demands import selectors as demand_selectors
from demands.models import Status as DemandStatus
from directory import selectors as directory_selectors
from directory.models import Application
from offerings import selectors as offering_selectors
from offerings.models import Offering

# --- demands ------------------------------------------------------------------------------------

DEMAND_RELATED = (
    "unit__district",
    "category__parent",
    "district",
    "street",
    "purchase_type",
    "awarded_org__registration_district",
)
DEMAND_STATUSES = tuple(s.value for s in DemandStatus if s != DemandStatus.DRAFT)
DEMAND_SORTS = tuple(demand_selectors.SORTS)
UNIT_LEVELS = ("city", "district", "street")

DEMAND_FILTERS = (
    "q",
    "category",
    "district",
    "year",
    "status",
    "level",
    "source",
    "budget_min",
    "budget_max",
    "updated_since",
)


def public_demands():
    return demand_selectors.public_demands().select_related(*DEMAND_RELATED)


def filter_demands(qs, params):
    """The public listing's filters (demands/filters.py), read strictly. Unlike the listing, the
    cancelled demands are included unless `status` says otherwise: a consumer keeping a copy must
    learn that a demand it holds was cancelled."""
    category = params.category()
    if category is not None:
        qs = (
            qs.filter(category__parent=category)
            if category.parent_id is None
            else qs.filter(category=category)
        )
    district = params.district()
    if district is not None:
        qs = qs.filter(district=district)
    year = params.year()
    if year is not None:
        qs = qs.filter(year=year)
    statuses = params.choices("status", DEMAND_STATUSES, "状态")
    if statuses:
        qs = qs.filter(status__in=statuses)
    level = params.choice("level", UNIT_LEVELS, "购买主体层级")
    if level:
        qs = qs.filter(unit__level=level)
    source = params.raw("source")
    if source:
        qs = qs.filter(source=source[:60])
    budget_min = params.amount("budget_min", "预算下限")
    if budget_min is not None:
        qs = qs.filter(budget__gte=budget_min)
    budget_max = params.amount("budget_max", "预算上限")
    if budget_max is not None:
        qs = qs.filter(budget__lte=budget_max)
    since = params.since()
    if since is not None:
        qs = qs.filter(updated_at__gte=since)
    text = params.text()
    return demand_selectors.demands_search(qs, text), text


def demands_query(params):
    qs, text = filter_demands(public_demands(), params)
    sort = params.choice("sort", DEMAND_SORTS, "排序")
    return demand_selectors.demands_sort(qs, sort or ("relevance" if text else "newest"), text)


# --- offers -------------------------------------------------------------------------------------

OFFERING_RELATED = ("organization__registration_district", "category__parent")
OFFERING_SORTS = tuple(offering_selectors.SORTS)


def public_offerings():
    """Published offers of eligible organizations: hidden while the organization is on the
    严重失信名单 or its registration is revoked (offerings/selectors.py)."""
    return offering_selectors.public_offerings().select_related(*OFFERING_RELATED)


def offerings_query(params):
    qs = public_offerings()
    category = params.category()
    if category is not None:
        qs = (
            qs.filter(category__parent=category)
            if category.parent_id is None
            else qs.filter(category=category)
        )
    district = params.district()
    if district is not None:
        # As on the listing: an offer serves a district if it names it or serves the whole city.
        qs = qs.filter(Q(citywide=True) | Q(service_district_codes__contains=district.code))
    purchased = params.yes_no("previously_purchased", "曾被政府购买")
    if purchased is not None:
        qs = qs.filter(previously_purchased=purchased)
    member = params.yes_no("directory_member", "推荐目录成员")
    if member is not None:
        members = directory_selectors.member_applications().values("organization_id")
        qs = qs.filter(organization_id__in=members) if member else qs.exclude(organization_id__in=members)
    since = params.since()
    if since is not None:
        qs = qs.filter(updated_at__gte=since)
    qs = offering_selectors.offerings_search(qs, params.text())
    sort = params.choice("sort", OFFERING_SORTS, "排序") or "newest"
    return qs.order_by(*offering_selectors.SORTS[sort][1])


# --- the published directory ---------------------------------------------------------------------


def directory_members():
    """Approved applications of every published edition, as `directory.selectors.members` gives them
    for one edition: a member on the 严重失信名单 is hidden while it is listed."""
    return (
        Application.objects.published_members()
        .select_related("edition", "organization__district", "organization__registration_district")
        .prefetch_related(
            Prefetch("evidence", queryset=Offering.objects.select_related("category__parent").order_by("pk"))
        )
    )


def directory_query(params):
    qs = directory_members()
    year = params.year()
    if year is not None:
        qs = qs.filter(edition__year=year)
    category = params.category()
    district = params.district()
    qs = directory_selectors.filter_members(
        qs,
        category=category.code if category else None,
        district=district.pk if district else None,
        text=params.text(),
    )
    return qs.order_by("-edition__year", "organization__name", "pk")
