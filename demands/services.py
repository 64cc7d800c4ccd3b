"""Every write on a demand. Keyword-only arguments, one transaction and one history record
each (R-GEN-2). The allowed status transitions are the one table below (R-DEM-4)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from portal.errors import ServiceError

from .models import Demand, Status

# from-status → the statuses it may move to. Adjusting a published demand keeps it published.
ALLOWED = {
    Status.DRAFT: {Status.DRAFT, Status.PUBLISHED, Status.CANCELLED},
    Status.PUBLISHED: {Status.PUBLISHED, Status.CANCELLED, Status.AWARDED},
    Status.AWARDED: {Status.EVALUATED},
    Status.EVALUATED: set(),
    Status.CANCELLED: set(),
}

ACTION_NAMES = {
    Status.DRAFT: "修改草稿",
    Status.PUBLISHED: "发布或调整",
    Status.CANCELLED: "取消",
    Status.AWARDED: "补录承接方",
    Status.EVALUATED: "补录绩效评价",
}


def can_transition(demand, to):
    return to in ALLOWED[demand.status]


def _check(demand, to, by):
    if not permissions.can_edit_demand(by, demand):
        raise PermissionDenied
    if not can_transition(demand, to):
        raise ServiceError(
            f"“{demand.get_status_display()}”的需求不能{ACTION_NAMES[to]}。"
            + ("已取消的需求不能再作任何变更。" if demand.status == Status.CANCELLED else "")
        )


def _save(demand, by, reason=""):
    demand._history_user = by
    if reason:
        demand._change_reason = reason
    demand.full_clean()
    demand.save()
    return demand


def _locked(demand):
    return Demand.objects.select_for_update().get(pk=demand.pk)


def _require_reason(reason, what):
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(f"{what}必须填写原因。")
    return reason


@transaction.atomic
def demand_create(*, demand, by, publish=False):
    """Save a new demand of the user's own unit, as a draft or published at once."""
    if not permissions.is_purchaser(by):
        raise PermissionDenied
    demand.unit = by.purchaser_unit
    demand.created_by = by
    demand.status = Status.DRAFT
    if publish:
        demand.status = Status.PUBLISHED
        demand.published_at = timezone.now()
    return _save(demand, by, "发布" if publish else "创建草稿")


@transaction.atomic
def demand_update_draft(*, demand, by):
    current = _locked(demand)
    _check(current, Status.DRAFT, by)
    if current.status != Status.DRAFT:
        raise ServiceError("已发布的需求请使用“调整”，并填写调整原因。")
    demand.status = Status.DRAFT
    return _save(demand, by, "修改草稿")


@transaction.atomic
def demand_publish(*, demand, by):
    current = _locked(demand)
    _check(current, Status.PUBLISHED, by)
    if current.status != Status.DRAFT:
        raise ServiceError("该需求已经发布。")
    current.status = Status.PUBLISHED
    current.published_at = timezone.now()
    return _save(current, by, "发布")


@transaction.atomic
def demand_adjust(*, demand, by, reason):
    """Edit a published demand (第四条(三): 调整); the reason is kept in its history."""
    reason = _require_reason(reason, "调整已发布的需求")
    current = _locked(demand)
    _check(current, Status.PUBLISHED, by)
    if current.status != Status.PUBLISHED:
        raise ServiceError("只有“已发布”的需求可以调整。")
    demand.status = Status.PUBLISHED
    demand.published_at = current.published_at
    demand.adjusted_at = timezone.now()
    return _save(demand, by, f"调整：{reason}")


@transaction.atomic
def demand_cancel(*, demand, by, reason):
    reason = _require_reason(reason, "取消需求")
    current = _locked(demand)
    _check(current, Status.CANCELLED, by)
    current.status = Status.CANCELLED
    current.cancelled_at = timezone.now()
    current.cancel_reason = reason
    return _save(current, by, f"取消：{reason}")


@transaction.atomic
def demand_award(*, demand, by, organization, amount, awarded_on):
    current = _locked(demand)
    _check(current, Status.AWARDED, by)
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
    current.status = Status.AWARDED
    current.awarded_org = organization
    current.award_amount = amount
    current.awarded_on = awarded_on
    current.awarded_at = timezone.now()
    return _save(current, by, f"确定承接方：{organization.name}")


@transaction.atomic
def demand_evaluate(*, demand, by, grade, score, summary, evaluated_on):
    current = _locked(demand)
    _check(current, Status.EVALUATED, by)
    if evaluated_on and evaluated_on > timezone.localdate():
        raise ServiceError("评价日期不能晚于今天。")
    # Grade against score, score range, service started, not before the award: Demand.clean (R-DEM-4).
    current.status = Status.EVALUATED
    current.eval_grade = grade or ""
    current.eval_score = score
    current.eval_summary = (summary or "").strip()
    current.evaluated_on = evaluated_on
    current.evaluated_at = timezone.now()
    try:
        return _save(current, by, f"绩效评价：{current.get_eval_grade_display()}")
    except ValidationError as exc:
        raise ServiceError("；".join(exc.messages)) from exc


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
    copy.status = Status.DRAFT
    try:
        return _save(copy, by, f"复制自需求 {demand.pk}（{demand.year}年度）")
    except ValidationError as exc:
        raise ServiceError("复制的内容不符合现行规则，请新建需求：" + "；".join(exc.messages)) from exc
