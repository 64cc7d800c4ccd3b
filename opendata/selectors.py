"""What the open-data endpoints and feeds publish: the same records, filtered by the same FilterSets, as
the public pages (demands and offers listings, the published directory).

Each `*_query(query)` takes the parsed parameters (params.py), raises `BadParam` on a value the
FilterSet refuses and returns `(queryset, sync)`: an ordered queryset with everything the serializers
touch already joined (a page costs the same number of SQL queries whatever its size), and whether it
is a synchronisation read (`updated_since` or `cursor`). A synchronisation read also returns what was
taken away since (a cancelled demand, a withdrawn offer, a member taken off the directory) with its
status, and is ordered by `(changed_at, id)` so that a cursor (`keyset`) pages through it stably.
"""

import datetime

from django.db.models import DateTimeField, F, Prefetch, Q
from django.db.models.functions import Coalesce, Greatest

from demands import selectors as demand_selectors
from demands.models import Demand
from directory.models import Application, AppStatus, EditionStatus
from offerings import selectors as offering_selectors
from offerings.models import Offering
from offerings.models import Status as OfferStatus

from . import params as p
from .filters import DemandApiFilter, MemberApiFilter, OfferingApiFilter

DEMAND_RELATED = (
    "unit__district",
    "category__parent",
    "district",
    "street",
    "purchase_type",
    "awarded_org__registration_district",
)
OFFERING_RELATED = ("organization__registration_district", "category__parent")


def public_demands():
    return Demand.objects.public().select_related(*DEMAND_RELATED)


def public_offerings():
    """Published offers of eligible organizations (offerings/selectors.py)."""
    return Offering.objects.public().select_related(*OFFERING_RELATED)


def filtered(filterset_class, data, qs):
    """`qs` through the page's FilterSet; a value it refuses is a 400 naming the parameter."""
    filterset = filterset_class({k: v for k, v in data.items() if v not in (None, "", [])}, queryset=qs)
    if not filterset.is_valid():
        raise p.BadParam(next(iter(filterset.errors)))
    return filterset.qs


def _yes_no(value):
    return {"true": "yes", "false": "no"}.get(value)


# --- synchronisation: changed since, with a stable cursor -------------------------------------------


def is_sync(query):
    return query.updated_since not in ("", None) or bool(query.cursor)


def encode_cursor(changed_at, pk):
    micros = int(changed_at.timestamp() * 1_000_000) if changed_at else 0
    return f"{micros}-{pk}"


def keyset(qs, query, field="updated_at"):
    """Records changed since `updated_since`, from after `cursor` on, ordered by (field, id)."""
    since = p.value(query.updated_since)
    if since is not None:
        qs = qs.filter(**{f"{field}__gte": since})
    if query.cursor:
        micros, pk = (int(part) for part in query.cursor.split("-"))
        moment = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(microseconds=micros)
        qs = qs.filter(Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk}))
    return qs.order_by(field, "pk")


# --- demands --------------------------------------------------------------------------------------


def demands_query(query):
    """Cancelled demands are public (public_q) and listed by default, so sync sees cancellations."""
    data = {
        "category": query.category,
        "district": query.district,
        "year": p.value(query.year),
        "status": query.status.split(",") if query.status else None,
        "level": query.level,
        "source": query.source,
        "budget_min": query.budget_min,
        "budget_max": query.budget_max,
    }
    unsearched = filtered(DemandApiFilter, data, public_demands())
    text = p.text(query.q)
    qs = demand_selectors.demands_search(unsearched, text)
    if is_sync(query):
        return keyset(qs, query), True
    sort = query.sort or ("relevance" if text else "newest")
    return demand_selectors.demands_sort(qs, sort, text, unsearched=unsearched), False


# --- offers -----------------------------------------------------------------------------------------


def offerings_ever_public():
    """For synchronisation: the public offers and those withdrawn after publication (with their status).
    Offers hidden because of their organization (严重失信名单, registration revoked) are not included."""
    withdrawn = Offering.objects.filter(
        status=OfferStatus.WITHDRAWN, published_at__isnull=False
    ).select_related(*OFFERING_RELATED)
    return public_offerings() | withdrawn


def offerings_query(query):
    data = {
        "category": query.category,
        "district": query.district,
        "previously_purchased": _yes_no(query.previously_purchased),
        "directory_member": _yes_no(query.directory_member),
    }
    sync = is_sync(query)
    qs = filtered(OfferingApiFilter, data, offerings_ever_public() if sync else public_offerings())
    qs = offering_selectors.offerings_search(qs, p.text(query.q))
    if sync:
        return keyset(qs, query), True
    return qs.order_by(*offering_selectors.SORTS[query.sort or "newest"][1]), False


# --- the published directory -------------------------------------------------------------------------


def directory_members(*, with_removed=False):
    """Approved applications of every published edition, as `directory.selectors.members` gives them
    for one edition (`Application.objects.published_members()`: an organization on the 严重失信名单 or
    whose registration was revoked is not a member while that lasts). A synchronisation read also
    returns the approved applications that stopped being members that way, as removed
    (`Application.is_member` false) and without evidence."""
    if with_removed:
        qs = Application.objects.filter(edition__status=EditionStatus.PUBLISHED, status=AppStatus.APPROVED)
    else:
        qs = Application.objects.published_members()
    return qs.select_related(
        "edition", "organization__district", "organization__registration_district"
    ).prefetch_related(
        Prefetch("evidence", queryset=Offering.objects.select_related("category__parent").order_by("pk"))
    )


def with_changed_at(qs):
    """When a member last changed as the directory shows it: decided, published, or its organization
    edited (a listing on the 严重失信名单 is such an edit)."""
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    return qs.annotate(
        changed_at=Greatest(
            Coalesce(F("decided_at"), epoch, output_field=DateTimeField()),
            Coalesce(F("edition__published_at"), epoch, output_field=DateTimeField()),
            Coalesce(F("organization__updated_at"), epoch, output_field=DateTimeField()),
        )
    )


def directory_query(query):
    data = {"year": p.value(query.year), "category": query.category, "district": query.district}
    sync = is_sync(query)
    qs = with_changed_at(directory_members(with_removed=sync))
    qs = filtered(MemberApiFilter, {**data, "q": p.text(query.q)}, qs)
    if sync:
        return keyset(qs, query, field="changed_at"), True
    return qs.order_by("-edition__year", "organization__name", "pk"), False
