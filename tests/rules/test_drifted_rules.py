"""The cases where copies of one rule had drifted apart (issue 17), each seen from the outside:

- an organization put on the 严重失信名单 was still shown as a 推荐目录 member by the home page's box and
  the listings' badges, while the directory page and the statistics hid it (R-SUB-3, R-DIR-4);
- the home page counted cancelled demands and listed organizations in its headline figures, so it said
  other numbers than the 数据概览 for the same year (R-NOT-2, R-STA-1).
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.services import organization_list_serious
from directory.models import Application, AppStatus, Edition, EditionStatus
from tests.factories import DemandFactory, SocialOrganizationFactory, UserFactory
from tests.html import select, text_of

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def directory(hp_org, xh_org):
    edition = Edition.objects.create(
        year=YEAR,
        starts_on=datetime.date(YEAR, 1, 1),
        deadline=datetime.date(YEAR, 3, 31),
        requirements="在民政部门登记的社会组织。",
        status=EditionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    for org in (hp_org, xh_org):
        Application.objects.create(
            edition=edition, organization=org, status=AppStatus.APPROVED, decided_at=timezone.now()
        )
    return edition


def list_serious(org):
    city = UserFactory(role="city_admin", username="drift_city")
    organization_list_serious(
        organization=org, by=city, reason="提供虚假材料", listed_on=timezone.localdate()
    )
    org.refresh_from_db()


def test_a_listed_member_leaves_the_home_page_box_and_its_count(client, directory, hp_org, xh_org):
    list_serious(xh_org)
    response = client.get("/")
    shown = [a.organization.name for a in response.context["latest_members"]]
    assert shown == [hp_org.name]
    assert response.context["figures"]["members"] == 1
    assert xh_org.name not in response.content.decode()


def test_a_listed_member_loses_its_badge_in_the_demand_listing(client, directory, hp_unit, hp_org, xh_org):
    DemandFactory(unit=hp_unit, title="助老服务甲", status="awarded", awarded_org=hp_org)
    DemandFactory(unit=hp_unit, title="助老服务乙", status="awarded", awarded_org=xh_org)
    list_serious(xh_org)
    cards = {
        title: text_of(card)
        for card in select(client.get("/demands/"), "li.card")
        for title in ("助老服务甲", "助老服务乙")
        if title in text_of(card)
    }
    assert "推荐目录" in cards["助老服务甲"]
    assert "推荐目录" not in cards["助老服务乙"]


def figures_of_overview(client):
    page = client.get("/data/").context["page"]
    headline = page.dashboard.table("overview")
    values = {row["label"]: row["value"] for row in headline.rows}
    return values["有效需求数（个）"], values["需求预算（万元）"], values["推荐目录成员（家）"]


def test_home_page_and_overview_give_the_same_figures(client, directory, hp_unit, xh_org):
    DemandFactory(unit=hp_unit, budget=Decimal("380000"))
    DemandFactory(unit=hp_unit, budget=Decimal("120000"), status="awarded")
    DemandFactory(unit=hp_unit, budget=Decimal("50000"), status="cancelled")  # published, then cancelled
    DemandFactory(unit=hp_unit, budget=Decimal("900000"), status="draft")
    SocialOrganizationFactory(name="列入名单的组织", on_serious_list=True)
    list_serious(xh_org)

    home = client.get("/").context["figures"]
    demands, budget_wan, members = figures_of_overview(client)
    assert home["demands"] == demands == 2
    assert home["budget_wan"] == budget_wan == Decimal("50")
    assert home["members"] == members == 1
    # Organizations that may take up work: hp_org only (xh_org and the other one are listed).
    assert home["organizations"] == 1
    shown = [text_of(value) for value in select(client.get("/"), "div.figure-value")]
    assert shown == ["2", "50.00", "1", "1"]
