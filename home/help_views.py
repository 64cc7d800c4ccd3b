"""使用指南: one public page per role (what to do first, the deadlines of 第四条, batch uploads)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from accounts.models import Role

# role → (title, template); the visitor's guide is the index itself.
GUIDES = {
    Role.PURCHASER: "购买主体（政府部门、街镇）",
    Role.ORGANIZATION: "承接主体（社会组织）",
    Role.DISTRICT_ADMIN: "区级管理员（区民政局）",
    Role.CITY_ADMIN: "市级管理员（市民政局）",
    Role.MONITOR: "内容监测员（市社会组织服务中心）",
}


def _deadlines():
    return {
        "added_days": settings.DEMAND_ADDED_PUBLISH_DAYS,
        "award_days": settings.DEMAND_AWARD_GRACE_DAYS,
        "evaluation_days": settings.DEMAND_EVALUATION_GRACE_DAYS,
    }


def help_index(request):
    mine = getattr(request.user, "role", None) if request.user.is_authenticated else None
    guides = [(role.value, title) for role, title in GUIDES.items()]
    return render(request, "help/index.html", {"guides": guides, "mine": mine, **_deadlines()})


def help_role(request, role):
    if role not in GUIDES:
        raise Http404
    guides = [(r.value, title) for r, title in GUIDES.items()]
    context = {"role": role, "title": GUIDES[role], "guides": guides, **_deadlines()}
    return render(request, f"help/{role}.html", context)
