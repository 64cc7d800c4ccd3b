"""Every write on a demand. Keyword-only arguments, one transaction and one history record
each (R-GEN-2). The allowed status transitions are the one table below (R-DEM-4)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from portal import confidentiality, transitions
from portal.errors import ServiceError
from portal.transitions import NEW

from .models import Demand, Status

# action → (from-states, to-state): the lifecycle of R-DEM-4. NEW is a demand not saved yet;
# adjusting a published demand keeps it published.
ACTIONS = {
    "create": ({NEW}, Status.DRAFT),
    "publish": ({NEW, Status.DRAFT}, Status.PUBLISHED),
    "edit_draft": ({Status.DRAFT}, Status.DRAFT),
    "adjust": ({Status.PUBLISHED}, Status.PUBLISHED),
    "cancel": ({Status.DRAFT, Status.PUBLISHED}, Status.CANCELLED),
    "award": ({Status.PUBLISHED}, Status.AWARDED),
    "evaluate": ({Status.AWARDED}, Status.EVALUATED),
}
TABLE = transitions.Table(
    states=tuple(Status),
    noun="需求",
    actions=ACTIONS,
    labels={
        "create": "保存为草稿",
        "publish": "发布",
        "edit_draft": "修改草稿",
        "adjust": "调整",
        "cancel": "取消",
        "award": "补录承接方",
        "evaluate": "补录绩效评价",
    },
    notes={Status.CANCELLED: "已取消的需求不能再作任何变更。"},
)


# The data link (R-INT-1): a project kept on another platform arrives in the status it has there
# and then moves forward only, as a demand published here does; cancelled and evaluated are final.
_BEFORE_AWARD = {NEW, Status.DRAFT, Status.PUBLISHED}
IMPORT_ACTIONS = {
    "import_published": (_BEFORE_AWARD, Status.PUBLISHED),
    "import_awarded": (_BEFORE_AWARD | {Status.AWARDED}, Status.AWARDED),
    "import_evaluated": (_BEFORE_AWARD | {Status.AWARDED, Status.EVALUATED}, Status.EVALUATED),
    "import_cancelled": (_BEFORE_AWARD | {Status.CANCELLED}, Status.CANCELLED),
}
IMPORT_TABLE = transitions.Table(
    states=tuple(Status),
    noun="需求",
    actions=IMPORT_ACTIONS,
    labels={action: transitions.moved_to(to) for action, (_, to) in IMPORT_ACTIONS.items()},
    messages={
        action: "本平台记录的状态是“{status}”，" + f"不能{transitions.moved_to(to)}"
        "（状态只能向前推进，已取消和已评价的项目不再变更）"
        for action, (_, to) in IMPORT_ACTIONS.items()
    },
)


def import_action(status):
    """The data link's action that brings a record to `status`."""
    return IMPORT_TABLE.action_to(status)


def _check(demand, action, by):
    if not permissions.can_edit_demand(by, demand):
        raise PermissionDenied
    transitions.check(TABLE, demand, action)


def _apply(demand, action, by, reason, current=None):
    return transitions.apply(TABLE, demand, action, by=by, reason=reason, current=current)


def _locked(demand):
    return Demand.objects.select_for_update().get(pk=demand.pk)


def _require_reason(reason, what):
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(f"{what}必须填写原因。")
    refused = confidentiality.field_problem(confidentiality.PUBLIC, f"{what}的原因", reason)
    if refused:  # shown with the demand's history, like the demand's own text (第十六条)
        raise ServiceError(refused)
    return reason


@transaction.atomic
def demand_create(*, demand, by, publish=False):
    """Save a new demand of the user's own unit, as a draft or published at once."""
    if not permissions.is_purchaser(by):
        raise PermissionDenied
    demand.unit = by.purchaser_unit
    return transitions.create(TABLE, demand, by=by, publish=publish)


@transaction.atomic
def demand_update_draft(*, demand, by):
    current = _locked(demand)
    _check(current, "edit_draft", by)
    return _apply(demand, "edit_draft", by, "修改草稿", current)


@transaction.atomic
def demand_publish(*, demand, by):
    current = _locked(demand)
    _check(current, "publish", by)
    current.published_at = timezone.now()
    return _apply(current, "publish", by, "发布")


@transaction.atomic
def demand_adjust(*, demand, by, reason):
    """Edit a published demand (第四条(三): 调整); the reason is kept in its history."""
    reason = _require_reason(reason, "调整已发布的需求")
    current = _locked(demand)
    _check(current, "adjust", by)
    demand.published_at = current.published_at
    demand.adjusted_at = timezone.now()
    return _apply(demand, "adjust", by, f"调整：{reason}", current)


@transaction.atomic
def demand_cancel(*, demand, by, reason):
    reason = _require_reason(reason, "取消需求")
    current = _locked(demand)
    _check(current, "cancel", by)
    current.cancelled_at = timezone.now()
    current.cancel_reason = reason
    return _apply(current, "cancel", by, f"取消：{reason}")


@transaction.atomic
def demand_award(*, demand, by, organization, amount, awarded_on):
    current = _locked(demand)
    _check(current, "award", by)
    if organization is None:
        raise ServiceError("请选择承接的社会组织。")
    organization.refresh_from_db()
    if not organization.is_eligible:
        raise ServiceError(
            f"{organization.name} 目前不具备承接资格（{organization.credit_status}），"
            "不能录入为承接方（《管理和使用办法》第八条）。"
        )
    if amount is None or amount <= 0:
        raise ServiceError("成交金额必须大于 0 元。")
    if amount > current.budget:
        raise ServiceError(f"成交金额不能超过项目预算（{current.budget:,.2f} 元）。")
    today = timezone.localdate()
    if awarded_on > today:
        raise ServiceError("确定承接日期不能晚于今天。")
    if current.published_on and awarded_on < current.published_on:
        raise ServiceError(f"确定承接日期不能早于需求发布日期（{current.published_on:%Y-%m-%d}）。")
    current.awarded_org = organization
    current.award_amount = amount
    current.awarded_on = awarded_on
    current.awarded_at = timezone.now()
    return _apply(current, "award", by, f"确定承接方：{organization.name}")


@transaction.atomic
def demand_evaluate(*, demand, by, grade, score, summary, evaluated_on):
    """The score's range is the model's rule (eval_score's validators), checked by full_clean."""
    current = _locked(demand)
    _check(current, "evaluate", by)
    if evaluated_on and evaluated_on > timezone.localdate():
        raise ServiceError("评价日期不能晚于今天。")
    # Grade against score, score range, service started, not before the award: Demand.clean (R-DEM-4).
    current.eval_grade = grade or ""
    current.eval_score = score
    current.eval_summary = (summary or "").strip()
    current.evaluated_on = evaluated_on
    current.evaluated_at = timezone.now()
    return _apply(current, "evaluate", by, f"绩效评价：{current.get_eval_grade_display()}")


def _same_day_in(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def demand_copy(*, demand, by):
    """A new draft of the user's unit with the fields of one of its demands (any year, any status):
    purchasers publish much the same services every year. The year becomes this year and the
    dates (implementation, budget approval) move by as many years, for the purchaser to check;
    award, evaluation and cancellation stay behind."""
    if not permissions.can_copy_demand(by, demand):
        raise PermissionDenied
    year = timezone.localdate().year
    years = max(year - demand.year, 0)
    copy = Demand(**{name: getattr(demand, name) for name in Demand.EDITABLE_FIELDS})
    copy.year = demand.year + years
    for name in ("period_start", "period_end", "budget_approved_on"):
        if getattr(demand, name):
            setattr(copy, name, _same_day_in(getattr(demand, name), years))
    copy.unit = by.purchaser_unit
    copy.created_by = by
    try:
        return _apply(copy, "create", by, f"复制自需求 {demand.pk}（{demand.year}年度）")
    except ServiceError as exc:
        raise ServiceError("复制的内容不符合现行规则，请新建需求：" + exc.message) from exc
