"""待办 on 我的工作台 (issue 18): what waits for each role, with counts and where to do it. A fixed
number of queries per role; every condition is the records' own rule (queryset methods, permissions)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.models import AccountApplication
from demands.models import Demand, Status, award_overdue_q, evaluation_overdue_q
from directory.models import Application, AppStatus, Edition, EditionStatus
from supervision.models import Finding, FindingStatus

SOON_DAYS = 7


@dataclass
class Todo:
    label: str
    count: int
    url: str


def _open_findings(user):
    return permissions.findings_visible_to(user, Finding.objects.filter(status=FindingStatus.OPEN))


def _purchaser(user, today):
    demands = Demand.objects.filter(unit_id=user.purchaser_unit_id)
    counts = demands.aggregate(
        award=Count("pk", filter=award_overdue_q(today)),
        evaluation=Count("pk", filter=evaluation_overdue_q(today)),
    )
    drafts = [d for d in demands.filter(status=Status.DRAFT) if d.publish_deadline]
    soon = sum(1 for d in drafts if d.publish_deadline <= today + datetime.timedelta(days=SOON_DAYS))
    mine = reverse("demands:mine")
    return [
        Todo("逾期未补录承接方的需求", counts["award"], mine + "?status=published"),
        Todo("逾期未补录绩效评价的需求", counts["evaluation"], mine + "?status=awarded"),
        Todo(f"发布期限在 {SOON_DAYS} 天内或已过的草稿", soon, mine + "?status=draft"),
        Todo("待答复的内容监测问题", _open_findings(user).count(), reverse("supervision:findings")),
    ]


def _organization(user, today):
    todos = [
        Todo("待答复的内容监测问题", _open_findings(user).count(), reverse("supervision:findings")),
        Todo(
            "被退回修改的自荐申请",
            Application.objects.filter(
                organization_id=user.organization_id, status=AppStatus.RETURNED
            ).count(),
            reverse("directory:mine"),
        ),
    ]
    soon = Edition.objects.filter(
        status=EditionStatus.COLLECTING,
        deadline__gte=today,
        deadline__lte=today + datetime.timedelta(days=SOON_DAYS),
    ).exclude(applications__organization_id=user.organization_id, applications__status__in=(
        AppStatus.DISTRICT, AppStatus.CITY, AppStatus.APPROVED, AppStatus.REJECTED))  # fmt: skip
    todos.append(
        Todo(f"{SOON_DAYS} 天内截止、尚未提交的推荐目录征集", soon.count(), reverse("directory:apply"))
    )
    return todos


def _admin(user, today):
    city = permissions.is_city_admin(user)
    reviewing = Application.objects.filter(status=AppStatus.CITY if city else AppStatus.DISTRICT)
    if not city:
        reviewing = reviewing.filter(review_district_id=user.district_id)
    accounts = permissions.scope_to(
        user, AccountApplication.objects.filter(status=AccountApplication.Status.PENDING)
    )
    scoped = permissions.scope_to(user, Demand.objects.all())
    return [
        Todo("待审核的推荐目录自荐申请", reviewing.count(), reverse("directory:review_list")),
        Todo("待审核的账号开通申请", accounts.count(), reverse("accounts:application_list")),
        Todo(
            "辖区内逾期未补录承接方或绩效评价的需求",
            scoped.award_overdue(today).count() + scoped.evaluation_overdue(today).count(),
            reverse("supervision:deadlines"),
        ),  # fmt: skip
        Todo("待答复的内容监测问题", _open_findings(user).count(), reverse("supervision:findings")),
    ]


def _monitor(user, today):
    waiting = Finding.objects.filter(status__in=(FindingStatus.OPEN, FindingStatus.ANSWERED))
    answered = sum(1 for f in waiting if f.status == FindingStatus.ANSWERED)
    overdue = sum(1 for f in waiting if f.status == FindingStatus.OPEN and f.may_be_confirmed)
    url = reverse("supervision:findings")
    return [
        Todo("发布方已答复、待办结的问题", answered, url),
        Todo("答复期满未答复的问题", overdue, url),
    ]


def todos_for(user):
    today = timezone.localdate()
    if permissions.is_purchaser(user):
        return _purchaser(user, today)
    if permissions.is_organization_user(user):
        return _organization(user, today)
    if permissions.is_admin(user):
        return _admin(user, today)
    if permissions.is_monitor(user):
        return _monitor(user, today)
    return []
