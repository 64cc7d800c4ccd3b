"""The page links under every paged list (templates_jinja2/components/pagination.html, R-MAT-1): laid
out around the page being read, which is marked as the current one. They were laid out around page 1
whatever the page: on page 10 of 50 the links read 1 2 3 4 … 49 50 and none was marked."""

import pytest
from django.core.paginator import Paginator

from portal import jinja
from tests.html import parse, select


def links(number, pages=50):
    page = Paginator(range(pages * 10), 10).page(number)
    html = parse(jinja.render("components/pagination.html", page=page, querystring="q=养老"))
    items = [(li.text_content().strip(), li.get("aria-current")) for li in select(html, "li.page-item")]
    return items


@pytest.mark.parametrize(
    "number, shown",
    [
        (1, ["1", "2", "3", "4", "…", "49", "50", "下一页"]),
        (10, ["上一页", "1", "2", "…", "7", "8", "9", "10", "11", "12", "13", "…", "49", "50", "下一页"]),
        (50, ["上一页", "1", "2", "…", "47", "48", "49", "50"]),
    ],
)
def test_the_links_are_laid_out_around_the_page_being_read(number, shown):
    items = links(number)
    assert [text for text, _ in items] == shown
    assert [text for text, current in items if current == "page"] == [str(number)]


def test_a_link_keeps_the_filters():
    html = jinja.render(
        "components/pagination.html", page=Paginator(range(500), 10).page(10), querystring="q=x"
    )
    assert 'href="?q=x&amp;page=11"' in html and 'href="?q=x&amp;page=9"' in html
