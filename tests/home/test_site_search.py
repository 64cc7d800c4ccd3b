"""The combined search /search/ (R-NOT-2, issue 15): demands and offers counted as the listings count a
search (up to COUNT_CAP, "N+" above it), the first ten of each newest first whatever the count, and a
fixed number of SQL queries whatever the number of matches."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal import listing
from tests.factories import DemandFactory, OfferingFactory
from tests.html import select, text_of

pytestmark = pytest.mark.django_db

# /search/?q=<one word>: organizations (count, first ten), units (count, first ten), the names the demand
# and the offer searches match, then for demands and offers a capped count and the first ten (pinned).
SEARCH_QUERIES = 10


def search(client, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response


def headings(response):
    return [text_of(h) for h in select(response.content.decode(), "h2")]


def ago(minutes):
    return timezone.now() - datetime.timedelta(minutes=minutes)


def test_counts_stop_at_the_cap_as_the_listings_do_and_the_lists_do_not(client, hp_unit, hp_org, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    demands = [DemandFactory(unit=hp_unit, title=f"养老服务{i}", published_at=ago(i)) for i in range(5)]
    DemandFactory(unit=hp_unit, title="养老服务草稿", status="draft", published_at=None)
    offers = [
        OfferingFactory(organization=hp_org, title=f"养老陪伴{i}", published_at=ago(i)) for i in range(3)
    ]
    OfferingFactory(organization=hp_org, title="助残康复", summary="康复训练", service_targets="残疾人")

    response = search(client, "养老")
    assert (response.context["demand_count"], response.context["offering_count"]) == (4, 3)  # cap + 1; exact
    assert headings(response)[:2] == ["购买服务需求（3+）", "社会组织服务项目（3）"]
    # The lists are the first ten matches, newest first, as before: the cap counts, it does not cut them.
    assert [d.pk for d in response.context["demands"]] == [d.pk for d in demands]
    assert [o.pk for o in response.context["offerings"]] == [o.pk for o in offers]


def test_a_count_past_ten_links_to_the_listing_with_the_same_label(client, hp_unit, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_CAP", 11)
    for i in range(13):
        DemandFactory(unit=hp_unit, title=f"养老服务{i}")
    html = search(client, "养老").content.decode()
    links = [text_of(a) for a in select(html, "a") if a.get("href", "").startswith("/demands/?q=")]
    assert links == ["查看全部 11+ 个需求"]


def test_the_search_page_runs_a_fixed_number_of_queries(client, hp_unit, hp_org, xh_org):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            search(client, "养老")
        return len(captured)

    empty = queries()
    for i in range(15):
        DemandFactory(unit=hp_unit, title=f"养老服务{i}")
        OfferingFactory(organization=hp_org if i % 2 else xh_org, title=f"养老陪伴{i}")
    assert queries() == empty == SEARCH_QUERIES
