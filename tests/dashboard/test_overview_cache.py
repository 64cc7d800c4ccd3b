"""The public 数据概览 is the same for every visitor and costs the database most of a second over a
city's data, so it is computed once per OVERVIEW_CACHE_SECONDS and served from the cache."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from portal import refdata

from .test_query_counts import OVERVIEW_PAGE

pytestmark = pytest.mark.django_db


def test_a_second_visit_is_served_from_the_cache(client, world, settings, django_assert_max_num_queries):
    settings.OVERVIEW_CACHE_SECONDS = 300
    cache.clear()
    first = client.get(reverse("dashboard:overview"))
    # The database cache backend itself reads one row; nothing else is asked of the database.
    with django_assert_max_num_queries(1):
        second = client.get(reverse("dashboard:overview"))
    assert second.status_code == 200
    assert second.content == first.content


def test_without_the_cache_each_visit_computes_the_figures(client, world, django_assert_num_queries):
    refdata.categories(), refdata.districts()  # as every request after the first finds them
    with django_assert_num_queries(OVERVIEW_PAGE):
        client.get(reverse("dashboard:overview"))
    with django_assert_num_queries(OVERVIEW_PAGE):
        client.get(reverse("dashboard:overview"))
