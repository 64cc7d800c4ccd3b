from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from accounts import permissions
from demands.models import Demand
from offerings.models import Offering

from . import completeness

LIMIT = 200


@login_required
def incomplete(request):
    """Incomplete published records in the administrator's scope (R-SUP-1)."""
    if not permissions.is_admin(request.user):
        raise PermissionDenied
    demands = completeness.incomplete_demands(permissions.scope_to(request.user, Demand.objects.all()))
    offerings = completeness.incomplete_offerings(permissions.scope_to(request.user, Offering.objects.all()))
    demand_rows = list(demands.select_related("unit").order_by("period_start", "pk")[:LIMIT])
    offering_rows = list(offerings.select_related("organization").order_by("pk")[:LIMIT])
    for d in demand_rows:
        d.missing = completeness.demand_missing(d)
    for o in offering_rows:
        o.missing = completeness.offering_missing(o)
    return render(
        request,
        "supervision/incomplete.html",
        {
            "demands": demand_rows,
            "offerings": offering_rows,
            "demand_count": demands.count(),
            "offering_count": offerings.count(),
            "limit": LIMIT,
        },
    )
