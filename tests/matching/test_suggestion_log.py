"""The record of the organizations a demand's 可能合适的社会组织 block showed (issue 13 §7): written
when the block is shown, once per organization (the first time kept), only what was shown, and
never for a listed organization or a demand no longer published."""

import datetime

import pytest
from django.utils import timezone

from matching.models import SuggestionShown
from matching.suggestion_log import record_shown, shown_organization_ids
from tests.factories import DemandFactory
from tests.matching.conftest import category, offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def demand(hp_unit):
    return DemandFactory(unit=hp_unit, category=category("0101"))


def test_the_page_records_exactly_the_organizations_it_showed(client, demand, hp_org, xh_org, list_serious):
    offer(hp_org, "0101")
    offer(xh_org, "0101", districts="310104")
    assert shown_organization_ids(demand) == set()
    page = client.get(f"/demands/{demand.pk}/").content.decode()
    assert hp_org.name in page and xh_org.name in page
    assert shown_organization_ids(demand) == {hp_org.pk, xh_org.pk}


def test_a_second_view_writes_nothing_new_and_keeps_the_first_time(client, demand, hp_org):
    offer(hp_org, "0101")
    client.get(f"/demands/{demand.pk}/")
    first = SuggestionShown.objects.get()
    earlier = timezone.now() - datetime.timedelta(days=3)
    SuggestionShown.objects.update(first_shown_at=earlier)
    client.get(f"/demands/{demand.pk}/")
    assert SuggestionShown.objects.get().pk == first.pk
    assert SuggestionShown.objects.get().first_shown_at == earlier


def test_a_listed_organization_is_neither_shown_nor_recorded(client, demand, hp_org, xh_org, list_serious):
    offer(hp_org, "0101")
    offer(xh_org, "0101")
    list_serious(hp_org)
    client.get(f"/demands/{demand.pk}/")
    assert shown_organization_ids(demand) == {xh_org.pk}


def test_an_awarded_demand_records_nothing(client, demand, hp_org):
    offer(hp_org, "0101")
    demand.status, demand.awarded_org = "awarded", hp_org
    demand.save()
    client.get(f"/demands/{demand.pk}/")
    assert not SuggestionShown.objects.exists()


def test_recording_nothing_costs_nothing(demand, django_assert_num_queries):
    with django_assert_num_queries(0):
        record_shown(demand, [])


def test_the_record_is_one_statement_that_keeps_what_was_there(
    demand, hp_org, xh_org, django_assert_num_queries
):
    """`record_shown` writes with one INSERT (INSERT OR IGNORE on SQLite, ON CONFLICT DO NOTHING on
    PostgreSQL), as `bulk_create(ignore_conflicts=True)` did: the pairs already recorded keep their
    first time, the others get the time of the page."""
    from types import SimpleNamespace

    earlier = timezone.now() - datetime.timedelta(days=3)
    SuggestionShown.objects.create(demand=demand, organization=hp_org)
    SuggestionShown.objects.update(first_shown_at=earlier)
    shown = [SimpleNamespace(organization=o) for o in (hp_org, xh_org)]
    before = timezone.now()
    with django_assert_num_queries(1) as captured:
        record_shown(demand, shown)
    assert captured.captured_queries[0]["sql"].startswith("INSERT")
    rows = dict(
        SuggestionShown.objects.filter(demand=demand).values_list("organization_id", "first_shown_at")
    )
    assert rows[hp_org.pk] == earlier
    assert before <= rows[xh_org.pk] <= timezone.now()
    record_shown(demand, shown[1:])  # another number of rows: another statement
    assert SuggestionShown.objects.filter(demand=demand).count() == 2
