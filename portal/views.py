from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts import permissions
from accounts.models import AccountApplication

# The header navigation of 第九条. A module whose issue has not landed shows a short notice.
MODULES = {
    "demands": ("我要购买服务", "购买主体发布拟向社会组织购买的服务项目（第十二条）。"),
    "offerings": ("我要提供服务", "社会组织发布可以提供的服务项目（第十三条）。"),
    "directory": ("推荐目录", "《上海市承接政府购买服务社会组织推荐目录》（第十五条）。"),
    "policies": ("政策法规", "政府购买社会组织服务的政策法规。"),
    "announcements": ("公示公告", "市、区两级和各业务条线的通知、公告。"),
    "downloads": ("资料下载", "模板、培训资料和政策文件。"),
    "links": ("友情链接", "相关政府网站和服务平台。"),
}


# Modules that have their own pages now; their header link points there.
LIVE_MODULES = {"demands", "offerings", "directory"}


def module_url_name(module):
    return f"{module}:list" if module in LIVE_MODULES else f"{module}_home"


def home(request):
    modules = [(title, description, module_url_name(key)) for key, (title, description) in MODULES.items()]
    return render(request, "portal/home.html", {"modules": modules})


def module_pending(request, module):
    title, description = MODULES[module]
    return render(request, "portal/module_pending.html", {"title": title, "description": description})


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
