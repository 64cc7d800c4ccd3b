"""`portal.listing.chosen_sort`: the sort a listing uses for `?sort=` (both public listings)."""

import pytest
from django.http import QueryDict

from portal.listing import chosen_sort

SORTS = {"newest": "最新发布", "oldest": "最早发布", "relevance": "相关度"}


@pytest.mark.parametrize(
    ("query", "default", "chosen"),
    [
        ("", "newest", "newest"),
        ("", "relevance", "relevance"),
        ("sort=", "relevance", "relevance"),
        ("sort=oldest", "relevance", "oldest"),
        ("sort=oldest&sort=relevance", "newest", "relevance"),  # the last value, as QueryDict.get
        ("sort=budget", "relevance", "newest"),  # unknown: the first sort, not the default
        ("sort=%00", "newest", "newest"),
    ],
)
def test_the_sort_asked_for_else_the_default_and_unknown_ones_give_the_first(query, default, chosen):
    assert chosen_sort(QueryDict(query), SORTS, default) == chosen
