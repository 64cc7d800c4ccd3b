from portal import refdata, search
from portal.listing import Listing, chosen_sort, clean_query

from .filters import OfferingFilter
from .models import Offering

LIST_RELATED = ("organization", "category__parent")
# The public listing joins only the organization; its cards' 项目类别 (with its parent) comes from the
# reference-data memo (`refdata.attach`), as the demand listing's does (demands/selectors.py CARD_MEMO).
CARD_RELATED = ("organization",)
CARD_MEMO = ("category",)
# What a card of the public listing shows (templates/offerings/list.html, `with_area_labels`): an offer's
# row is 25 columns, its search tokens and contact details among them, and its organization's 16.
LIST_FIELDS = (
    "title",
    "summary",
    "previously_purchased",
    "citywide",
    "service_district_codes",
    "category",
    "organization__name",
)


def public_offerings():
    """`Offering.objects.public()` (kept for the callers of this selector)."""
    return Offering.objects.public()


def offerings_of(organization):
    return Offering.objects.filter(organization=organization)


def offerings_search(qs, text):
    return search.search(qs, text, fields=Offering.SEARCH_FIELDS, names=Offering.SEARCH_NAMES)


def filtered(params, qs, filterset_class=OfferingFilter):
    """The listing's words (`q`) and filters applied to `qs`: (filterset, queryset, text); shared by the
    listing and the subscriptions (matching/subscriptions.py). Invalid filters are ignored."""
    text = clean_query(params.get("q", ""))
    filterset = filterset_class(params or None, queryset=qs)
    if filterset.is_bound and filterset.is_valid():
        qs = filterset.qs
    return filterset, offerings_search(qs, text), text


def with_area_labels(offerings):
    """Give each offer `.area_label` (全市 or district names) with one query for the lot."""
    offerings = list(offerings)
    names = refdata.district_names()
    for o in offerings:
        o.area_label = "全市" if o.citywide else "、".join(names.get(c, c) for c in o.service_codes)
    return offerings


SORTS = {
    "newest": ("最新发布", ("-published_at", "-pk")),
    "oldest": ("最早发布", ("published_at", "pk")),
}


def listing(params, qs=None):
    """The public listing 我要提供服务 for the query parameters `params` (words, filters, `sort`), as the
    page, its export and the export job read it: a `portal.listing.Listing`. `qs`: the public offers
    with what the caller joins (default: `public_offerings()`)."""
    filterset, qs, text = filtered(params, public_offerings() if qs is None else qs)
    sort = chosen_sort(params, SORTS, default="newest")
    return Listing(filterset, qs.order_by(*SORTS[sort][1]), sort, text)
