"""An old link to what was once public says what became of it (issue 18, R-OFF-4, R-DEM-4, R-GEN-2):
a withdrawn offer “已下架” with its date, a cancelled demand “已取消” with its date, instead of a bare
404; a draft, never published, still answers 404 (never leak drafts)."""

import pytest
from django.utils import timezone

from demands import services as demand_services
from offerings import services
from offerings.models import Offering, Status
from tests.factories import DemandFactory
from tests.login_pages import asks_to_log_in
from tests.offerings.helpers import OfferingFactory

pytestmark = pytest.mark.django_db


def test_a_withdrawn_offer_says_so_with_its_date(client, hp_org_user):
    offer = OfferingFactory(organization=hp_org_user.organization, title="乐龄长者助餐服务")
    services.offering_withdraw(offering=offer, by=hp_org_user)
    offer.refresh_from_db()

    response = client.get(f"/offerings/{offer.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    day = timezone.localtime(offer.withdrawn_at).date()
    assert "乐龄长者助餐服务" in page and "已下架" in page
    assert f"已于 {day.year}年{day.month}月{day.day}日" in page
    assert offer.contact_phone not in page and offer.summary not in page


def test_a_draft_offer_is_still_a_404(client, as_role, hp_org):
    """Never public: 404 to other users; a visitor is asked to log in (portal/middleware.py), never shown it."""
    draft = OfferingFactory(organization=hp_org, status=Status.DRAFT)
    assert asks_to_log_in(client.get(f"/offerings/{draft.pk}/"), f"/offerings/{draft.pk}/")
    assert as_role("xh_org_user").get(f"/offerings/{draft.pk}/").status_code == 404


def test_a_withdrawn_offer_never_published_is_a_404(client, as_role, hp_org):
    """Rows imported or made withdrawn without ever being public (no publish time) stay hidden."""
    offer = OfferingFactory(organization=hp_org, status=Status.WITHDRAWN, published_at=None)
    assert asks_to_log_in(client.get(f"/offerings/{offer.pk}/"), f"/offerings/{offer.pk}/")
    assert as_role("xh_org_user").get(f"/offerings/{offer.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("status", "published"),
    [(Status.DRAFT, False), (Status.PUBLISHED, True), (Status.WITHDRAWN, True), (Status.WITHDRAWN, False)],
)
def test_the_rule_and_its_twin_agree(hp_org, status, published):
    offer = OfferingFactory(
        organization=hp_org, status=status, published_at=timezone.now() if published else None
    )
    in_query = Offering.objects.withdrawn_once_public().filter(pk=offer.pk).exists()
    assert in_query == offer.is_withdrawn_once_public


def test_a_cancelled_demand_says_so_with_its_date(client, hp_purchaser):
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit, title="独居老人关爱项目")
    demand_services.demand_cancel(demand=demand, by=hp_purchaser, reason="实施条件变化")
    demand.refresh_from_db()
    response = client.get(f"/demands/{demand.pk}/")
    day = timezone.localtime(demand.cancelled_at).date()
    assert response.status_code == 200
    assert f"该需求已于 {day.year}年{day.month}月{day.day}日 取消" in response.content.decode()


def test_a_draft_cancelled_before_publishing_is_a_404(client, as_role, hp_purchaser):
    draft = DemandFactory(unit=hp_purchaser.purchaser_unit, status="draft")
    demand_services.demand_cancel(demand=draft, by=hp_purchaser, reason="不再实施")
    assert asks_to_log_in(client.get(f"/demands/{draft.pk}/"), f"/demands/{draft.pk}/")
    assert as_role("xh_purchaser").get(f"/demands/{draft.pk}/").status_code == 404
