"""Every directory decision told (issue 18): the organization hears of each review step with its
opinion, and eligible organizations hear that an edition is open for self-recommendations. 站内信 and,
where the account has an address, e-mail (inbox.services.notify), inside the decision's transaction."""

from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, SocialOrganization, User
from inbox.models import Kind
from inbox.services import notify

from .models import ReviewStep

_TOLD = {
    ReviewStep.Action.PASS: (
        "自荐申请已通过区级审核",
        "{org}的{year}年度推荐目录自荐申请已通过{authority}审核，并已报送上海市民政局审核。",
    ),
    ReviewStep.Action.RETURN: (
        "自荐申请已退回修改",
        "{org}的{year}年度推荐目录自荐申请被{authority}退回修改。"
        "请按意见修改后，在征集截止日期（{deadline:%Y年%-m月%-d日}）前重新提交。",
    ),
    ReviewStep.Action.APPROVE: (
        "自荐申请已入选推荐目录",
        "{org}的{year}年度推荐目录自荐申请经上海市民政局审核，已入选；目录发布后将向社会公开。",
    ),
    ReviewStep.Action.REJECT: (
        "自荐申请未入选推荐目录",
        "{org}的{year}年度推荐目录自荐申请经上海市民政局审核，未入选。",
    ),
}


def review_step_told(application, action, opinion):
    """The organization's accounts hear of a review step, with the reviewer's opinion."""
    title, body = _TOLD[action]
    edition = application.edition
    body = body.format(
        org=application.organization.name,
        year=edition.year,
        authority=application.review_authority,
        deadline=edition.deadline,
    )
    body += f"\n审核意见：{opinion or '无'}"
    return notify(
        users=User.objects.of_organization(application.organization_id),
        kind=Kind.DIRECTORY,
        title=f"{title}（{edition.year}年度）",
        body=body,
        link=reverse("directory:mine"),
    )


def edition_opened_told(edition):
    """Every account of an eligible organization (R-SUB-3) hears that self-recommendation is open."""
    users = User.objects.filter(
        role=Role.ORGANIZATION,
        is_active=True,
        organization__in=SocialOrganization.objects.eligible(),
    )
    return notify(
        users=list(users),
        kind=Kind.DIRECTORY,
        title=f"推荐目录开始征集：{edition.display_title}",
        body=f"{edition.display_title}现已开始征集，征集时间 {edition.starts_on:%Y-%m-%d} 至 "
        f"{edition.deadline:%Y-%m-%d}（截止日当天24时前可以提交）。\n征集要求：{edition.requirements}\n"
        "符合条件的社会组织可选择1至2个已发布的服务项目作为佐证，上传盖章的《购买主体推荐意见表》后自荐。",
        link=reverse("directory:apply"),
        dedupe_key=f"edition-opened-{edition.pk}",
    )


def member_removed_told(application, reason):
    edition = application.edition
    return notify(
        users=User.objects.of_organization(application.organization_id),
        kind=Kind.DIRECTORY,
        title=f"已移出推荐目录（{edition.year}年度）",
        body=f"{application.organization.name}已于 {timezone.localtime(application.removed_at):%Y-%m-%d} 由上海市民政局移出"
        f"{edition.display_title}。\n移出原因：{reason}",
        link=reverse("directory:mine"),
    )
