"""Capped counts on the listings (portal/listing.py, issue 15): exact below the cap, "1,000+" above,
pages bounded to the first COUNT_CAP rows, same rows in the same order as an exact paginator."""

import pytest
from django.core.paginator import Paginator
from django.db import connection

from demands import selectors as demand_selectors
from demands.models import Demand
from portal import listing, search
from tests.factories import DemandFactory, PurchaserUnitFactory


@pytest.mark.django_db
@pytest.mark.parametrize("rows, label, capped", [(0, "0", False), (3, "3", False), (5, "5+", True)])
def test_count_is_exact_up_to_the_cap(rows, label, capped):
    for _ in range(rows):
        DemandFactory()
    paginator = listing.CappedPaginator(Demand.objects.order_by("-pk"), 2, cap=4 if capped else 1000)
    assert paginator.capped is capped
    assert paginator.count_label == (label if not capped else "4+")
    assert paginator.count == (rows if not capped else 5)


@pytest.mark.django_db
def test_pages_are_the_exact_paginators_pages_and_stop_at_the_cap():
    for _ in range(7):
        DemandFactory()
    qs = Demand.objects.order_by("-pk")
    capped = listing.CappedPaginator(qs, 2, cap=5)
    exact = Paginator(qs, 2)
    assert capped.num_pages == 3  # the first 5 rows: pages of 2, 2, 1
    for n in (1, 2):
        assert [d.pk for d in capped.page(n)] == [d.pk for d in exact.page(n)]
    assert [d.pk for d in capped.page(3)] == [d.pk for d in exact.page(3)][:1]
    assert capped.get_page(99).number == 3  # a page past the cap: the last one


def test_count_label():
    assert listing.count_label(999) == "999"
    assert listing.count_label(1000) == "1,000"
    assert listing.count_label(1001) == "1,000+"


@pytest.mark.django_db
@pytest.mark.parametrize("rows, cap, expected", [(0, 4, 0), (3, 4, 3), (4, 4, 4), (6, 4, 5)])
def test_a_search_counts_the_same_capped(rows, cap, expected, django_assert_num_queries):
    """capped_match_count (searches): the figure capped_count gives, in one query."""
    for _ in range(rows):
        DemandFactory()
    DemandFactory(title="别的项目", qualification="", service_targets="")
    qs = demand_selectors.demands_search(Demand.objects.order_by("-pk"), "养老")
    with django_assert_num_queries(1):
        count = listing.capped_match_count(qs, cap)
    assert count == expected == listing.capped_count(qs, cap)
    assert listing.capped_match_count(qs.none(), cap) == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "in_text, in_names, cap", [(5, 0, 4), (2, 3, 4), (2, 2, 4), (0, 6, 4), (4, 1, 4), (1, 1, 4)]
)
def test_a_search_found_in_names_too_counts_the_same_capped(
    in_text, in_names, cap, django_assert_num_queries
):
    """capped_match_count when the word is in a unit's name too: on PostgreSQL the rows of the text
    index alone are counted first (search.text_part), the names' rows only when those stay under the
    cap; the figure is capped_count's either way, in one query."""
    unit = PurchaserUnitFactory(name="长宁区养老服务指导中心")
    for _ in range(in_text):
        DemandFactory()
    for _ in range(in_names):
        DemandFactory(unit=unit, title="别的项目", qualification="", service_targets="")
    qs = demand_selectors.demands_search(Demand.objects.order_by("-pk"), "养老")
    assert (search.text_part(qs) is not None) == (connection.vendor == "postgresql")
    with django_assert_num_queries(1):
        count = listing.capped_match_count(qs, cap)
    assert count == min(in_text + in_names, cap + 1) == listing.capped_count(qs, cap)


def _substring_count(query, cap):
    """The reference: the public demands holding each word of `query` in a text field or in a
    searched name, by Python over every row, capped as `capped_count` caps."""
    rows = Demand.objects.public().exclude(status="cancelled").select_related("unit", "awarded_org")
    fields = Demand.SEARCH_FIELDS
    found = [
        d
        for d in rows
        if all(
            any(word in (getattr(d, f) or "") for f in fields)
            or word in d.unit.name
            or (d.awarded_org and word in d.awarded_org.name)
            for word in query.split()
        )
    ]
    return min(len(found), cap + 1)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["社区服务", "社区服务 项目"])
@pytest.mark.parametrize("analyzed", [False, True])
@pytest.mark.parametrize(
    "phrase_rows, bigram_only_rows, in_names, cap",
    [(6, 0, 0, 4), (6, 2, 0, 4), (6, 30, 0, 4), (3, 30, 0, 4), (2, 0, 3, 4), (0, 30, 6, 4), (4, 13, 0, 4)],
)
def test_a_phrase_counts_the_same_capped(
    phrase_rows, bigram_only_rows, in_names, cap, analyzed, query, django_assert_num_queries
):
    """capped_match_count of a phrase (社区服务; on PostgreSQL 社区 <-> 区服 <-> 服务): rows that hold
    its bigrams but not the phrase (市区服装, 社区活动, 志愿服务) are not counted, rows found by a unit's
    name are, drafts never; the figure is capped_count's and a substring match's, with or without
    the column's statistics, for one word or two, in one query (issue 15: the reference for a
    count that reads the text index another way; a RUM index and a count from the rarest bigram
    were measured against it, bench/README.md 2026-12-07)."""
    unit = PurchaserUnitFactory(name="长宁区社区服务指导中心")
    for n in range(bigram_only_rows):  # first, in the text index's order too
        DemandFactory(title=f"市区服装{n}号", qualification="社区活动", service_targets="志愿服务")
    for n in range(phrase_rows):
        DemandFactory(title=f"社区服务项目{n}", qualification="", service_targets="")
    for _ in range(in_names):
        DemandFactory(unit=unit, title="别的项目", qualification="", service_targets="")
    DemandFactory(title="社区服务", status="draft")  # not public: never counted
    if analyzed:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE demands_demand" if connection.vendor == "postgresql" else "ANALYZE")
    qs = demand_selectors.listing({"q": query}).qs
    with django_assert_num_queries(1):
        count = listing.capped_match_count(qs, cap)
    assert count == listing.capped_count(qs, cap) == _substring_count(query, cap)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "ids, cap",
    [
        # rows in the 256th, the 16th, elsewhere: the cap passed in the 256th alone, with the 16th, with
        # the others; under it; a 16th read only when the 256th promises the cap (its rows × 16 above it)
        ([256, 512, 768, 1024, 5, 7], 2),
        ([256, 16, 32, 48, 5], 3),
        ([256, 16, 32, 5, 7, 9, 11], 5),
        ([256, 16, 5, 7], 10),
        ([16, 32, 48, 64, 80, 5], 4),
        ([1, 2, 3, 4, 5, 6], 3),
        ([512, 16, 3, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 208, 224, 240, 272, 288], 16),
    ],
)
def test_a_search_counts_the_same_read_slice_by_slice(ids, cap, django_assert_num_queries):
    """On PostgreSQL the capped count of a search narrowed by nothing else reads the slices of the text
    index first (ids that are multiples of 256, then of 16: portal.search.SLICES), then the other rows;
    the figure is capped_count's and a substring match's wherever the rows' ids fall, one word or two,
    drafts never counted, in one query (issue 15)."""
    unit = PurchaserUnitFactory(name="长宁区养老服务指导中心")  # 养老 is in a name too: the text part is read
    for pk in ids:
        DemandFactory(pk=pk, title=f"社区养老服务{pk}", qualification="", service_targets="")
    DemandFactory(pk=4096, title="社区养老", status="draft")  # in the 256th, not public: never counted
    DemandFactory(pk=4097, unit=unit, title="别的项目", qualification="", service_targets="")
    qs = demand_selectors.listing({"q": "养老"}).qs
    part = search.text_part(qs)  # None on SQLite: every word a substring match
    assert (part is not None and "mod(" in str(part.query)) == (connection.vendor == "postgresql")
    for query in ("养老", "社区 养老"):
        qs = demand_selectors.listing({"q": query}).qs
        with django_assert_num_queries(1):
            count = listing.capped_match_count(qs, cap)
        assert count == listing.capped_count(qs, cap) == _substring_count(query, cap)


@pytest.mark.django_db
def test_a_search_with_a_filter_is_not_read_slice_by_slice():
    """With a filter (a 区, a 状态…) the slices would mostly hold rows the filter drops: the count reads
    the text part as it is."""
    PurchaserUnitFactory(name="长宁区养老服务指导中心")
    demand = DemandFactory(pk=256, title="养老服务")
    narrowed = demand_selectors.listing({"q": "养老", "district": str(demand.district_id)}).qs
    part = search.text_part(narrowed)
    assert part is None or "mod(" not in str(part.query)
    assert listing.capped_match_count(narrowed, 4) == 1
