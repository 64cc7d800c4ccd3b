"""Every write on a 承接意向: one action table, one function that applies an action, one transaction
and one history record each (R-GEN-2), and the 站内信 it sends (inbox.services.notify)."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from accounts import permissions
from accounts.models import User
from inbox.models import Kind
from inbox.services import notify
from portal import confidentiality, transitions
from portal.errors import ServiceError
from portal.transitions import NEW

from .models import Interest, InterestStatus

S = InterestStatus
# One table (portal/transitions): action → (from-states, to-state). A first 有意承接 creates the record.
TABLE = transitions.Table(
    noun="承接意向",
    states=tuple(S.values),
    actions={
        "express": ({NEW, S.WITHDRAWN}, S.ACTIVE),
        "withdraw": ({S.ACTIVE, S.CONTACTED, S.UNSUITABLE}, S.WITHDRAWN),
        "contact": ({S.ACTIVE, S.UNSUITABLE}, S.CONTACTED),
        "unsuitable": ({S.ACTIVE, S.CONTACTED}, S.UNSUITABLE),
    },
    labels={"express": "表达", "withdraw": "撤回", "contact": "标记为已联系", "unsuitable": "标记为不合适"},
    messages={"express": "贵组织已表达过承接意向。"},
)
# action → who may take it (on the interest) and the history reason
WHO = {
    "express": (permissions.can_withdraw_interest, "重新表达承接意向"),
    "withdraw": (permissions.can_withdraw_interest, "撤回承接意向"),
    "contact": (permissions.can_mark_interest, "购买主体标记为已联系"),
    "unsuitable": (permissions.can_mark_interest, "购买主体标记为不合适"),
}
DONE = {"withdraw": "撤回承接意向", "contact": "标记为已联系", "unsuitable": "标记为不合适"}


def _demand_link(demand):
    return f"/demands/{demand.pk}/"


def refuse_unless(allowed, by, *, doing, closed):
    """PermissionDenied unless `allowed`; an organization's user is told why instead: its organization
    may not be `doing` anything while listed or not in good standing, else the demand is `closed`."""
    if allowed:
        return
    if permissions.is_organization_user(by) and not by.organization.is_eligible:
        raise ServiceError(f"贵组织目前在严重失信名单中或登记状态异常，不能{doing}。")
    if permissions.is_organization_user(by):
        raise ServiceError(closed)
    raise PermissionDenied


def notify_about(demand, users, title, body, *, link=None):
    """A 站内信 (kind 对接) to `users` about `demand`: titled "`title`：the demand's title", linking to the
    demand's page (or `link`)."""
    notify(
        users=users,
        kind=Kind.MATCHING,
        title=f"{title}：{demand.title}",
        body=body,
        link=link or _demand_link(demand),
    )


def notify_unit(demand, title, body, **link):
    """`notify_about` the demand's purchaser unit (its users)."""
    notify_about(demand, User.objects.of_unit(demand.unit_id), title, body, **link)


def _check_text(note, offering, organization):
    note = (note or "").strip()
    if len(note) > 500:
        raise ServiceError("说明不能超过 500 字。")
    problem = confidentiality.problem(note)
    if problem:
        raise ServiceError(f"说明：{problem}")
    if offering is not None and (offering.organization_id != organization.pk or not offering.is_public):
        raise ServiceError("请选择本组织已发布的服务项目。")
    return note


@transaction.atomic
def express(*, demand, by, note="", offering=None):
    """有意承接: creates the interest, or revives a withdrawn one; the purchaser is told by 站内信."""
    refuse_unless(
        permissions.can_express_interest(by, demand),
        by,
        doing="表达承接意向",
        closed="该需求已不在征集中，不能表达承接意向。",
    )
    organization = by.organization
    note = _check_text(note, offering, organization)
    interest = Interest.objects.select_for_update().filter(demand=demand, organization=organization).first()
    if interest is not None:
        transitions.check(TABLE, interest, "express")
        interest.note, interest.offering = note, offering
        transitions.apply(TABLE, interest, "express", by=by, reason=WHO["express"][1])
    else:
        interest = Interest(
            demand=demand, organization=organization, offering=offering, note=note, created_by=by
        )
        try:
            with transaction.atomic():
                transitions.apply(TABLE, interest, "express", by=by, reason="表达承接意向")
        except IntegrityError as exc:  # a double submit
            raise ServiceError("贵组织已表达过承接意向。") from exc
    notify_unit(
        demand,
        "新的承接意向",
        f"{organization.name} 对“{demand.title}”表达了承接意向。{note}\n"
        "请在需求页面查看该组织的主页和联系方式，线下联系（平台不提供线上采购，第十四条）。",
    )
    return interest


@transaction.atomic
def act(*, interest, action, by):
    """withdraw (the organization), contact / unsuitable (the purchaser)."""
    if action not in DONE:
        raise ServiceError("未知的操作。")
    interest = (
        Interest.objects.select_for_update().select_related("demand", "organization").get(pk=interest.pk)
    )
    if not WHO[action][0](by, interest):
        raise PermissionDenied
    if action != "withdraw" and interest.demand.status != "published":
        raise ServiceError("该需求已不在征集中。")
    transitions.apply(TABLE, interest, action, by=by, reason=WHO[action][1])
    if action in ("contact", "unsuitable"):
        notify_about(
            interest.demand,
            User.objects.of_organization(interest.organization_id),
            f"承接意向{interest.get_status_display()}",
            f"{interest.demand.unit.name} 将贵组织对“{interest.demand.title}”的承接意向标记为"
            f"“{interest.get_status_display()}”。",
        )
    return interest
