"""Exports above JOB_EXPORT_ROWS rows as jobs (issue 16 §1, portal/export_jobs.py): the public listings
(我要购买服务, 我要提供服务, 推荐目录) and the statistics pages. Each builds exactly what its immediate
export builds, from the request the user asked with."""

from directory.selectors import member_organization_ids
from portal import export_jobs

from . import exports


@export_jobs.handler("demands_export")
def demands_export(request):
    from demands.views import _listing_queryset

    return exports.demands_sheets(_listing_queryset(request), member_organization_ids())


@export_jobs.handler("offerings_export")
def offerings_export(request):
    from offerings.views import _listing_queryset

    return exports.offerings_sheets(_listing_queryset(request), member_organization_ids())


@export_jobs.handler("members_export")
def members_export(request, year):
    from directory.views import filtered_members

    return exports.members_sheets(*filtered_members(request, year))


@export_jobs.handler("stats_export")
def stats_export(request):
    from . import views

    page = views.admin_page(request)
    return views.export_sheets(request, page, views.stats_prefix(page))


@export_jobs.handler("overview_export")
def overview_export(request):
    from . import views

    page = views.public_page(request)
    return views.export_sheets(request, page, "数据概览")
