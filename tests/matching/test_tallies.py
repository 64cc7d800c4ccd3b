"""The ranking's tallies (matching/tallies.py) stay what counting the offers and the awards says after
every write path: the services and their action tables, edits, bulk writes as the Excel imports make
them, queryset updates and deletes, and the admin site's plain saves; on both databases."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from demands import services as demand_services
from demands.models import Demand
from matching import tallies
from matching.models import OrganizationTally
from offerings import services as offering_services
from offerings.models import Offering
from offerings.models import Status as OfferingStatus
from tests.demands.lifecycle_helpers import evaluate_today
from tests.factories import DemandFactory, SocialOrganizationFactory
from tests.matching.conftest import awarded, category, offer

pytestmark = pytest.mark.django_db


def assert_in_step():
    assert tallies.tallied() == tallies.counted()


def test_offers_published_edited_withdrawn_and_republished(hp_org_user, hp_org):
    draft = offer(hp_org, "0101", status=OfferingStatus.DRAFT)
    assert_in_step()
    assert not OrganizationTally.objects.exists()  # a draft counts for nothing
    offering_services.offering_publish(offering=draft, by=hp_org_user)
    assert_in_step()
    row = OrganizationTally.objects.get()
    assert (row.category, row.organization, row.offers, row.citywide) == (category("0101"), hp_org, 1, False)
    assert tallies.area_codes(row.area_codes) == {"310101"}

    edited = Offering.objects.get(pk=draft.pk)
    edited.category = category("0102")
    edited.set_service_area(False, ["310104", "310115"])
    offering_services.offering_update(offering=edited, by=hp_org_user)
    assert_in_step()
    assert list(OrganizationTally.objects.values_list("category__code", "area_codes")) == [
        ("0102", "310104,310115")
    ]

    offering_services.offering_withdraw(offering=edited, by=hp_org_user)
    assert_in_step()
    assert not OrganizationTally.objects.exists()
    offering_services.offering_publish(offering=edited, by=hp_org_user)
    assert_in_step()
    assert OrganizationTally.objects.get().offers == 1


def test_several_offers_of_one_organization_and_the_whole_city(hp_org, xh_org):
    offer(hp_org, "0101", districts="310101,310104")
    offer(hp_org, "0101", districts="310104,310115")
    offer(hp_org, "0101", citywide=True)
    offer(xh_org, "0101", districts="310104")
    assert_in_step()
    row = OrganizationTally.objects.get(organization=hp_org)
    assert (row.offers, row.citywide) == (3, True)
    assert tallies.area_codes(row.area_codes) == {"310101", "310104", "310115"}
    Offering.objects.filter(organization=hp_org, citywide=True).delete()
    assert_in_step()
    assert OrganizationTally.objects.get(organization=hp_org).citywide is False


def test_awards_evaluations_and_their_changes(hp_purchaser, hp_org, xh_org):
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit, budget=Decimal("380000.00"))
    assert_in_step()
    demand_services.demand_award(
        demand=demand,
        by=hp_purchaser,
        organization=hp_org,
        amount=Decimal("350000.00"),
        awarded_on=timezone.localdate(),
    )
    assert_in_step()
    row = OrganizationTally.objects.get()
    assert (row.organization, row.offers, row.awards, row.best) == (hp_org, 0, 1, None)

    Demand.objects.filter(pk=demand.pk).update(period_start=timezone.localdate() - datetime.timedelta(days=1))
    evaluate_today(Demand.objects.get(pk=demand.pk), hp_purchaser, grade="good", score="85")
    assert_in_step()
    assert OrganizationTally.objects.get().best == tallies.GRADE_ORDER.index("good")

    # Corrections as the external import or the admin site save them: another organization, another
    # category, then the award gone.
    current = Demand.objects.get(pk=demand.pk)
    current.awarded_org = xh_org
    current.save()
    assert_in_step()
    assert OrganizationTally.objects.get().organization == xh_org
    current.category = category("0102")
    current.save()
    assert_in_step()
    current.status = "cancelled"
    current.save()
    assert_in_step()
    assert not OrganizationTally.objects.exists()


def test_offers_and_awards_of_one_pair_share_a_row(hp_org, hp_unit):
    offer(hp_org, "0101")
    awarded(hp_org, hp_unit, "0101", grade="excellent")
    awarded(hp_org, hp_unit, "0101", grade="fail")
    awarded(hp_org, hp_unit, "0102")
    assert_in_step()
    row = OrganizationTally.objects.get(category=category("0101"))
    assert (row.offers, row.awards, row.best) == (1, 2, 0)
    Offering.objects.filter(organization=hp_org).update(status=OfferingStatus.WITHDRAWN)
    assert_in_step()
    Demand.objects.filter(awarded_org=hp_org, eval_grade="excellent").delete()
    assert_in_step()
    assert OrganizationTally.objects.get(category=category("0101")).best == tallies.GRADE_ORDER.index("fail")


def test_bulk_writes_as_the_imports_make_them(hp_org, hp_unit):
    orgs = [hp_org, *(SocialOrganizationFactory() for _ in range(3))]
    template = offer(hp_org, "0101")
    copies = []
    for n in range(40):
        copy = Offering.objects.get(pk=template.pk)
        copy.pk = None
        copy.organization = orgs[n % 4]
        copy.category = category(["0101", "0102", "0103"][n % 3])
        copy.status = [OfferingStatus.PUBLISHED, OfferingStatus.DRAFT][n % 5 == 0]
        copy.set_service_area(n % 7 == 0, ["310101", "310104"][: 1 + n % 2])
        copies.append(copy)
    Offering.objects.bulk_create(copies, batch_size=15)
    awards = [awarded(orgs[n % 4], hp_unit, "0101", grade=["", "good", "pass"][n % 3]) for n in range(6)]
    assert_in_step()
    # One statement changing many rows and pairs at once, some of them twice over.
    Offering.objects.filter(category=category("0102")).update(category=category("0103"))
    assert_in_step()
    Offering.objects.filter(organization__in=orgs[:2]).update(service_district_codes="310115", citywide=False)
    assert_in_step()
    Demand.objects.filter(pk__in=[d.pk for d in awards[:3]]).update(
        awarded_org=orgs[3], eval_grade="excellent"
    )
    assert_in_step()
    Offering.objects.filter(status=OfferingStatus.PUBLISHED, organization=orgs[1]).delete()
    assert_in_step()


def test_refresh_all_recounts_what_the_triggers_keep(hp_org, xh_org, hp_unit):
    offer(hp_org, "0101")
    offer(xh_org, "0102", citywide=True)
    awarded(xh_org, hp_unit, "0101", grade="pass")
    before = tallies.tallied()
    OrganizationTally.objects.all().delete()
    tallies.refresh_all()
    assert tallies.tallied() == before == tallies.counted()


def test_recount_tallies_puts_back_what_a_load_without_triggers_left_wrong(hp_org, hp_org_user):
    """`manage.py recount_tallies` (docs/deploy.md): tallies gone wrong (rows written with the triggers
    off) are counted again from the offers and the awards."""
    from io import StringIO

    from django.core.management import call_command

    published = offer(hp_org, "0101", status=OfferingStatus.DRAFT)
    offering_services.offering_publish(offering=published, by=hp_org_user)
    OrganizationTally.objects.update(offers=7)  # what a load with the triggers off could leave
    OrganizationTally.objects.create(
        category=category("0102"), organization=hp_org, offers=3, citywide=False, area_codes="", awards=0
    )
    assert tallies.tallied() != tallies.counted()
    out = StringIO()
    call_command("recount_tallies", stdout=out)
    assert_in_step()
    assert "已重新统计 1 组" in out.getvalue()
