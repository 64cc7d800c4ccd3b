"""Relevance pages read without sorting every match (portal/listing.py `first_where`, issue 15): every
page of a demand search sorted 相关度 holds the rows, in the order, that the definition gives when it
sorts every match (title hits first, then the newest, then the highest id), for many words, filters,
page sizes and caps, on SQLite and PostgreSQL."""

import datetime
import random

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import QueryDict
from django.utils import timezone

from demands import selectors
from demands.models import Status
from portal import listing
from tests.factories import DemandFactory, PurchaserUnitFactory, category, district

pytestmark = pytest.mark.django_db

WORDS = ["养老", "社区服务", "助餐", "养老 服务", "服务 老人", "abc", "Abc", "长者", "黄浦", "无此词"]
FILTERS = ["", "&district={xuhui}", "&category=0101", "&district={huangpu}&category=01", "&status=cancelled"]


@pytest.fixture
def demands():
    """60 demands: the words in titles, in other fields only, in the unit's name; dates that tie; some
    awarded, cancelled after publishing, or drafts; two districts, two categories."""
    rng = random.Random(15)
    when = timezone.now()
    units = [PurchaserUnitFactory(name="黄浦区长者综合服务中心"), PurchaserUnitFactory(name="徐汇区民政局")]
    units[1].district = district("徐汇区")
    units[1].save()
    titles = [
        "社区养老服务项目",
        "老年人助餐服务",
        "社区服务中心运营",
        "ABC 助残项目",
        "青少年服务",
        "长者照护",
    ]
    others = ["", "社区服务经验", "养老机构", "abc 认证"]
    for n in range(60):
        published = when - datetime.timedelta(days=rng.choice([0, 0, 1, 2, 3]))
        status = rng.choice([Status.PUBLISHED] * 4 + [Status.AWARDED, Status.CANCELLED, Status.DRAFT])
        DemandFactory(
            unit=rng.choice(units),
            title=f"{rng.choice(titles)}{n}",
            qualification=rng.choice(others),
            service_targets=rng.choice(["辖区老人", "社区居民"]),
            category=category(rng.choice(["0101", "0103"])),
            status=status,
            published_at=None if status == Status.DRAFT else published,
            cancel_reason="取消" if status == Status.CANCELLED else "",
        )


def _old_definition(qs, text):
    """The relevance order as it was written before issue 15: every match sorted."""
    title_hit = Q()
    for word in text.split():
        title_hit &= Q(title__icontains=word)
    return qs.annotate(
        title_hit=Case(When(title_hit, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-title_hit", "-published_at", "-pk")


def _pages(paginator):
    return [[row.pk for row in paginator.page(n)] for n in paginator.page_range]


@pytest.mark.parametrize("text", WORDS)
def test_every_page_is_the_pages_of_every_match_sorted(demands, text, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_CAP", 3)  # pages of "more than the cap" are walked (rows_of_page)
    ids = {"xuhui": district("徐汇区").pk, "huangpu": district("黄浦区").pk}
    for extra in FILTERS:
        params = QueryDict(f"q={text}&sort=relevance" + extra.format(**ids))
        found = selectors.listing(params, selectors.public_demands().select_related(*selectors.LIST_RELATED))
        _, matches, _ = selectors.filtered(params, selectors.public_demands())
        old = _old_definition(matches, found.text)
        for size in (2, 5):
            expected = _pages(Paginator(old, size))
            assert _pages(listing.ExactPaginator(found.qs, size, orphans=size - 2)) == _pages(
                Paginator(old, size, orphans=size - 2)
            ), (extra, size)
            assert _pages(listing.CappedPaginator(found.qs, size, cap=1000)) == expected, (extra, size)
            capped = _pages(listing.CappedPaginator(found.qs, size, cap=7))
            assert [pk for page in capped for pk in page] == [pk for page in expected for pk in page][:7]
        if text == "养老" and not extra:  # the fixture gives the pages something to split: both parts, ties
            assert old.filter(title_hit=1).count() > 3 and old.filter(title_hit=0).count() > 3


def test_a_relevance_page_is_one_query(demands, django_assert_num_queries):
    found = selectors.listing(QueryDict("q=养老"))
    paginator = listing.CappedPaginator(found.qs, 3, cap=5)
    assert paginator.capped  # counted apart, as the page does; more than the cap: walked
    with django_assert_num_queries(1) as captured:
        assert len(list(paginator.page(2))) == 2  # rows 4 and 5 of the first 5
    # the page, its ids, the two parts; on PostgreSQL the first part is a CTE, read for the ids and for the
    # one-time filter that walks the second only when the first has fewer rows than the page needs
    expected = 7 if connection.vendor == "postgresql" else 4
    assert captured.captured_queries[0]["sql"].count("SELECT") == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-time filter is PostgreSQL's")
def test_the_second_part_is_walked_only_when_the_first_does_not_fill_the_page(demands):
    """Issue 15: a page within the title hits does not walk the other matches (sparse in date order)."""
    found = selectors.listing(QueryDict("q=养老"))
    titles_hit = found.qs.filter(title_hit=1).count()
    for top, walked in ((titles_hit, False), (titles_hit + 1, True)):
        ids = listing._first_where_ids(found.qs, *listing._first_where_order(found.qs), top - 1, top)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + ids.sql, ids.params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert ("never executed" not in plan) == walked, (top, plan)


@pytest.mark.parametrize(
    "order",
    [
        ("-published_at", "-pk"),
        ("published_at", "pk"),
        ("budget", "-published_at", "pk"),
        ("unit__name", "pk"),
    ],
)
def test_pages_walked_in_any_order_are_the_pages_of_every_match_sorted(demands, order):
    """`first_where` in orders other than the listing's: ascending, on two columns (each part's rows sorted
    by their own columns, `_page_of_parts`), and through a relation (sorted again as `first_where`)."""
    _, matches, _ = selectors.filtered(QueryDict("q=服务"), selectors.public_demands())
    title_hit = Q(title__contains="社区")
    walked = listing.first_where(matches, "title_hit", title_hit, order)
    everything = list(
        _old_definition(matches, "社区").order_by("-title_hit", *order).values_list("pk", flat=True)
    )
    assert len(everything) > 10
    for bottom, top in ((0, 3), (3, 6), (0, 30), (len(everything) - 2, len(everything) + 5)):
        ids = listing._first_where_ids(walked, *listing._first_where_order(walked), bottom, top)
        page = listing._unfiltered(walked).filter(pk__in=ids)
        assert [row.pk for row in page] == everything[bottom:top], (order, bottom, top)
