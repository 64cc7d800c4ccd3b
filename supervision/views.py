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


@login_required
def deadline_table(request):
    """R-SUP-2: the deadline table of one year, per district (city) or per purchaser unit (district)."""
    from django.utils import timezone

    from portal.excel import Column, write_rows
    from portal.http import xlsx_response

    from . import deadlines

    if not permissions.is_admin(request.user):
        raise PermissionDenied
    this_year = timezone.localdate().year
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2015 <= int(year) <= this_year + 1 else this_year
    by = "district" if permissions.is_city_admin(request.user) else "unit"
    scoped = permissions.scope_to(request.user, Demand.objects.all())
    rows = deadlines.sort_rows(
        deadlines.table(deadlines.year_demands(scoped, year), by=by), request.GET.get("sort", "")
    )
    group_label = "区" if by == "district" else "购买主体"
    if request.GET.get("format") == "xlsx":
        columns = [Column("name", group_label, width=30)]
        columns += [Column(key, label, kind="int", width=14) for key, label in deadlines.COLUMNS]
        columns.append(Column("rate", "按时发布率（%）", width=14))
        data = [
            {"name": r.name, **r.counts, "rate": "" if r.on_time_rate is None else str(r.on_time_rate)}
            for r in rows
        ]
        return xlsx_response(
            write_rows(columns, data, sheet_title="发布时限"), f"{year}年发布时限督办表.xlsx"
        )
    return render(
        request,
        "supervision/deadlines.html",
        {
            "rows": rows,
            "columns": deadlines.COLUMNS,
            "year": year,
            "years": range(this_year + 1, this_year - 5, -1),
            "group_label": group_label,
            "sort": request.GET.get("sort", ""),
        },
    )
