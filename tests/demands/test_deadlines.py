"""Deadlines of 第四条(三) and the flags that show them.

Requirements pinned here:
- R-DEM-5: the year's planned projects are due by 30 April (Shanghai time); a project added during the
  year within 20 days of its 预算批复日期; award and evaluation are filled in after they happen, and
  a demand whose award or evaluation is overdue says so. Each demand shows whether it was on time,
  on the purchaser's list (/demands/mine/) and on its page.
- R-GEN-1: "on 30 April" means the date in Asia/Shanghai, not in UTC.

Time is not frozen: dates are set relative to `timezone.localdate()`, or lie wholly in the past.
"""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from demands.models import Status
from tests.factories import DemandFactory

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
YEAR = 2025  # a past year: its deadlines are fixed dates, whatever today is


def at(date, hour=10, minute=0):
    """An aware moment on `date` in Shanghai."""
    return datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=SHANGHAI)


def days(n):
    return datetime.timedelta(days=n)


def today():
    return timezone.localdate()


def labels(demand):
    return [label for _, label in demand.deadline_flags]


def late_labels(demand):
    return [label for kind, label in demand.deadline_flags if kind == "late"]


def draft(unit, **kwargs):
    return DemandFactory(unit=unit, status=Status.DRAFT, **kwargs)


def period_ending(end):
    return {"period_start": end - days(364), "period_end": end}


# --- annual plan: by 30 April of its year ----------------------------------------------------------------


def test_an_annual_project_published_on_30_april_is_on_time(hp_unit):
    """R-DEM-5: the last minute of 30 April (Shanghai) is still on time."""
    demand = DemandFactory(unit=hp_unit, year=YEAR, published_at=at(datetime.date(YEAR, 4, 30), 23, 59))
    assert demand.publish_deadline == datetime.date(YEAR, 4, 30)
    assert demand.published_on_time is True
    assert labels(demand) == ["按时发布"]


def test_an_annual_project_published_on_1_may_is_late(hp_unit):
    """R-DEM-5, R-GEN-1: 00:30 on 1 May in Shanghai is late, although it is still 30 April in UTC."""
    published_at = at(datetime.date(YEAR, 5, 1), 0, 30)
    assert published_at.astimezone(datetime.UTC).date() == datetime.date(YEAR, 4, 30)
    demand = DemandFactory(unit=hp_unit, year=YEAR, published_at=published_at)
    assert demand.published_on_time is False
    assert labels(demand) == [f"逾期发布（应于 {YEAR}-04-30 前）"]


def test_an_annual_project_published_before_its_year_is_on_time(hp_unit):
    """R-DEM-5: publishing next year's plan in December is early, not late."""
    demand = DemandFactory(unit=hp_unit, year=YEAR, published_at=at(datetime.date(YEAR - 1, 12, 20)))
    assert demand.published_on_time is True


# --- added project: within 20 days of budget approval ----------------------------------------------------

APPROVED = datetime.date(YEAR, 6, 10)


def added_project(unit, published_at):
    """A 追加 project of YEAR whose budget was approved on 10 June."""
    return DemandFactory(
        unit=unit, year=YEAR, plan_type="added", budget_approved_on=APPROVED, published_at=published_at
    )


@pytest.mark.parametrize(("after", "on_time"), [(0, True), (19, True), (20, True), (21, False), (60, False)])
def test_an_added_project_is_due_within_20_days_of_its_budget_approval(hp_unit, after, on_time):
    """R-DEM-5: day 20 after the 预算批复日期 is on time, day 21 is late."""
    demand = added_project(hp_unit, published_at=at(APPROVED + days(after)))
    assert demand.publish_deadline == datetime.date(YEAR, 6, 30)
    assert demand.published_on_time is on_time
    expected = "按时发布" if on_time else f"逾期发布（应于 {YEAR}-06-30 前）"
    assert labels(demand) == [expected]


def test_an_added_project_published_late_in_the_evening_of_day_20_is_on_time(hp_unit):
    """R-DEM-5, R-GEN-1: the day counts in Shanghai time."""
    demand = added_project(hp_unit, published_at=at(APPROVED + days(20), 23, 30))
    assert demand.published_on_time is True


# --- drafts past their deadline -------------------------------------------------------------------------


def test_a_draft_of_last_years_plan_is_flagged_overdue(hp_unit):
    """R-DEM-5: an unpublished annual project whose 30 April has passed says so."""
    year = today().year - 1
    demand = draft(hp_unit, year=year)
    assert demand.published_on_time is None
    assert demand.publish_overdue is True
    assert labels(demand) == [f"已超过发布期限（{year}-04-30）"]


def test_a_draft_of_next_years_plan_is_not_flagged(hp_unit):
    """R-DEM-5: before the deadline a draft carries no flag."""
    demand = draft(hp_unit, year=today().year + 1)
    assert demand.publish_overdue is False
    assert demand.deadline_flags == []


@pytest.mark.parametrize(("approved_days_ago", "overdue"), [(0, False), (20, False), (21, True)])
def test_a_draft_added_project_is_overdue_from_day_21_after_approval(hp_unit, approved_days_ago, overdue):
    """R-DEM-5: the 20-day window of an added project, counted back from today."""
    approved = today() - days(approved_days_ago)
    demand = draft(hp_unit, year=approved.year, plan_type="added", budget_approved_on=approved)
    assert demand.publish_overdue is overdue
    assert bool(late_labels(demand)) is overdue


def test_a_cancelled_demand_is_not_flagged_as_unpublished(hp_unit):
    """R-DEM-5: only drafts can be overdue for publication; a cancelled draft is done with."""
    demand = draft(hp_unit, year=today().year - 1)
    demand.status = Status.CANCELLED
    assert demand.publish_overdue is False


# --- award and evaluation overdue -----------------------------------------------------------------------


@pytest.mark.parametrize(("started_days_ago", "overdue"), [(0, False), (30, False), (31, True)])
def test_a_published_demand_is_award_overdue_after_the_grace_period(
    hp_unit, settings, started_days_ago, overdue
):
    """R-DEM-5: the award is overdue once today is past period_start + DEMAND_AWARD_GRACE_DAYS."""
    settings.DEMAND_AWARD_GRACE_DAYS = 30
    start = today() - days(started_days_ago)
    demand = DemandFactory(unit=hp_unit, period_start=start, period_end=start + days(364))
    assert demand.award_due == start + days(30)
    assert demand.award_overdue is overdue
    flag = f"承接信息逾期未补录（应于 {start + days(30):%Y-%m-%d} 前）"
    assert (flag in labels(demand)) is overdue


def test_the_award_grace_period_is_a_setting(hp_unit, settings):
    """R-DEM-5: DEMAND_AWARD_GRACE_DAYS decides the award deadline."""
    start = today() - days(10)
    demand = DemandFactory(unit=hp_unit, period_start=start, period_end=start + days(364))
    settings.DEMAND_AWARD_GRACE_DAYS = 30
    assert demand.award_overdue is False
    settings.DEMAND_AWARD_GRACE_DAYS = 5
    assert demand.award_overdue is True


@pytest.mark.parametrize("status", [Status.DRAFT, Status.AWARDED, Status.EVALUATED, Status.CANCELLED])
def test_only_published_demands_can_be_award_overdue(hp_unit, hp_org, status):
    """R-DEM-5: a demand that is awarded, evaluated, cancelled or not yet published owes no award."""
    start = today() - days(200)
    demand = DemandFactory(
        unit=hp_unit, status=status, awarded_org=hp_org, period_start=start, period_end=start + days(364)
    )
    assert demand.award_overdue is False


@pytest.mark.parametrize(("ended_days_ago", "overdue"), [(0, False), (60, False), (61, True)])
def test_an_awarded_demand_is_evaluation_overdue_after_the_grace_period(
    hp_unit, hp_org, settings, ended_days_ago, overdue
):
    """R-DEM-5: the evaluation is overdue once today is past period_end + DEMAND_EVALUATION_GRACE_DAYS."""
    settings.DEMAND_EVALUATION_GRACE_DAYS = 60
    end = today() - days(ended_days_ago)
    demand = DemandFactory(
        unit=hp_unit,
        status=Status.AWARDED,
        awarded_org=hp_org,
        award_amount=Decimal("300000"),
        awarded_on=end - days(300),
        **period_ending(end),
    )
    assert demand.evaluation_due == end + days(60)
    assert demand.evaluation_overdue is overdue
    flag = f"绩效评价逾期未补录（应于 {end + days(60):%Y-%m-%d} 前）"
    assert (flag in labels(demand)) is overdue


def test_an_evaluated_demand_is_not_evaluation_overdue(hp_unit, hp_org):
    """R-DEM-5: once evaluated nothing is owed."""
    demand = DemandFactory(
        unit=hp_unit, status=Status.EVALUATED, awarded_org=hp_org, **period_ending(today() - days(400))
    )
    assert demand.evaluation_overdue is False


# --- the flags on the purchaser's list and the detail page ----------------------------------------------


@pytest.fixture
def flagged(hp_unit, hp_org):
    """One demand of each kind of flag, all of the 黄浦区 unit."""
    last_year = today().year - 1
    return {
        "on_time": DemandFactory(
            unit=hp_unit,
            title="外滩街道助餐点运营项目",
            year=YEAR,
            published_at=at(datetime.date(YEAR, 4, 1)),
        ),
        "late": DemandFactory(
            unit=hp_unit,
            title="瑞金二路街道睦邻中心运营项目",
            year=YEAR,
            published_at=at(datetime.date(YEAR, 5, 1)),
        ),
        "overdue_draft": draft(hp_unit, title="豫园街道助浴服务项目", year=last_year),
        "award_overdue": DemandFactory(
            unit=hp_unit,
            title="打浦桥街道认知症照护项目",
            period_start=today() - days(45),
            period_end=today() + days(300),
        ),
        "evaluation_overdue": DemandFactory(
            unit=hp_unit,
            title="半淞园路街道家庭教育指导项目",
            status=Status.AWARDED,
            awarded_org=hp_org,
            award_amount=Decimal("300000"),
            **period_ending(today() - days(90)),
        ),
    }


def expected_flag(name, demand):
    return {
        "on_time": "按时发布",
        "late": f"逾期发布（应于 {YEAR}-04-30 前）",
        "overdue_draft": f"已超过发布期限（{demand.year}-04-30）",
        "award_overdue": f"承接信息逾期未补录（应于 {demand.award_due:%Y-%m-%d} 前）",
        "evaluation_overdue": f"绩效评价逾期未补录（应于 {demand.evaluation_due:%Y-%m-%d} 前）",
    }[name]


def test_the_flags_appear_on_the_purchasers_list(login, hp_purchaser, flagged):
    """R-DEM-5: 我的需求 shows each demand's deadline flag in its row."""
    page = login(hp_purchaser).get("/demands/mine/").content.decode()
    rows = page.split("<tr>")
    for name, demand in flagged.items():
        row = next(r for r in rows if demand.title in r)
        assert expected_flag(name, demand) in row, name


@pytest.mark.parametrize("name", ["on_time", "late", "overdue_draft", "award_overdue", "evaluation_overdue"])
def test_the_flag_appears_on_the_detail_page(login, hp_purchaser, flagged, name):
    """R-DEM-5: the demand's own page says whether it was on time."""
    demand = flagged[name]
    page = login(hp_purchaser).get(f"/demands/{demand.pk}/").content.decode()
    assert expected_flag(name, demand) in page
    if name == "on_time":
        assert "逾期" not in page
        assert "超过发布期限" not in page


def test_the_publication_flag_is_public(client, flagged):
    """R-DEM-5: "each demand shows whether it was on time": visitors see it too."""
    demand = flagged["late"]
    page = client.get(f"/demands/{demand.pk}/").content.decode()
    assert expected_flag("late", demand) in page
