"""Every write on an offer: one transaction and one history record each (R-OFF-4, R-GEN-2).
The allowed status transitions are the one table below."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from portal import transitions
from portal.errors import ServiceError
from portal.transitions import NEW

from .models import Offering, Status

# action → (from-states, to-state) (R-OFF-4). NEW is an offer not saved yet; an edit (None) keeps
# the status the offer has. Nothing goes back to draft and nothing is deleted.
ACTIONS = {
    "create": ({NEW}, Status.DRAFT),
    "publish": ({NEW, Status.DRAFT, Status.WITHDRAWN}, Status.PUBLISHED),
    "edit": ({Status.DRAFT, Status.PUBLISHED, Status.WITHDRAWN}, None),
    "withdraw": ({Status.PUBLISHED}, Status.WITHDRAWN),
}
TABLE = transitions.Table(
    states=tuple(Status),
    noun="服务项目",
    actions=ACTIONS,
    labels={"create": "保存为草稿", "publish": "发布", "edit": "修改", "withdraw": "下架"},
)


def ineligibility_message(organization):
    return (
        f"{organization.name} 目前{organization.credit_status}，不能发布服务项目"
        "（《管理和使用办法》第八条：合格的承接主体是在民政部门登记且不在严重失信名单中的社会组织）。"
        "如有疑问请联系登记管理机关。"
    )


def _check(offering, action, by):
    if not permissions.can_edit_offering(by, offering):
        raise PermissionDenied
    transitions.check(TABLE, offering, action)
    if TABLE.target(action) == Status.PUBLISHED:
        offering.organization.refresh_from_db()
        if not offering.organization.is_eligible:
            raise ServiceError(ineligibility_message(offering.organization))


@transaction.atomic
def offering_create(*, offering, by, publish=False):
    if not permissions.is_organization_user(by):
        raise PermissionDenied
    offering.organization = by.organization
    if publish:
        _check(offering, "publish", by)
    return transitions.create(TABLE, offering, by=by, publish=publish)


@transaction.atomic
def offering_update(*, offering, by):
    """Edit a draft, a published or a withdrawn offer; its status stays as it is."""
    current = Offering.objects.select_for_update().get(pk=offering.pk)
    _check(current, "edit", by)
    offering.published_at = current.published_at
    return transitions.apply(TABLE, offering, "edit", by=by, reason="修改", current=current)


@transaction.atomic
def offering_publish(*, offering, by):
    """Publish a draft, or republish a withdrawn offer."""
    current = Offering.objects.select_for_update().select_related("organization").get(pk=offering.pk)
    republish = current.status == Status.WITHDRAWN
    _check(current, "publish", by)
    current.published_at = timezone.now()
    current.withdrawn_at = None
    return transitions.apply(TABLE, current, "publish", by=by, reason="重新发布" if republish else "发布")


@transaction.atomic
def offering_withdraw(*, offering, by):
    current = Offering.objects.select_for_update().get(pk=offering.pk)
    _check(current, "withdraw", by)
    current.withdrawn_at = timezone.now()
    return transitions.apply(TABLE, current, "withdraw", by=by, reason="下架")
