"""Every write on an offer: one transaction and one history record each (R-OFF-4, R-GEN-2).
The allowed status transitions are the one table below."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from portal.errors import ServiceError

from .models import Offering, Status

ALLOWED = {
    Status.DRAFT: {Status.DRAFT, Status.PUBLISHED},
    Status.PUBLISHED: {Status.PUBLISHED, Status.WITHDRAWN},
    Status.WITHDRAWN: {Status.WITHDRAWN, Status.PUBLISHED},
}
ACTION_NAMES = {Status.DRAFT: "修改", Status.PUBLISHED: "发布", Status.WITHDRAWN: "下架"}


def ineligibility_message(organization):
    return (
        f"{organization.name} 目前{organization.credit_status}，不能发布服务项目"
        "（《管理和使用办法》第八条：合格的承接主体是在民政部门登记且不在严重失信名单中的社会组织）。"
        "如有疑问请联系登记管理机关。"
    )


def _check(offering, to, by):
    if not permissions.can_edit_offering(by, offering):
        raise PermissionDenied
    if to not in ALLOWED[offering.status]:
        raise ServiceError(f"“{offering.get_status_display()}”的服务项目不能{ACTION_NAMES[to]}。")
    if to == Status.PUBLISHED:
        offering.organization.refresh_from_db()
        if not offering.organization.is_eligible:
            raise ServiceError(ineligibility_message(offering.organization))


def _save(offering, by, reason):
    offering._history_user = by
    offering._change_reason = reason
    offering.full_clean()
    offering.save()
    return offering


@transaction.atomic
def offering_create(*, offering, by, publish=False):
    if not permissions.is_organization_user(by):
        raise PermissionDenied
    offering.organization = by.organization
    offering.created_by = by
    offering.status = Status.DRAFT
    if publish:
        _check(offering, Status.PUBLISHED, by)
        offering.status = Status.PUBLISHED
        offering.published_at = timezone.now()
    return _save(offering, by, "发布" if publish else "创建草稿")


@transaction.atomic
def offering_update(*, offering, by):
    """Edit a draft, a published or a withdrawn offer; its status stays as it is."""
    current = Offering.objects.select_for_update().get(pk=offering.pk)
    _check(current, current.status, by)
    offering.status = current.status
    offering.published_at = current.published_at
    return _save(offering, by, "修改")


@transaction.atomic
def offering_publish(*, offering, by):
    """Publish a draft, or republish a withdrawn offer."""
    current = Offering.objects.select_for_update().select_related("organization").get(pk=offering.pk)
    if current.status == Status.PUBLISHED:
        raise ServiceError("该服务项目已经发布。")
    republish = current.status == Status.WITHDRAWN
    _check(current, Status.PUBLISHED, by)
    current.status = Status.PUBLISHED
    current.published_at = timezone.now()
    current.withdrawn_at = None
    return _save(current, by, "重新发布" if republish else "发布")


@transaction.atomic
def offering_withdraw(*, offering, by):
    current = Offering.objects.select_for_update().get(pk=offering.pk)
    if current.status != Status.PUBLISHED:
        raise ServiceError("只有“已发布”的服务项目可以下架。")
    _check(current, Status.WITHDRAWN, by)
    current.status = Status.WITHDRAWN
    current.withdrawn_at = timezone.now()
    return _save(current, by, "下架")
