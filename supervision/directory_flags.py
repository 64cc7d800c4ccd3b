"""A 失信记录 for false information on a directory member's evidence (or on its directory entry) is
flagged to the city, which may remove the member from the published edition (issue 18, 第十七条)."""

from django.urls import reverse

from accounts.models import User
from directory.models import Application
from inbox.models import Kind

from .models import TargetType


def members_concerned(finding):
    """The published memberships (Application.objects.published_members) of the finding's organization
    whose evidence, or whose entry itself, the finding is about."""
    if not finding.organization_id:
        return []
    memberships = Application.objects.published_members().filter(organization_id=finding.organization_id)
    if finding.target_type == TargetType.OFFERING:
        memberships = memberships.filter(evidence__pk=finding.target_id)
    elif finding.target_type == TargetType.APPLICATION:
        memberships = memberships.filter(pk=finding.target_id)
    else:
        return []
    return list(memberships.select_related("edition", "organization").distinct())


def flag_members(finding, record):
    """Tell the city's administrators of each membership concerned, with the finding, and link to the
    page where a member is removed with a reason."""
    from .findings import send_notice  # findings flags members through this module

    sent = []
    for application in members_concerned(finding):
        sent += send_notice(
            finding,
            User.objects.administrators_of(None),
            f"推荐目录成员有失信记录：{application.organization.name}（{application.edition.year}年度）",
            f"{application.organization.name}是{application.edition.display_title}的成员；内容监测问题 "
            f"{finding.number}（{finding.get_target_type_display()}“{finding.target_title}”）核查属实，"
            f"已记入失信记录：{record.record}\n请决定是否将其移出该年度目录（须填写原因，移出后目录页显示移出日期）。",
            kind=Kind.CREDIT,
            link=reverse("directory:remove_member", args=[application.pk]),
        )
    return sent
