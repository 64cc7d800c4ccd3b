"""Pages found ids first (portal/listing.py `rows_of_page`, issue 15): the 20 ids of a page are picked by a
subquery over the sort key, then read with their joins. Same rows in the same order as Django's own
paginator for every sort of the demand and offer listings, one query per page."""

import datetime
from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from demands import selectors as demand_selectors
from offerings import selectors as offering_selectors
from portal import listing
from tests.factories import DemandFactory, OfferingFactory, PurchaserUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demands():
    """Eleven demands with ties in every sort key (two dates, two budgets), four with the word in the title."""
    unit = PurchaserUnitFactory()
    when = timezone.now()
    for n in range(11):
        DemandFactory(
            unit=unit,
            title=f"{'养老' if n % 3 == 0 else '助餐'}服务项目{n}",
            qualification="养老服务经验",
            budget=Decimal("100000.00") if n % 2 else Decimal("200000.00"),
            published_at=when - datetime.timedelta(days=n % 2),
        )


def _pages(paginator):
    return [[row.pk for row in paginator.page(n)] for n in paginator.page_range]


@pytest.mark.parametrize("sort", list(demand_selectors.SORTS))
@pytest.mark.parametrize("text", ["", "养老"])
def test_demand_pages_are_djangos_pages_for_every_sort(demands, sort, text):
    qs = demand_selectors.demands_sort(
        demand_selectors.demands_search(
            demand_selectors.public_demands().select_related(*demand_selectors.LIST_RELATED), text
        ),
        sort,
        text,
    )
    expected = _pages(Paginator(qs, 3))
    assert len(expected) >= 2 and sum(map(len, expected)) == qs.count()
    assert _pages(listing.ExactPaginator(qs, 3)) == expected
    assert _pages(listing.ExactPaginator(qs, 3, orphans=1)) == _pages(Paginator(qs, 3, orphans=1))
    assert _pages(listing.CappedPaginator(qs, 3, cap=1000)) == expected


@pytest.mark.parametrize("sort", list(offering_selectors.SORTS))
def test_offer_pages_are_djangos_pages_for_every_sort(sort):
    when = timezone.now()
    for n in range(7):
        OfferingFactory(published_at=when - datetime.timedelta(days=n % 2))
    qs = offering_selectors.public_offerings().order_by(*offering_selectors.SORTS[sort][1])
    assert _pages(listing.ExactPaginator(qs, 2)) == _pages(Paginator(qs, 2))


def test_a_page_is_one_query_that_picks_its_ids_first(demands):
    qs = demand_selectors.demands_sort(demand_selectors.public_demands(), "newest")
    paginator = listing.ExactPaginator(qs, 3)
    paginator.count  # noqa: B018 (counted apart, as the page does)
    with CaptureQueriesContext(connection) as ctx:
        rows = list(paginator.page(2))
    assert len(rows) == 3
    assert len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"]
    assert sql.count("SELECT") == 2 and "LIMIT 3" in sql and "OFFSET 3" in sql


def test_an_order_that_can_tie_or_distinct_rows_are_sliced_as_they_are(demands):
    """Without the primary key last, two rows could tie and the subquery pick others than the slice."""
    for qs in (
        demand_selectors.public_demands().order_by("-budget"),
        demand_selectors.public_demands().order_by("-budget", "-pk").distinct(),
    ):
        paginator = listing.ExactPaginator(qs, 3)
        paginator.count  # noqa: B018
        with CaptureQueriesContext(connection) as ctx:
            rows = [d.pk for d in paginator.page(1)]
        assert [q["sql"].count("SELECT") for q in ctx.captured_queries] == [1]
        assert rows == [d.pk for d in Paginator(qs, 3).page(1)]


def test_a_list_is_paginated_as_a_list():
    rows = list(range(7))
    assert list(listing.ExactPaginator(rows, 3).page(3)) == [6]
