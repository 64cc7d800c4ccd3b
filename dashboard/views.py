"""全景呈现: the administrators' statistics (R-STA-1/2), the public 数据概览, and their exports (R-STA-3)."""

import hashlib

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from accounts import permissions
from demands.models import Demand
from demands.selectors import public_demands
from offerings.selectors import public_offerings
from portal import caching, export_jobs
from portal.models import District

from . import matching_figures, selectors, xlsx
from .forms import FilterForm, parse_district_id, parse_params, querystring


class Page:
    """What one request asked for: the scoped data, the filters in force, and the tables."""

    def __init__(self, *, view, scope_label, dashboard, params, district, district_rows, categories, filters):
        self.view = view
        self.scope_label = scope_label
        self.dashboard = dashboard
        self.params = params
        self.district = district
        self.district_rows = district_rows
        self.categories = categories
        self.filters = filters

    @property
    def query(self):
        return querystring(self.params, self.district if self.view == "district" else None)


def admin_page(request):
    """The statistics in the administrator's scope: the city (optionally one district of it), or
    the district administrator's own district, whatever the query string says (R-STA-2)."""
    user = request.user
    if not permissions.is_admin(user):
        raise Http404("不存在或无权查看")
    params = parse_params(request.GET)
    demands = permissions.scope_to(user, Demand.objects.all())
    offerings = permissions.scope_to(user, public_offerings())
    applications = permissions.scope_to(user, selectors.member_applications())
    categories = selectors.top_categories()
    district_rows = selectors.districts()
    district = None
    if permissions.is_district_admin(user):
        district = District(pk=user.district_id, name=_name(district_rows, user.district_id))
    else:
        wanted = parse_district_id(request.GET)
        if wanted is not None and _name(district_rows, wanted):
            district = District(pk=wanted, name=_name(district_rows, wanted))
            demands = _in_district(demands, district)
            offerings = _in_district(offerings, district)
            applications = _in_district(applications, district)
    view = "district" if district else "city"
    scope_label = district.name if district else "全市"
    dashboard = selectors.build(
        demands=demands,
        offerings=offerings,
        applications=applications,
        params=params,
        view=view,
        district=district,
        scope_label=scope_label,
        categories=categories,
        district_rows=district_rows,
    )
    # 对接成效 (issue 13 §7): one table more, on the page and in the export.
    dashboard.tables.append(
        matching_figures.table(
            selectors.filter_demands(demands, params), view, district_rows, buyers=dashboard.cube.buyers
        )
    )
    return Page(
        view=view,
        scope_label=scope_label,
        dashboard=dashboard,
        params=params,
        district=district,
        district_rows=district_rows if permissions.is_city_admin(user) else None,
        categories=categories,
        filters=True,
    )


def _name(district_rows, pk):
    return next((name for rpk, _, name in district_rows if rpk == pk), None)


def _in_district(qs, district):
    return qs.filter(**{permissions.district_path(qs.model): district.pk})


def _public_tables(params):
    categories = selectors.top_categories()
    district_rows = selectors.districts()
    dashboard = selectors.build(
        demands=public_demands(),
        offerings=public_offerings(),
        applications=selectors.member_applications(),
        params=params,
        view="public",
        categories=categories,
        district_rows=district_rows,
    )
    # 对接成效 (issue 13 §7)
    dashboard.tables.append(
        matching_figures.table(
            selectors.filter_demands(public_demands(), params),
            "public",
            district_rows,
            buyers=dashboard.cube.buyers,
        )
    )
    return categories, dashboard


def public_page(request):
    """Published data only: public demands, published offers, the published directory. The same
    for every visitor, so it is kept in the cache for OVERVIEW_CACHE_SECONDS (5 minutes): over a
    city's data it costs the database most of a second."""
    params = parse_params(request.GET, filters=False)
    key = "dashboard:overview:" + hashlib.sha1(repr(params).encode()).hexdigest()
    categories, dashboard = caching.public_figures(key, lambda: _public_tables(params))
    return Page(
        view="public",
        scope_label="全市",
        dashboard=dashboard,
        params=params,
        district=None,
        district_rows=None,
        categories=categories,
        filters=False,
    )


def _sort(page, value):
    table_key, _, column = (value or "").partition(".")
    table = page.dashboard.table(table_key)
    if table is not None and table.sort_by(column):
        return value
    return ""


def _render(request, page, template, export_url):
    sort = _sort(page, request.GET.get("sort"))
    form = FilterForm.showing(
        page.params,
        page.district if page.district_rows is not None else None,
        categories=page.categories,
        district_rows=page.district_rows,
        filters=page.filters,
    )
    return render(
        request,
        template,
        {
            "page": page,
            "dashboard": page.dashboard,
            "tables": [t for t in page.dashboard.tables if t.key != "overview"],
            "charts": page.dashboard.charts(),
            "form": form,
            "year": page.params.year,
            "query": page.query,
            "sort": sort,
            "export_url": export_url,
            "definitions": selectors.PUBLIC_DEFINITIONS if page.view == "public" else selectors.DEFINITIONS,
        },
    )


def export_sheets(request, page, prefix):
    """The whole page (one sheet per table, and a sheet of definitions), or one table (`?table=`):
    (sheets, file name)."""
    _sort(page, request.GET.get("sort"))
    dashboard = page.dashboard
    year = page.params.year
    wanted = dashboard.table(request.GET.get("table", ""))
    if wanted is not None:
        return [xlsx.table_sheet(wanted)], f"{year}年{prefix}_{wanted.title}.xlsx"
    filters = _filter_text(page)
    notes = [
        f"范围：{page.scope_label}；年度：{year}年；筛选条件：{filters}。",
        *(selectors.PUBLIC_DEFINITIONS if page.view == "public" else selectors.DEFINITIONS),
    ]
    sheets = [xlsx.table_sheet(t) for t in dashboard.tables] + [xlsx.notes_sheet(notes)]
    return sheets, f"{year}年{prefix}.xlsx"


def _export(request, page, prefix, kind):
    """Streamed at once; above JOB_EXPORT_ROWS rows, written by a job (portal/export_jobs.py)."""
    sheets, filename = export_sheets(request, page, prefix)
    total = export_jobs.rows_in(sheets)
    if export_jobs.too_big(total):
        return export_jobs.start(request, kind, title=f"导出{filename.removesuffix('.xlsx')}", total=total)
    return xlsx.file_response(sheets, filename)


def _filter_text(page):
    params = page.params
    parts = []
    if params.category:
        parts.append("项目类别 " + dict(page.categories).get(params.category, params.category))
    if params.level:
        parts.append("购买主体层级 " + dict(selectors.UnitLevel.choices)[params.level])
    if params.source:
        parts.append("信息来源 " + dict(selectors.SOURCE_CHOICES)[params.source])
    return "，".join(parts) or "无"


@login_required
def stats(request):
    page = admin_page(request)
    return _render(request, page, "dashboard/stats.html", "dashboard:stats_export")


def stats_prefix(page):
    return f"统计分析（{page.scope_label}）"


@login_required
def stats_export(request):
    page = admin_page(request)
    return _export(request, page, stats_prefix(page), "stats_export")


def overview(request):
    page = public_page(request)
    return _render(request, page, "dashboard/overview.html", "dashboard:overview_export")


def overview_export(request):
    page = public_page(request)
    return _export(request, page, "数据概览", "overview_export")
