"""绩效评价 rules (R-DEM-4, issue 18): one rule in `Demand.clean` for the form, the service and the
data link (Excel or JSON) alike.

- An evaluation needs an awarded demand whose service has started (DEMAND_EVALUATION_AFTER_END: ended),
  and its date is not before the award.
- The grade follows from the score by DEMAND_GRADE_MIN_SCORES (优秀 ≥ 90 / 良好 ≥ 80 / 合格 ≥ 60):
  left blank it is filled in, given it must agree.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from demands.models import Demand, Status, grade_for_score
from portal.errors import ServiceError
from tests.demands.lifecycle_helpers import evaluate_today
from tests.demands.test_external_import import run, sample_projects, world, write_json  # noqa: F401
from tests.factories import DemandFactory

pytestmark = pytest.mark.django_db


def day(offset):
    return timezone.localdate() + datetime.timedelta(days=offset)


def awarded(unit, org, *, starts, ends=None, awarded_on=None):
    return DemandFactory(
        unit=unit,
        status=Status.AWARDED,
        published_at=timezone.now() - datetime.timedelta(days=400),
        awarded_org=org,
        award_amount=Decimal("300000"),
        awarded_on=awarded_on or day(-300),
        awarded_at=timezone.now(),
        period_start=starts,
        period_end=ends or starts + datetime.timedelta(days=364),
    )


def post(client, demand, **overrides):
    data = {"grade": "good", "score": "88", "summary": "服务按计划完成。", "evaluated_on": day(0).isoformat()}
    data.update(overrides)
    return client.post(f"/demands/{demand.pk}/evaluate/", data)


def unchanged(demand):
    demand_now = Demand.objects.get(pk=demand.pk)
    return (
        demand_now.status == Status.AWARDED and demand_now.eval_grade == "" and demand_now.eval_score is None
    )


# --- the service must have started -----------------------------------------------------------------


def test_an_evaluation_before_the_service_starts_is_refused_on_the_form(login, hp_purchaser, hp_org):
    """The issue's case: a service running next year evaluated 良好 88 分 today."""
    demand = awarded(hp_purchaser.purchaser_unit, hp_org, starts=day(30), awarded_on=day(0))
    response = post(login(hp_purchaser), demand)

    assert response.status_code == 200
    assert "服务尚未开始" in response.content.decode()
    assert f"实施开始日期 {day(30):%Y-%m-%d}" in response.content.decode()
    assert unchanged(demand)


def test_the_service_refuses_an_evaluation_before_the_service_starts(hp_purchaser, hp_org):
    demand = awarded(hp_purchaser.purchaser_unit, hp_org, starts=day(30), awarded_on=day(0))
    with pytest.raises(ServiceError, match="服务尚未开始"):
        evaluate_today(demand, hp_purchaser, grade="good", score="88")
    assert unchanged(demand)


def test_an_evaluation_dated_before_the_start_of_a_started_service_is_refused(login, hp_purchaser, hp_org):
    demand = awarded(hp_purchaser.purchaser_unit, hp_org, starts=day(-10), awarded_on=day(-40))
    response = post(login(hp_purchaser), demand, evaluated_on=day(-20).isoformat())
    assert "服务尚未开始" in response.content.decode()
    assert unchanged(demand)


def test_an_evaluation_once_the_service_has_started_is_accepted(login, hp_purchaser, hp_org):
    demand = awarded(hp_purchaser.purchaser_unit, hp_org, starts=day(-10))
    response = post(login(hp_purchaser), demand)
    assert response.status_code == 302
    demand.refresh_from_db()
    assert (demand.status, demand.eval_grade, demand.eval_score) == (Status.EVALUATED, "good", Decimal("88"))


def test_with_the_setting_the_service_must_have_ended(settings, login, hp_purchaser, hp_org):
    settings.DEMAND_EVALUATION_AFTER_END = True
    running = awarded(hp_purchaser.purchaser_unit, hp_org, starts=day(-100), ends=day(100))
    ended = awarded(hp_purchaser.purchaser_unit, hp_org, starts=day(-400), ends=day(-1))
    client = login(hp_purchaser)

    response = post(client, running)
    assert "服务尚未结束" in response.content.decode()
    assert unchanged(running)
    assert post(client, ended).status_code == 302


def test_an_evaluation_dated_before_the_award_is_refused(login, hp_purchaser, hp_org):
    demand = awarded(hp_purchaser.purchaser_unit, hp_org, starts=day(-100), awarded_on=day(-5))
    response = post(login(hp_purchaser), demand, evaluated_on=day(-6).isoformat())
    assert f"评价日期不能早于确定承接日期（{day(-5):%Y-%m-%d}）" in response.content.decode()
    assert unchanged(demand)


def test_the_model_refuses_an_evaluation_without_an_award(hp_unit):
    """Whatever path saves it (admin site, import), Demand.clean refuses an evaluation with no award."""
    demand = DemandFactory(unit=hp_unit, period_start=day(-100))
    demand.status = Status.EVALUATED
    demand.eval_score, demand.eval_grade, demand.eval_summary, demand.evaluated_on = (
        Decimal(90),
        "",
        "x",
        day(0),
    )
    errors = _errors(demand)
    assert "只有已确定承接方的需求才能录入绩效评价" in errors["awarded_org"][0]


def _errors(demand):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        demand.full_clean()
    return caught.value.message_dict


# --- the grade follows from the score --------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"),
    [("100", "excellent"), ("90", "excellent"), ("89.99", "good"), ("80", "good"), ("79.5", "pass"),
     ("60", "pass"), ("59.99", "fail"), ("0", "fail")],
)  # fmt: skip
def test_the_default_table_gives_the_usual_grades(score, grade):
    assert grade_for_score(Decimal(score)) == grade


def test_a_grade_contradicting_its_score_is_refused_on_the_form(login, hp_purchaser, hp_org):
    """The issue's case: 不合格 with 98 分."""
    demand = awarded(hp_purchaser.purchaser_unit, hp_org, starts=day(-10))
    response = post(login(hp_purchaser), demand, grade="fail", score="98")
    page = response.content.decode()
    assert response.status_code == 200
    assert "98 分对应的等级是“优秀”，与所填的“不合格”不符" in page
    assert response.context["form"].errors["grade"]
    assert unchanged(demand)


def test_the_service_refuses_a_grade_contradicting_its_score(hp_purchaser, hp_org):
    demand = awarded(hp_purchaser.purchaser_unit, hp_org, starts=day(-10))
    with pytest.raises(ServiceError, match="对应的等级是"):
        evaluate_today(demand, hp_purchaser, grade="fail", score="98")
    assert unchanged(demand)


def test_a_blank_grade_is_filled_in_from_the_score(login, hp_purchaser, hp_org):
    demand = awarded(hp_purchaser.purchaser_unit, hp_org, starts=day(-10))
    assert post(login(hp_purchaser), demand, grade="", score="91.5").status_code == 302
    demand.refresh_from_db()
    assert demand.eval_grade == "excellent"


def test_the_grade_table_is_a_setting(settings, login, hp_purchaser, hp_org):
    settings.DEMAND_GRADE_MIN_SCORES = {"excellent": 95, "good": 85, "pass": 70}
    demand = awarded(hp_purchaser.purchaser_unit, hp_org, starts=day(-10))
    client = login(hp_purchaser)
    page = post(client, demand, grade="excellent", score="92").content.decode()
    assert "92 分对应的等级是“良好”" in page
    assert "优秀 ≥ 95 分，良好 ≥ 85 分，合格 ≥ 70 分" in page
    assert post(client, demand, grade="good", score="92").status_code == 302


def test_the_score_range_message_is_the_models(login, hp_purchaser, hp_org):
    demand = awarded(hp_purchaser.purchaser_unit, hp_org, starts=day(-10))
    response = post(login(hp_purchaser), demand, score="-1")
    assert "绩效评价得分应在 0～100 之间" in response.content.decode()
    assert unchanged(demand)


# --- the data link (JSON and .xlsx go through the same reader) -------------------------------------


def evaluated_project(**changes):
    item = next(p for p in sample_projects() if p["external_id"] == "CZ-2025-000877")
    return dict(item, **changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"eval_grade": "不合格", "eval_score": 98}, "98 分对应的等级是“优秀”"),
        ({"evaluated_on": "2025-02-25", "period_start": "2025-03-01"}, "服务尚未开始"),
        ({"evaluated_on": "2025-02-10"}, "评价日期不能早于确定承接日期（2025-02-20）"),
        ({"eval_score": 101}, "绩效评价得分应在 0～100 之间"),
    ],
    ids=["grade-vs-score", "before-start", "before-award", "range"],
)
def test_the_data_link_applies_the_same_rule(world, tmp_path, changes, message):  # noqa: F811
    path = write_json(tmp_path, [evaluated_project(**changes)])
    out, error = run(path)
    assert error is not None
    assert message in out + str(error)
    assert not Demand.objects.filter(external_id="CZ-2025-000877").exists()


def test_the_data_link_accepts_a_consistent_evaluation(world, tmp_path):  # noqa: F811
    out, error = run(write_json(tmp_path, [evaluated_project()]))
    assert error is None, out
    assert Demand.objects.get(external_id="CZ-2025-000877").eval_grade == "good"
