"""What the public listings (demands, offers) share: page sizes, pagination, the query string."""

from django.core.paginator import Paginator

PAGE_SIZES = (10, 20, 50)
DEFAULT_PAGE_SIZE = 20


def page_size(request):
    try:
        size = int(request.GET.get("size", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def clean_query(value, limit=50):
    """What was typed in a search box, without control characters (a NUL would upset PostgreSQL)."""
    return "".join(ch for ch in (value or "") if ch.isprintable() or ch == " ").strip()[:limit]


def search_text(request):
    return clean_query(request.GET.get("q", ""))


def paginate(request, qs, sorts, sort):
    """The page of `qs` asked for, with what the template needs to render controls and links."""
    size = page_size(request)
    page = Paginator(qs, size).get_page(request.GET.get("page"))
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
