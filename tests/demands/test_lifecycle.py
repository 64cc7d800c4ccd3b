"""The life of a demand: 草稿 → 已发布 → 调整 → 已取消 or 已确定承接方 → 已评价.

Requirements pinned here:
- R-DEM-4: the allowed status transitions are one table (`demands.services.ALLOWED`); adjusting a
  published demand and cancelling one need a reason; cancelled demands are never deleted and show
  their reason; award records organization, amount and date; evaluation records grade, score,
  summary and date.
- R-SUB-3: an organization on the 严重失信名单 cannot be recorded as the awarded organization.
- R-GEN-2: every change leaves a history record with who did it and why.
- R-GEN-3: a refused form or action answers with a Chinese message and changes nothing.
"""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.services import organization_list_serious
from demands import services
from demands.models import Demand, Status
from portal.errors import ServiceError
from portal.models import Category, PurchaseType
from tests.factories import DemandFactory

pytestmark = pytest.mark.django_db

NEW = "/demands/new/"


# --- helpers ---------------------------------------------------------------------------------------------


def detail_url(demand):
    return f"/demands/{demand.pk}/"


def action_url(demand, action):
    return f"/demands/{demand.pk}/{action}/"


def text(response):
    return response.content.decode()


def demand_form(street, **overrides):
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


def form_of(demand, **overrides):
    """The edit form of an existing demand, filled in with its current values."""
    data = {
        "title": demand.title,
        "budget": str(demand.budget),
        "category": str(demand.category_id),
        "purchase_type": str(demand.purchase_type_id),
        "orientation": demand.orientation,
        "service_targets": demand.service_targets,
        "district": str(demand.district_id),
        "street": str(demand.street_id or ""),
        "period_start": demand.period_start.isoformat(),
        "period_end": demand.period_end.isoformat(),
        "year": str(demand.year),
        "plan_type": demand.plan_type,
        "budget_approved_on": demand.budget_approved_on.isoformat() if demand.budget_approved_on else "",
        "qualification": demand.qualification,
        "other_info": demand.other_info,
        "contact_person": demand.contact_person,
        "contact_phone": demand.contact_phone,
        "contact_email": demand.contact_email,
    }
    data.update(overrides)
    return data


def snapshot(demand):
    """Everything a refused request must leave as it was: the row and the number of history records."""
    row = Demand.objects.filter(pk=demand.pk).values().get()
    return row, demand.history.count()


def latest_history(demand):
    return demand.history.order_by("-history_date", "-history_id").first()


def draft_of(unit, **kwargs):
    return DemandFactory(unit=unit, status=Status.DRAFT, published_at=None, street=unit.street, **kwargs)


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


# --- the transition table (R-DEM-4) ------------------------------------------------------------------------

# R-DEM-4 read as a table: 草稿 may be saved again, published or cancelled; a published demand may be
# adjusted (it stays published), cancelled or awarded; an awarded one may only be evaluated; cancelled
# and evaluated demands are final.
EXPECTED_TRANSITIONS = {
    Status.DRAFT: {Status.DRAFT, Status.PUBLISHED, Status.CANCELLED},
    Status.PUBLISHED: {Status.PUBLISHED, Status.CANCELLED, Status.AWARDED},
    Status.AWARDED: {Status.EVALUATED},
    Status.EVALUATED: set(),
    Status.CANCELLED: set(),
}

ALL_PAIRS = list(itertools.product(Status, Status))


def test_the_transition_table_is_the_lifecycle_of_r_dem_4():
    """R-DEM-4: the one table of allowed transitions says exactly what the requirement says."""
    assert {k: set(v) for k, v in services.ALLOWED.items()} == EXPECTED_TRANSITIONS


def move(demand, to, by, org):
    """Ask the service that moves a demand to `to` (publish from a draft, adjust a published one)."""
    today = timezone.localdate()
    if to == Status.DRAFT:
        demand.title = "修改后的项目名称"
        return services.demand_update_draft(demand=demand, by=by)
    if to == Status.PUBLISHED:
        if demand.status == Status.DRAFT:
            return services.demand_publish(demand=demand, by=by)
        demand.title = "调整后的项目名称"
        return services.demand_adjust(demand=demand, by=by, reason="服务对象范围调整")
    if to == Status.CANCELLED:
        return services.demand_cancel(demand=demand, by=by, reason="实施条件变化，本年度不再实施")
    if to == Status.AWARDED:
        return services.demand_award(
            demand=demand, by=by, organization=org, amount=Decimal("300000"), awarded_on=today
        )
    return services.demand_evaluate(
        demand=demand, by=by, grade="excellent", score=Decimal("95"), summary="按期完成", evaluated_on=today
    )


@pytest.mark.parametrize(("source", "target"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
def test_each_transition_is_allowed_or_refused_as_the_table_says(source, target, hp_purchaser, hp_org):
    """R-DEM-4: every from→to pair through the services; a refused one raises a Chinese
    ServiceError and leaves the row and its history untouched (R-GEN-3)."""
    demand = demand_in(source, hp_purchaser.purchaser_unit, hp_org)
    before = snapshot(demand)

    if target in services.ALLOWED[source]:
        move(demand, target, hp_purchaser, hp_org)
        demand.refresh_from_db()
        assert demand.status == target
        assert demand.history.count() == before[1] + 1
        assert latest_history(demand).history_user == hp_purchaser
    else:
        with pytest.raises(ServiceError) as refused:
            move(demand, target, hp_purchaser, hp_org)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
        assert snapshot(demand) == before


def test_a_transition_out_of_a_cancelled_demand_says_it_is_final(hp_purchaser):
    """R-DEM-4: the refusal explains that a cancelled demand cannot change any more."""
    demand = demand_in(Status.CANCELLED, hp_purchaser.purchaser_unit, None)
    with pytest.raises(ServiceError, match="已取消的需求不能再作任何变更"):
        services.demand_publish(demand=demand, by=hp_purchaser)


# --- through the web: draft, edit, publish -------------------------------------------------------------


def test_purchaser_saves_a_draft_through_the_form(login, hp_purchaser, hp_street):
    """R-DEM-4, R-GEN-2: 保存为草稿 creates an unpublished demand of the user's unit, with a history record."""
    client = login(hp_purchaser)
    response = client.post(NEW, demand_form(hp_street, action="draft"))

    demand = Demand.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(demand)
    assert demand.status == Status.DRAFT
    assert demand.published_at is None
    assert demand.unit == hp_purchaser.purchaser_unit
    assert demand.created_by == hp_purchaser
    record = latest_history(demand)
    assert record.history_user == hp_purchaser
    assert "草稿" in record.history_change_reason
    assert "已保存为草稿" in text(client.get(response.url))


def test_purchaser_publishes_at_once_through_the_form(login, hp_purchaser, hp_street):
    """R-DEM-4: the 发布 button of the new-demand form publishes straight away."""
    response = login(hp_purchaser).post(NEW, demand_form(hp_street, action="publish"))

    demand = Demand.objects.get()
    assert response.status_code == 302
    assert demand.status == Status.PUBLISHED
    assert demand.published_at is not None
    assert latest_history(demand).history_change_reason == "发布"


def test_purchaser_edits_a_draft_and_it_stays_a_draft(login, hp_purchaser):
    """R-DEM-4, R-GEN-2: editing a draft saves the change, keeps it unpublished and records who did it."""
    demand = draft_of(hp_purchaser.purchaser_unit)
    response = login(hp_purchaser).post(
        action_url(demand, "edit"), form_of(demand, title="修改后的独居老人关爱项目", action="draft")
    )

    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.title == "修改后的独居老人关爱项目"
    assert demand.status == Status.DRAFT
    assert demand.published_at is None
    record = latest_history(demand)
    assert record.history_user == hp_purchaser
    assert record.history_change_reason == "修改草稿"
    assert record.title == "修改后的独居老人关爱项目"


def test_purchaser_publishes_a_draft(login, hp_purchaser):
    """R-DEM-4, R-GEN-2: the 发布 button on a draft publishes it and records the step."""
    demand = draft_of(hp_purchaser.purchaser_unit)
    client = login(hp_purchaser)
    response = client.post(action_url(demand, "publish"))

    assert response.status_code == 302
    assert response.url == detail_url(demand)
    demand.refresh_from_db()
    assert demand.status == Status.PUBLISHED
    assert demand.published_at is not None
    record = latest_history(demand)
    assert (record.history_user, record.history_change_reason) == (hp_purchaser, "发布")
    assert "需求已发布" in text(client.get(response.url))


def test_publishing_twice_is_refused_with_a_message(login, hp_purchaser):
    """R-DEM-4, R-GEN-3: publishing a published demand again is refused and changes nothing."""
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit)
    before = snapshot(demand)
    response = login(hp_purchaser).post(action_url(demand, "publish"), follow=True)

    assert response.status_code == 200
    assert "该需求已经发布" in text(response)
    assert snapshot(demand) == before


# --- adjusting a published demand ----------------------------------------------------------------------


def test_adjusting_a_published_demand_without_a_reason_is_refused_and_changes_nothing(login, hp_purchaser):
    """R-DEM-4, R-GEN-3: 调整 needs a reason; without one the form comes back with a Chinese error."""
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit, street=hp_purchaser.purchaser_unit.street)
    before = snapshot(demand)
    response = login(hp_purchaser).post(
        action_url(demand, "edit"), form_of(demand, title="未填写原因的调整", reason="  ")
    )

    assert response.status_code == 200
    assert "调整原因" in text(response)
    assert response.context["form"].errors["reason"]
    assert snapshot(demand) == before


def test_adjusting_a_published_demand_with_a_reason_keeps_it_published_and_records_the_reason(
    login, hp_purchaser
):
    """R-DEM-4, R-GEN-2: the adjusted content is saved, the demand stays published with its original
    publication time, and the history carries the user and the reason."""
    unit = hp_purchaser.purchaser_unit
    demand = DemandFactory(unit=unit, street=unit.street, budget=Decimal("380000.00"))
    published_at = demand.published_at
    response = login(hp_purchaser).post(
        action_url(demand, "edit"),
        form_of(demand, budget="420,000.00", reason="服务人数由200人增加到260人"),
    )

    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Status.PUBLISHED
    assert demand.budget == Decimal("420000.00")
    assert demand.published_at == published_at
    assert demand.adjusted_at is not None
    record = latest_history(demand)
    assert record.history_user == hp_purchaser
    assert "服务人数由200人增加到260人" in record.history_change_reason
    assert record.budget == Decimal("420000.00")


def test_the_whole_adjustment_reason_is_kept_in_the_history(login, hp_purchaser):
    """R-DEM-4, R-GEN-2: the form accepts a reason of up to 200 characters, and the history is the only
    place the reason is kept, so all of it must be there, not the first hundred characters."""
    unit = hp_purchaser.purchaser_unit
    demand = DemandFactory(unit=unit, street=unit.street)
    reason = ("根据区财政局预算调整通知，服务对象由独居老人扩大到纯老家庭。" * 10)[:200]
    assert len(reason) == 200
    response = login(hp_purchaser).post(
        action_url(demand, "edit"), form_of(demand, title="扩大服务对象范围", reason=reason)
    )

    assert response.status_code == 302
    assert Demand.objects.get(pk=demand.pk).title == "扩大服务对象范围"
    assert reason in latest_history(demand).history_change_reason


# --- cancelling ----------------------------------------------------------------------------------------


def test_cancelling_without_a_reason_is_refused_and_changes_nothing(login, hp_purchaser):
    """R-DEM-4, R-GEN-3: 取消 needs a reason."""
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit)
    before = snapshot(demand)
    response = login(hp_purchaser).post(action_url(demand, "cancel"), {"reason": ""})

    assert response.status_code == 200
    assert "取消原因" in text(response)
    assert response.context["form"].errors["reason"]
    assert snapshot(demand) == before


def test_cancelling_keeps_the_demand_and_shows_the_reason_on_its_page(login, client, hp_purchaser):
    """R-DEM-4, R-GEN-2: a cancelled demand is never deleted; its page (public too) shows why."""
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit)
    reason = "因辖区服务对象调整，本年度不再实施"
    response = login(hp_purchaser).post(action_url(demand, "cancel"), {"reason": reason})

    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Status.CANCELLED
    assert demand.cancel_reason == reason
    assert demand.cancelled_at is not None
    record = latest_history(demand)
    assert record.history_user == hp_purchaser
    assert reason in record.history_change_reason

    client.logout()
    page = client.get(detail_url(demand))
    assert page.status_code == 200
    assert "已取消" in text(page)
    assert reason in text(page)


def test_a_cancel_reason_with_markup_is_shown_escaped(client, hp_purchaser):
    """R-GEN-3: the public reason is text, never markup."""
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit)
    services.demand_cancel(demand=demand, by=hp_purchaser, reason="<script>alert(1)</script>不再实施")
    page = text(client.get(detail_url(demand)))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;不再实施" in page


def test_cancelling_a_draft_keeps_it_too(hp_purchaser):
    """R-DEM-4, R-GEN-2: a cancelled draft stays in the database with its reason."""
    demand = draft_of(hp_purchaser.purchaser_unit)
    services.demand_cancel(demand=demand, by=hp_purchaser, reason="重复录入")
    assert Demand.objects.get(pk=demand.pk).status == Status.CANCELLED


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
        services.demand_evaluate(
            demand=demand,
            by=hp_purchaser,
            grade="good",
            score=Decimal("101"),
            summary="超出范围",
            evaluated_on=timezone.localdate(),
        )
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
