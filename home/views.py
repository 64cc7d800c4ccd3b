"""The site layer's pages: the home page, the combined search and 我的工作台 (they read every app)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts import permissions
from accounts.models import AccountApplication, PurchaserUnit, SocialOrganization
from demands import selectors as demand_selectors
from demands.models import Demand
from offerings import selectors as offering_selectors
from offerings.models import Offering
from portal import jobs, listing
from portal.search import names_search

from . import selectors, todos

# The three main boards and four auxiliary modules of 第九条: (title, description, URL name).
MODULES = {
    "demands": ("我要购买服务", "购买主体发布拟向社会组织购买的服务项目（第十二条）。", "demands:list"),
    "offerings": ("我要提供服务", "社会组织发布可以提供的服务项目（第十三条）。", "offerings:list"),
    "directory": ("推荐目录", "《上海市承接政府购买服务社会组织推荐目录》（第十五条）。", "directory:list"),
    "policies": ("政策法规", "政府购买社会组织服务的政策法规。", "notices:policies"),
    "announcements": ("公示公告", "市、区两级和各业务条线的通知、公告。", "notices:announcements"),
    "downloads": ("资料下载", "模板、培训资料和政策文件。", "notices:downloads"),
    "links": ("友情链接", "相关政府网站和服务平台。", "notices:links"),
}


def home(request):
    context = selectors.home_context()
    context["modules"] = list(MODULES.values())
    return render(request, "home/home.html", context)


def search_all(request):
    """One search box for demands and offers together (R-NOT-2)."""
    text = listing.search_text(request)
    demands = offerings = organizations = units = []
    demand_count = offering_count = organization_count = unit_count = 0
    cap = listing.COUNT_CAP
    if text:
        # The organizations and units themselves, by name (issue 13): each has its 主页.
        oq_names = names_search(SocialOrganization.objects.all(), text).order_by("name", "pk")
        uq_names = names_search(PurchaserUnit.objects.filter(is_active=True), text).order_by("name", "pk")
        organization_count, unit_count = oq_names.count(), uq_names.count()
        organizations = list(oq_names.select_related("district")[:10])
        units = list(uq_names.select_related("district")[:10])
        dq = demand_selectors.demands_search(Demand.objects.live(), text)
        oq = offering_selectors.offerings_search(Offering.objects.public(), text)
        # Counted as the listings count a search (capped_match_count: "1,000+" above COUNT_CAP). Counted
        # exactly, 养老 at 100,000 demands read all 8,257 matching demands and every offer's text vector:
        # 60 + 340–410 ms of the page's 480–580 ms of SQL; capped, 13 + 70 ms (issue 15).
        demand_count, offering_count = (
            listing.capped_match_count(dq, cap),
            listing.capped_match_count(oq, cap),
        )
        # What the page shows of them, as the home page reads its newest: joined with their districts
        # (unused) and read whole, the two queries took 3.2 ms to compile, 2.2 ms this way (issue 15).
        demands = list(selectors.newest_demands(dq)[:10])
        offerings = list(selectors.newest_offerings(oq)[:10])
    return render(
        request,
        "home/search.html",
        {
            "q": text,
            "demands": demands,
            "offerings": offerings,
            "demand_count": demand_count,
            "offering_count": offering_count,
            "demand_count_label": listing.count_label(demand_count, cap),
            "offering_count_label": listing.count_label(offering_count, cap),
            "organizations": organizations,
            "units": units,
            "organization_count": organization_count,
            "unit_count": unit_count,
        },
    )


@login_required
def workbench(request):
    """我的工作台: who I am, for which unit and district, and what waits for me."""
    user = request.user
    context = {
        "is_admin": permissions.is_admin(user),
        "todos": todos.todos_for(user),
        "jobs": jobs.recent(user),
    }
    if context["is_admin"]:
        context["pending_applications"] = permissions.scope_to(
            user, AccountApplication.objects.filter(status=AccountApplication.Status.PENDING)
        ).count()
    return render(request, "home/workbench.html", context)
