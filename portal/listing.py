"""What the public listings (demands, offers) share: page sizes, pagination, the query string."""

from django.core.paginator import Paginator

from . import params

PAGE_SIZES = (10, 20, 50)
DEFAULT_PAGE_SIZE = 20


def page_size(request):
    size = params.integer(request.GET, "size", default=DEFAULT_PAGE_SIZE, label="每页条数", lenient=True)
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def page_number(request):
    """The page asked for (`?page=`): an odd value shows the first page, as Django's get_page does."""
    return params.page(request.GET, lenient=True)


def clean_query(value, limit=50):
    """What was typed in a search box, without control characters (a NUL would upset PostgreSQL)."""
    return "".join(ch for ch in (value or "") if ch.isprintable() or ch == " ").strip()[:limit]


def search_text(request):
    return clean_query(request.GET.get("q", ""))


def paginate(request, qs, sorts, sort):
    """The page of `qs` asked for, with what the template needs to render controls and links."""
    size = page_size(request)
    page = Paginator(qs, size).get_page(page_number(request))
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "page": page,
        "sort": sort,
        "sorts": sorts,
        "size": size,
        "page_sizes": PAGE_SIZES,
        "querystring": params.urlencode(),
    }
