"""Helpers shared by the tests of a demand's life (R-DEM-4): the 发布需求 form as a purchaser fills it
in, action URLs, and readers of the stored row and its history."""

import datetime
from decimal import Decimal

from django.utils import timezone

from demands import services
from demands.models import Demand, Status
from portal.models import Category, PurchaseType
from tests.factories import DemandFactory
from tests.helpers import current_values

NEW = "/demands/new/"


# --- helpers ---------------------------------------------------------------------------------------------


def detail_url(demand):
    return f"/demands/{demand.pk}/"


def action_url(demand, action):
    return f"/demands/{demand.pk}/{action}/"


def demand_form(street, /, **overrides):
    """A complete, valid 发布需求 form as a purchaser would fill it in, for a 街镇 of its district."""
    today = timezone.localdate()
    data = {
        "title": "南京东路街道独居老人关爱服务项目",
        "budget": "380000",
        "category": str(Category.objects.get(code="0101").pk),
        "purchase_type": str(PurchaseType.objects.get(code="basic_public").pk),
        "orientation": "priority",
        "service_targets": "辖区内80周岁以上独居老人",
        "district": str(street.district_id),
        "street": str(street.pk),
        "period_start": (today + datetime.timedelta(days=30)).isoformat(),
        "period_end": (today + datetime.timedelta(days=394)).isoformat(),
        "year": str(today.year),
        "plan_type": "annual",
        "budget_approved_on": "",
        "qualification": "在民政部门登记的社会组织，具有3年以上为老服务经验",
        "other_info": "",
        "contact_person": "王老师",
        "contact_phone": "021-63210000",
        "contact_email": "wang@example.gov.cn",
    }
    data.update(overrides)
    return data


FORM_FIELDS = (
    "title budget category purchase_type orientation service_targets district street "
    "period_start period_end year plan_type budget_approved_on qualification other_info "
    "contact_person contact_phone contact_email"
).split()


def form_of(demand, **overrides):
    """The edit form of an existing demand, filled in with its current values."""
    return {**current_values(demand, *FORM_FIELDS), **overrides}


def snapshot(demand):
    """Everything a refused request must leave as it was: the row and the number of history records."""
    row = Demand.objects.filter(pk=demand.pk).values().get()
    return row, demand.history.count()


def latest_history(demand):
    return demand.history.order_by("-history_date", "-history_id").first()


def draft_of(unit, **kwargs):
    return DemandFactory(unit=unit, status=Status.DRAFT, street=unit.street, **kwargs)


def awarded_of(unit, org, **kwargs):
    today = timezone.localdate()
    kwargs.setdefault("status", Status.AWARDED)
    kwargs.setdefault("period_start", today)  # the service has started: it may be evaluated (R-DEM-4)
    return DemandFactory(
        unit=unit,
        awarded_org=org,
        award_amount=Decimal("350000.00"),
        awarded_on=today,
        awarded_at=timezone.now(),
        **kwargs,
    )


def demand_in(status, unit, org):
    """A demand of `unit` in `status`, with the fields that status implies."""
    now, today = timezone.now(), timezone.localdate()
    if status == Status.DRAFT:
        return draft_of(unit)
    if status == Status.PUBLISHED:
        return DemandFactory(unit=unit)
    if status == Status.CANCELLED:
        return DemandFactory(unit=unit, status=status, cancelled_at=now, cancel_reason="实施条件变化")
    if status == Status.AWARDED:
        return awarded_of(unit, org)
    return awarded_of(
        unit,
        org,
        status=Status.EVALUATED,
        eval_grade="good",
        eval_score=Decimal("88.50"),
        eval_summary="服务对象满意度较高",
        evaluated_on=today,
        evaluated_at=now,
    )


def evaluate_today(demand, by, *, grade, score, summary="好"):
    """The 绩效评价 of `demand` through the service, dated today, as the form passes it."""
    return services.demand_evaluate(
        demand=demand,
        by=by,
        grade=grade,
        score=Decimal(score),
        summary=summary,
        evaluated_on=timezone.localdate(),
    )
