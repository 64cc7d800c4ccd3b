"""The life of a demand, first steps (R-DEM-4, R-GEN-2/3): the allowed status transitions are one
table (`demands.services.ACTIONS`), and through the web a purchaser saves a draft, edits it and
publishes it, each change with a history record of who did it."""

import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from demands import services
from demands.models import Demand, Status
from portal.errors import ServiceError
from tests.demands.lifecycle_helpers import (
    NEW,
    action_url,
    demand_form,
    demand_in,
    detail_url,
    draft_of,
    form_of,
    latest_history,
    snapshot,
)
from tests.factories import DemandFactory
from tests.html import text

pytestmark = pytest.mark.django_db


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
    assert services.TABLE.targets() == EXPECTED_TRANSITIONS


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

    if target in services.TABLE.targets()[source]:
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
