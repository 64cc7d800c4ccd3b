"""The life of a demand, the end (R-DEM-4, R-SUB-3, R-GEN-2): the award records organization, amount
and date (never an organization on the 严重失信名单); the evaluation records grade, score, summary and
date; the detail page shows the history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.services import organization_list_serious
from demands import services
from demands.models import Status
from portal.errors import ServiceError
from tests.demands.lifecycle_helpers import (
    action_url,
    awarded_of,
    demand_in,
    detail_url,
    draft_of,
    evaluate_today,
    latest_history,
    snapshot,
)
from tests.factories import DemandFactory
from tests.html import text

pytestmark = pytest.mark.django_db


# --- award ---------------------------------------------------------------------------------------------


def award_form(org, amount="350,000", awarded_on=None):
    return {
        "organization": str(org.pk),
        "amount": amount,
        "awarded_on": (awarded_on or timezone.localdate()).isoformat(),
    }


def test_purchaser_records_the_awarded_organization_amount_and_date(login, hp_purchaser, xh_org):
    """R-DEM-4, R-GEN-2, R-MAT-3: award stores organization (from any district), amount and date."""
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit, budget=Decimal("380000.00"))
    today = timezone.localdate()
    client = login(hp_purchaser)
    response = client.post(action_url(demand, "award"), award_form(xh_org, "350,000.00", today))

    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Status.AWARDED
    assert demand.awarded_org == xh_org
    assert demand.award_amount == Decimal("350000.00")
    assert demand.awarded_on == today
    record = latest_history(demand)
    assert record.history_user == hp_purchaser
    assert xh_org.name in record.history_change_reason
    page = text(client.get(detail_url(demand)))
    assert xh_org.name in page
    assert "350,000.00" in page


def test_an_organization_on_the_serious_dishonesty_list_cannot_be_recorded_as_awarded(
    login, hp_purchaser, hp_admin, hp_org
):
    """R-SUB-3, R-DEM-4: the award is refused with a message naming the organization; nothing changes."""
    organization_list_serious(
        organization=hp_org, by=hp_admin, listed_on=timezone.localdate(), reason="提供虚假材料骗取资金"
    )
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit)
    before = snapshot(demand)
    response = login(hp_purchaser).post(action_url(demand, "award"), award_form(hp_org))

    assert response.status_code == 200
    page = text(response)
    assert hp_org.name in page
    assert "严重失信名单" in page
    assert snapshot(demand) == before


def test_an_award_amount_over_the_budget_is_refused(login, hp_purchaser, hp_org):
    """R-DEM-4, R-GEN-3: the 成交金额 may not exceed the budget."""
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit, budget=Decimal("380000.00"))
    before = snapshot(demand)
    response = login(hp_purchaser).post(action_url(demand, "award"), award_form(hp_org, "380,000.01"))

    assert response.status_code == 200
    assert "成交金额不能超过项目预算" in text(response)
    assert snapshot(demand) == before


def test_an_award_amount_equal_to_the_budget_is_accepted(login, hp_purchaser, hp_org):
    """R-DEM-4: the boundary of the amount check: exactly the budget is fine."""
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit, budget=Decimal("380000.00"))
    response = login(hp_purchaser).post(action_url(demand, "award"), award_form(hp_org, "380000"))

    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Status.AWARDED


def test_an_award_date_in_the_future_is_refused(login, hp_purchaser, hp_org):
    """R-DEM-4, R-DEM-5: award is recorded after it happens, so its date cannot be in the future."""
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit)
    before = snapshot(demand)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = login(hp_purchaser).post(action_url(demand, "award"), award_form(hp_org, awarded_on=tomorrow))

    assert response.status_code == 200
    assert "确定承接日期不能晚于今天" in text(response)
    assert snapshot(demand) == before


def test_an_award_date_before_publication_is_refused(login, hp_purchaser, hp_org):
    """R-DEM-4: an organization cannot have been chosen before the demand was published."""
    demand = DemandFactory(
        unit=hp_purchaser.purchaser_unit, published_at=timezone.now() - datetime.timedelta(days=10)
    )
    before = snapshot(demand)
    day_before = timezone.localdate() - datetime.timedelta(days=11)
    response = login(hp_purchaser).post(
        action_url(demand, "award"), award_form(hp_org, awarded_on=day_before)
    )

    assert response.status_code == 200
    assert "不能早于需求发布日期" in text(response)
    assert snapshot(demand) == before


def test_an_award_without_an_organization_is_refused(login, hp_purchaser):
    """R-DEM-4, R-GEN-3: the organization is required, with a Chinese message."""
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit)
    before = snapshot(demand)
    response = login(hp_purchaser).post(
        action_url(demand, "award"),
        {"organization": "", "amount": "1000", "awarded_on": timezone.localdate()},
    )

    assert response.status_code == 200
    assert "请先搜索并选择承接的社会组织" in text(response)
    assert snapshot(demand) == before


# --- evaluation ----------------------------------------------------------------------------------------


def evaluate_form(**overrides):
    data = {
        "grade": "good",
        "score": "86.5",
        "summary": "服务按计划完成，服务对象满意度调查结果为92%。",
        "evaluated_on": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return data


def test_purchaser_records_the_evaluation(login, hp_purchaser, hp_org):
    """R-DEM-4, R-GEN-2: grade, score, summary and date are stored; the history names the grade."""
    demand = awarded_of(hp_purchaser.purchaser_unit, hp_org)
    client = login(hp_purchaser)
    response = client.post(action_url(demand, "evaluate"), evaluate_form())

    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Status.EVALUATED
    assert (demand.eval_grade, demand.eval_score) == ("good", Decimal("86.50"))
    assert demand.eval_summary == "服务按计划完成，服务对象满意度调查结果为92%。"
    assert demand.evaluated_on == timezone.localdate()
    record = latest_history(demand)
    assert record.history_user == hp_purchaser
    assert "良好" in record.history_change_reason
    page = text(client.get(detail_url(demand)))
    assert "良好" in page
    assert "服务按计划完成" in page


def test_a_score_above_100_is_refused(login, hp_purchaser, hp_org):
    """R-DEM-4, R-GEN-3: the score is 0–100; 101 comes back as a form error and nothing changes."""
    demand = awarded_of(hp_purchaser.purchaser_unit, hp_org)
    before = snapshot(demand)
    response = login(hp_purchaser).post(action_url(demand, "evaluate"), evaluate_form(score="101"))

    assert response.status_code == 200
    assert response.context["form"].errors["score"]
    assert "100" in text(response)
    assert snapshot(demand) == before


@pytest.mark.parametrize(
    ("days_from_today", "message"),
    [(1, "评价日期不能晚于今天"), (-1, "评价日期不能早于确定承接日期")],
)
def test_an_evaluation_date_outside_award_to_today_is_refused(
    login, hp_purchaser, hp_org, days_from_today, message
):
    """R-DEM-4, R-DEM-5: an evaluation is recorded after it happens and after the award."""
    demand = awarded_of(hp_purchaser.purchaser_unit, hp_org)  # awarded today
    before = snapshot(demand)
    evaluated_on = timezone.localdate() + datetime.timedelta(days=days_from_today)
    response = login(hp_purchaser).post(
        action_url(demand, "evaluate"), evaluate_form(evaluated_on=evaluated_on.isoformat())
    )

    assert response.status_code == 200
    assert message in text(response)
    assert snapshot(demand) == before


def test_the_service_refuses_a_score_above_100_too(hp_purchaser, hp_org):
    """R-DEM-4, R-ACC-5: the rule holds in the service, not only in the form."""
    demand = awarded_of(hp_purchaser.purchaser_unit, hp_org)
    before = snapshot(demand)
    with pytest.raises((ServiceError, ValidationError)):
        evaluate_today(demand, hp_purchaser, grade="good", score="101", summary="超出范围")
    assert snapshot(demand) == before


def test_evaluating_a_cancelled_demand_is_refused_with_a_message(login, hp_purchaser):
    """R-DEM-4, R-GEN-3: a cancelled demand cannot be evaluated; the page says so and nothing changes."""
    demand = demand_in(Status.CANCELLED, hp_purchaser.purchaser_unit, None)
    before = snapshot(demand)
    response = login(hp_purchaser).post(action_url(demand, "evaluate"), evaluate_form())

    assert response.status_code == 200
    page = text(response)
    assert "不能补录绩效评价" in page
    assert "已取消的需求不能再作任何变更" in page
    assert snapshot(demand) == before


# --- the history on the detail page --------------------------------------------------------------------


def test_the_detail_page_shows_the_history_to_logged_in_users_only(login, client, hp_purchaser, hp_org_user):
    """R-GEN-2, R-ACC-4: 变更记录 with the acting user and the reason, for logged-in users; visitors
    see the demand without it."""
    hp_purchaser.full_name = "赵科员"
    hp_purchaser.save()
    demand = draft_of(hp_purchaser.purchaser_unit)
    services.demand_publish(demand=demand, by=hp_purchaser)
    demand.refresh_from_db()
    demand.title = "调整后的独居老人关爱项目"
    services.demand_adjust(demand=demand, by=hp_purchaser, reason="服务周期延长至两年")

    page = text(login(hp_org_user).get(detail_url(demand)))
    assert "变更记录" in page
    assert "服务周期延长至两年" in page
    assert "赵科员" in page

    client.logout()
    response = client.get(detail_url(demand))
    assert response.status_code == 200
    assert "调整后的独居老人关爱项目" in text(response)
    assert "变更记录" not in text(response)
    assert "服务周期延长至两年" not in text(response)
    assert "赵科员" not in text(response)
