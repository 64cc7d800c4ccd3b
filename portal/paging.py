"""The page of a small filtered list (the 站内信, the findings, the 失信记录): 20 a page, and page links
that keep the filters chosen."""

from django.core.paginator import Paginator
from django.utils.http import urlencode

from portal import listing

PER_PAGE = 20


def filtered_page(request, qs, filters):
    """The page of `qs` asked for, and the querystring that keeps each of `filters` (a dict of the
    parameters chosen) that is set in the page links."""
    return {
        "page": Paginator(qs, PER_PAGE).get_page(listing.page_number(request)),
        "querystring": urlencode({k: v for k, v in filters.items() if v}),
    }
