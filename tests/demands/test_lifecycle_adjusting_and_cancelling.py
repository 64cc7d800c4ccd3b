"""The life of a demand (R-DEM-4, R-GEN-2/3): adjusting a published demand and cancelling one need a
reason; cancelled demands are never deleted and show their reason; refusals change nothing."""

from decimal import Decimal

import pytest

from demands import services
from demands.models import Demand, Status
from tests.demands import lifecycle_helpers as lifecycle
from tests.factories import DemandFactory
from tests.html import text

pytestmark = pytest.mark.django_db


# --- adjusting a published demand ----------------------------------------------------------------------


def test_adjusting_a_published_demand_without_a_reason_is_refused_and_changes_nothing(login, hp_purchaser):
    """R-DEM-4, R-GEN-3: 调整 needs a reason; without one the form comes back with a Chinese error."""
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit, street=hp_purchaser.purchaser_unit.street)
    before = lifecycle.snapshot(demand)
    response = login(hp_purchaser).post(
        lifecycle.action_url(demand, "edit"), lifecycle.form_of(demand, title="未填写原因的调整", reason="  ")
    )

    assert response.status_code == 200
    assert "调整原因" in text(response)
    assert response.context["form"].errors["reason"]
    assert lifecycle.snapshot(demand) == before


def test_adjusting_a_published_demand_with_a_reason_keeps_it_published_and_records_the_reason(
    login, hp_purchaser
):
    """R-DEM-4, R-GEN-2: the adjusted content is saved, the demand stays published with its original
    publication time, and the history carries the user and the reason."""
    unit = hp_purchaser.purchaser_unit
    demand = DemandFactory(unit=unit, street=unit.street, budget=Decimal("380000.00"))
    published_at = demand.published_at
    response = login(hp_purchaser).post(
        lifecycle.action_url(demand, "edit"),
        lifecycle.form_of(demand, budget="420,000.00", reason="服务人数由200人增加到260人"),
    )

    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Status.PUBLISHED
    assert demand.budget == Decimal("420000.00")
    assert demand.published_at == published_at
    assert demand.adjusted_at is not None
    record = lifecycle.latest_history(demand)
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
        lifecycle.action_url(demand, "edit"),
        lifecycle.form_of(demand, title="扩大服务对象范围", reason=reason),
    )

    assert response.status_code == 302
    assert Demand.objects.get(pk=demand.pk).title == "扩大服务对象范围"
    assert reason in lifecycle.latest_history(demand).history_change_reason


# --- cancelling ----------------------------------------------------------------------------------------


def test_cancelling_without_a_reason_is_refused_and_changes_nothing(login, hp_purchaser):
    """R-DEM-4, R-GEN-3: 取消 needs a reason."""
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit)
    before = lifecycle.snapshot(demand)
    response = login(hp_purchaser).post(lifecycle.action_url(demand, "cancel"), {"reason": ""})

    assert response.status_code == 200
    assert "取消原因" in text(response)
    assert response.context["form"].errors["reason"]
    assert lifecycle.snapshot(demand) == before


def test_cancelling_keeps_the_demand_and_shows_the_reason_on_its_page(login, client, hp_purchaser):
    """R-DEM-4, R-GEN-2: a cancelled demand is never deleted; its page (public too) shows why."""
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit)
    reason = "因辖区服务对象调整，本年度不再实施"
    response = login(hp_purchaser).post(lifecycle.action_url(demand, "cancel"), {"reason": reason})

    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Status.CANCELLED
    assert demand.cancel_reason == reason
    assert demand.cancelled_at is not None
    record = lifecycle.latest_history(demand)
    assert record.history_user == hp_purchaser
    assert reason in record.history_change_reason

    client.logout()
    page = client.get(lifecycle.detail_url(demand))
    assert page.status_code == 200
    assert "已取消" in text(page)
    assert reason in text(page)


def test_a_cancel_reason_with_markup_is_shown_escaped(client, hp_purchaser):
    """R-GEN-3: the public reason is text, never markup."""
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit)
    services.demand_cancel(demand=demand, by=hp_purchaser, reason="<script>alert(1)</script>不再实施")
    page = text(client.get(lifecycle.detail_url(demand)))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;不再实施" in page


def test_cancelling_a_draft_keeps_it_too(hp_purchaser):
    """R-DEM-4, R-GEN-2: a cancelled draft stays in the database with its reason."""
    demand = lifecycle.draft_of(hp_purchaser.purchaser_unit)
    services.demand_cancel(demand=demand, by=hp_purchaser, reason="重复录入")
    assert Demand.objects.get(pk=demand.pk).status == Status.CANCELLED
