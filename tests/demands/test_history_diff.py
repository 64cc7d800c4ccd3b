"""The history on a demand's page shows old → new for every field a change touched (R-GEN-2, R-DEM-4,
issue 18), formatted as people read them: amounts with thousands separators, dates, names."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from demands import selectors, services
from demands.models import Status
from tests.factories import DemandFactory, StreetFactory
from tests.html import select, text_of

pytestmark = pytest.mark.django_db


def changes_shown(response):
    """Each change line of the page's 变更记录, as its text reads."""
    return [text_of(line) for line in select(response, "section[aria-labelledby=history-title] li")]


def adjusted(purchaser, **changes):
    unit = purchaser.purchaser_unit
    demand = DemandFactory(unit=unit, street=unit.street, period_start=datetime.date(2027, 1, 1))
    demand.refresh_from_db()
    for name, value in changes.items():
        setattr(demand, name, value)
    services.demand_adjust(demand=demand, by=purchaser, reason="服务范围扩大")
    return demand


def test_an_adjustment_shows_each_field_old_and_new(login, hp_purchaser, hp_org_user, huangpu):
    other = StreetFactory(district=huangpu, name="外滩街道")
    demand = adjusted(
        hp_purchaser,
        budget=Decimal("420000"),
        period_start=datetime.date(2027, 2, 1),
        street=other,
        orientation="open",
    )
    old_street = str(hp_purchaser.purchaser_unit.street)
    page = changes_shown(login(hp_org_user).get(f"/demands/{demand.pk}/"))

    assert "项目预算（元）：原为380,000.00 → 改为420,000.00" in page
    assert "实施开始日期：原为2027-01-01 → 改为2027-02-01" in page
    assert f"服务街镇：原为{old_street} → 改为{other}" in page
    assert "面向社会组织方式：原为优先面向社会组织 → 改为不限制社会组织参与" in page


def test_the_award_and_the_evaluation_show_their_values(hp_purchaser, hp_org):
    unit = hp_purchaser.purchaser_unit
    today = timezone.localdate()
    demand = DemandFactory(unit=unit, period_start=today - datetime.timedelta(days=5))
    services.demand_award(
        demand=demand, by=hp_purchaser, organization=hp_org, amount=Decimal("350000"), awarded_on=today
    )
    services.demand_evaluate(
        demand=demand, by=hp_purchaser, grade="", score=Decimal("92"), summary="完成良好", evaluated_on=today
    )
    evaluation, award = selectors.demand_history(demand)[:2]

    assert ("承接社会组织", "（空）", hp_org.name) in award.changes
    assert ("成交金额（元）", "（空）", "350,000.00") in award.changes
    assert ("绩效评价等级", "（空）", "优秀") in evaluation.changes
    assert ("评价日期", "（空）", f"{today:%Y-%m-%d}") in evaluation.changes
    assert evaluation.status == Status.EVALUATED


def test_an_unchanged_field_is_not_listed(hp_purchaser):
    demand = adjusted(hp_purchaser, title="新的项目名称")
    latest = selectors.demand_history(demand)[0]
    assert [label for label, _, _ in latest.changes] == ["项目名称"]


def test_the_history_is_one_query_whatever_its_length(hp_purchaser, django_assert_num_queries):
    demand = adjusted(hp_purchaser, budget=Decimal("400000"))
    with django_assert_num_queries(1):
        short = selectors.demand_history(demand)
    for n in range(5):
        demand.refresh_from_db()
        demand.budget = Decimal(410000 + n)
        demand.street = None if n % 2 else hp_purchaser.purchaser_unit.street
        services.demand_adjust(demand=demand, by=hp_purchaser, reason=f"第{n}次调整")
    with django_assert_num_queries(1):
        long = selectors.demand_history(demand)
    assert len(long) == len(short) + 5
    assert any(label == "服务街镇" for label, _, _ in long[0].changes)
