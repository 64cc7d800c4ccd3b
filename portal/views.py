from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts import permissions
from accounts.models import AccountApplication

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
    from . import home as home_data

    context = home_data.home_context()
    context["modules"] = list(MODULES.values())
    return render(request, "portal/home.html", context)


def search_all(request):
    """One search box for demands and offers together (R-NOT-2)."""
    from accounts.models import PurchaserUnit, SocialOrganization
    from demands import selectors as demand_selectors
    from offerings import selectors as offering_selectors
    from portal import listing
    from portal.search import names_search

    text = listing.search_text(request)
    demands = offerings = organizations = units = []
    demand_count = offering_count = organization_count = unit_count = 0
    if text:
        # The organizations and units themselves, by name (issue 13): each has its 主页.
        oq_names = names_search(SocialOrganization.objects.all(), text).order_by("name", "pk")
        uq_names = names_search(PurchaserUnit.objects.filter(is_active=True), text).order_by("name", "pk")
        organization_count, unit_count = oq_names.count(), uq_names.count()
        organizations = list(oq_names.select_related("district")[:10])
        units = list(uq_names.select_related("district")[:10])
        dq = demand_selectors.demands_search(
            demand_selectors.public_demands().exclude(status="cancelled"), text
        )
        oq = offering_selectors.offerings_search(offering_selectors.public_offerings(), text)
        demand_count, offering_count = dq.count(), oq.count()
        demands = list(dq.select_related("unit", "district").order_by("-published_at", "-pk")[:10])
        offerings = list(oq.select_related("organization").order_by("-published_at", "-pk")[:10])
    return render(
        request,
        "portal/search.html",
        {
            "q": text,
            "demands": demands,
            "offerings": offerings,
            "demand_count": demand_count,
            "offering_count": offering_count,
            "organizations": organizations,
            "units": units,
            "organization_count": organization_count,
            "unit_count": unit_count,
        },
    )


def elder_mode(request):
    """长者模式: larger type and spacing, remembered in a cookie for a year (适老化)."""
    from django.shortcuts import redirect
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if request.GET.get("on") == "1":
        response.set_cookie("elder", "1", max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure())
    else:
        response.delete_cookie("elder")
    return response


@login_required
def workbench(request):
    """我的工作台: who I am, for which unit and district, and what waits for me."""
    user = request.user
    context = {"is_admin": permissions.is_admin(user)}
    if context["is_admin"]:
        context["pending_applications"] = permissions.scope_to(
            user, AccountApplication.objects.filter(status=AccountApplication.Status.PENDING)
        ).count()
    return render(request, "portal/workbench.html", context)
