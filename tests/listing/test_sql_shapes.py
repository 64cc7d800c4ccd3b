"""The listings' SQL compiled once per shape (portal/shapes.py, issue 15): a page's rows and its capped
count, run with SQL kept from an earlier request of the same shape and this request's parameters, are
the rows, the figure, the SQL and the parameters Django gives for this request, on SQLite and
PostgreSQL; values are always parameters."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from demands import selectors as demand_selectors
from demands.models import Status
from offerings import selectors as offering_selectors
from portal import listing, shapes
from tests.factories import DemandFactory, OfferingFactory, PurchaserUnitFactory, category, district

pytestmark = pytest.mark.django_db

# Pairs of query strings of the same shape (the first compiles, the second reuses its SQL), and odd ones.
DEMAND_PAIRS = [
    ("district={xuhui}&category=0101", "district={huangpu}&category=0103"),
    ("district={xuhui}&category=01", "district={huangpu}&category=01"),
    ("year=2024&budget_min=1000", "year=2025&budget_min=150000"),
    ("budget_max=150000&sort=budget_desc", "budget_max=250000&sort=budget_desc"),
    ("status=cancelled&sort=oldest", "status=awarded&sort=oldest"),
    ("level=district&source=external", "level=city&source=external"),
    ("q=养老&sort=newest", "q=助餐&sort=newest"),
    ("q=abc&sort=budget_asc", "q=xyz&sort=budget_asc"),
    ("district={xuhui}&q=养老&sort=newest&page=2", "district={huangpu}&q=助餐&sort=newest&page=2"),
    ("district={xuhui}&category=0101&size=10&page=2", "district={huangpu}&category=0101&size=10&page=2"),
    ("q=it's&sort=newest", "q=%'_\\&sort=newest"),
]
OFFER_PAIRS = [
    ("district={xuhui}", "district={huangpu}"),
    ("category=0101&previously_purchased=yes", "category=0103&previously_purchased=yes"),
    ("q=养老&sort=oldest", "q=助餐&sort=oldest"),
    ("directory_member=yes&category=0101", "directory_member=yes&category=0103"),
]


@pytest.fixture
def data():
    when = timezone.now()
    units = [PurchaserUnitFactory(name="黄浦区长者综合服务中心"), PurchaserUnitFactory(name="徐汇区民政局")]
    units[1].district = district("徐汇区")
    units[1].save()
    titles = ["社区养老服务项目", "老年人助餐服务", "ABC 助残项目", "it's abc"]
    statuses = [Status.PUBLISHED, Status.PUBLISHED, Status.AWARDED, Status.CANCELLED]
    for n in range(40):
        status = statuses[n % 4]
        DemandFactory(
            unit=units[n % 2],
            district=district("徐汇区" if n % 3 else "黄浦区"),
            title=f"{titles[n % 4]}{n}",
            category=category("0101" if n % 2 else "0103"),
            budget=Decimal(100000 + 50000 * (n % 3)),
            year=2024 + n % 2,
            status=status,
            published_at=when - datetime.timedelta(days=n % 5),
            cancel_reason="取消" if status == Status.CANCELLED else "",
        )
    for n in range(25):
        OfferingFactory(
            title=f"{titles[n % 4]}服务{n}",
            category=category("0101" if n % 2 else "0103"),
            published_at=when - datetime.timedelta(days=n % 3),
        )
    return {"xuhui": district("徐汇区").pk, "huangpu": district("黄浦区").pk}


def _found(selectors, query, ids, base):
    return selectors.listing(QueryDict(query.format(**ids)), base)


def _page_of(found, query):
    params = QueryDict(query)
    size = listing.page_size(type("R", (), {"GET": params}))
    number = int(params.get("page", 1))
    return (number - 1) * size, number * size


def _djangos(found, bottom, top):
    """What Django reads and compiles for the page and the capped count, nothing kept."""
    qs = found.qs
    run = listing._unfiltered(qs).filter(pk__in=qs.values("pk")[bottom:top])
    sql, params = run.query.get_compiler(run.db).as_sql()
    return [row.pk for row in qs[bottom:top]], min(qs.count(), listing.COUNT_CAP + 1), (sql, list(params))


def _recorder(executed):
    def record(execute, sql, params, many, context):
        executed.append((sql, list(params)))
        return execute(sql, params, many, context)

    return record


def _check(selectors, base, pairs, ids):
    for first, second in pairs:
        found = _found(selectors, second, ids, base())
        bottom, top = _page_of(found, second)
        expected = _djangos(found, bottom, top)
        shapes.clear()
        kept = _found(selectors, first, ids, base())
        listing.rows_of_page(kept.qs, *_page_of(kept, first))
        listing.capped_count(kept.qs)
        shapes_kept = len(shapes.KEPT)
        found = _found(selectors, second, ids, base())
        executed = []
        with connection.execute_wrapper(_recorder(executed)):
            rows = listing.rows_of_page(found.qs, bottom, top)
            count = listing.capped_count(found.qs)
        assert ([row.pk for row in rows], count) == expected[:2], second
        assert executed[0] == expected[2], second
        assert len(shapes.KEPT) == shapes_kept, second  # the same shape: nothing compiled anew
        assert all(kept is not shapes._UNCACHEABLE for kept in shapes.KEPT.values()), second


@pytest.mark.parametrize(
    "selectors, related, columns, pairs",
    [
        (demand_selectors, "CARD_RELATED", "LIST_COLUMNS", DEMAND_PAIRS),
        (offering_selectors, "CARD_RELATED", "LIST_FIELDS", OFFER_PAIRS),
    ],
)
def test_pages_and_counts_are_djangos_for_a_kept_shape(data, selectors, related, columns, pairs):
    """The demand and offer listings as their views read them (their cards' joins and columns)."""
    public = selectors.public_demands if selectors is demand_selectors else selectors.public_offerings

    def base():
        return public().select_related(*getattr(selectors, related)).only(*getattr(selectors, columns))

    _check(selectors, base, pairs, data)


def test_values_are_parameters_not_sql(data):
    shapes.clear()
    word = "x'); DROP TABLE demands_demand; --"
    found = _found(demand_selectors, f"q={word}&sort=newest", data, demand_selectors.public_demands())
    with CaptureQueriesContext(connection) as ctx:
        assert listing.capped_count(found.qs) == 0
        assert listing.rows_of_page(found.qs, 0, 20) == []
    kept = [kept[0] for key, kept in shapes.KEPT.items() if key[0] in ("statement", "fetch")]
    assert len(kept) == 2 and all("DROP" not in sql for sql in kept)
    assert len(ctx.captured_queries) == 2


@pytest.mark.parametrize("query", ["q=养老", "q=助餐&page=2", "q=abc&district={xuhui}"])
def test_a_relevance_page_is_djangos_with_its_sql_kept(data, monkeypatch, query):
    """相关度 pages of more than the cap (their ids from the two parts, `_first_where_ids`): the rows'
    statement selects the title hits' annotation, whose parameters come before the WHERE's; kept, the
    page is the rows and the SQL Django gives."""
    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    found = _found(demand_selectors, query, data, demand_selectors.public_demands())
    bottom, top = _page_of(found, query)
    shapes.clear()
    expected = [row.pk for row in listing.rows_of_page(found.qs, bottom, top, many=True)]
    assert expected == [row.pk for row in found.qs[bottom:top]]
    executed = []
    with connection.execute_wrapper(_recorder(executed)):
        again = _found(demand_selectors, query, data, demand_selectors.public_demands())
        kept = len(shapes.KEPT)
        rows = listing.rows_of_page(again.qs, bottom, top, many=True)
    assert [row.pk for row in rows] == expected and len(shapes.KEPT) == kept
    assert all(value is not shapes._UNCACHEABLE for value in shapes.KEPT.values())
    (run,) = [call for call in executed[-1:]]
    django = listing._unfiltered(again.qs).filter(
        pk__in=listing._first_where_ids(again.qs, *listing._first_where_order(again.qs), bottom, top)
    )
    sql, params = django.query.get_compiler(django.db).as_sql()
    assert run == (sql, list(params))


def test_a_query_matching_nothing_runs_no_query(data):
    qs = demand_selectors.public_demands().filter(pk__in=[])
    with CaptureQueriesContext(connection) as ctx:
        assert listing.capped_count(qs) == 0
        assert listing.rows_of_page(qs.order_by("-pk"), 0, 20) == []
    assert ctx.captured_queries == []


def test_the_kept_shapes_are_bounded(monkeypatch, data):
    monkeypatch.setattr(shapes, "LIMIT", 3)
    shapes.clear()
    for year in range(2020, 2030):  # each year is the same shape: one statement kept
        listing.capped_count(demand_selectors.public_demands().filter(year=year))
    for size in range(1, 10):  # each slice is a shape
        listing.rows_of_page(demand_selectors.public_demands().order_by("-pk"), 0, size)
    assert len(shapes.KEPT) <= 3
