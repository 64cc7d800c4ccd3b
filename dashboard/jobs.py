"""Exports above JOB_EXPORT_ROWS rows as jobs (issue 16 §1, portal/export_jobs.py): the public listings
(我要购买服务, 我要提供服务, 推荐目录) and the statistics pages. Each builds exactly what its immediate
export builds, from the request the user asked with."""

from demands import selectors as demand_selectors
from offerings import selectors as offering_selectors
from portal import export_jobs
from portal.directory_members import member_organization_ids

from . import exports


@export_jobs.handler("demands_export")
def demands_export(request):
    return exports.demands_sheets(demand_selectors.listing(request.GET).qs, member_organization_ids())


@export_jobs.handler("offerings_export")
def offerings_export(request):
    return exports.offerings_sheets(offering_selectors.listing(request.GET).qs, member_organization_ids())


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
