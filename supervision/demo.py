"""Demo supervision data for seed_demo: a finding that went the whole way (opened, answered,
closed as 属实, so 失信记录), one waiting for an answer, and the first day's reminders."""

from accounts.models import Role, User
from demands.models import Demand
from offerings.models import Offering
from offerings.models import Status as OfferingStatus

from . import findings, reminders
from .models import Finding, FindingKind, FindingResult, TargetType


def seed():
    if Finding.objects.exists():
        return False
    monitor = User.objects.filter(role=Role.MONITOR).first()
    org_user = User.objects.filter(username="xuhui_org").first()
    if monitor is None or org_user is None:
        return False
    offer = (
        Offering.objects.filter(organization_id=org_user.organization_id, status=OfferingStatus.PUBLISHED)
        .order_by("pk")
        .first()
    )
    if offer is not None:
        finding = findings.open_finding(
            by=monitor,
            target_type=TargetType.OFFERING,
            target_id=offer.pk,
            kind=FindingKind.FALSE,
            description="项目简介称“近三年累计服务十万人次”，与该组织年报所列服务人次明显不符，涉嫌夸大。",
        )
        findings.answer_finding(
            finding=finding,
            by=org_user,
            answer="经核实，服务人次统计口径有误，已将项目简介改为年报所列的1.2万人次。",
        )
        findings.close_finding(
            finding=finding,
            by=monitor,
            result=FindingResult.CONFIRMED,
            result_text="核查属实。发布方已更正；记入失信记录，年检时予以关注。",
        )
    demand = Demand.objects.filter(unit__users__username="huangpu_buyer", published_at__isnull=False).first()
    if demand is not None and demand.is_public:
        findings.open_finding(
            by=monitor,
            target_type=TargetType.DEMAND,
            target_id=demand.pk,
            kind=FindingKind.SECRET,
            description="“其他信息”中留有服务对象的家庭住址，请删除个人信息后重新发布。",
        )
    reminders.send_due()
    return True
