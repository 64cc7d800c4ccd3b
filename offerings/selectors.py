from portal import search
from portal.models import District

from .models import Offering

LIST_RELATED = ("organization", "category__parent")


def public_offerings():
    """`Offering.objects.public()` (kept for the callers of this selector)."""
    return Offering.objects.public()


def offerings_of(organization):
    return Offering.objects.filter(organization=organization)


def offerings_search(qs, text):
    return search.search(qs, text, fields=Offering.SEARCH_FIELDS, names=Offering.SEARCH_NAMES)


def with_area_labels(offerings):
    """Give each offer `.area_label` (全市 or district names) with one query for the lot."""
    offerings = list(offerings)
    names = dict(District.objects.values_list("code", "name"))
    for o in offerings:
        o.area_label = "全市" if o.citywide else "、".join(names.get(c, c) for c in o.service_codes)
    return offerings


SORTS = {
    "newest": ("最新发布", ("-published_at", "-pk")),
    "oldest": ("最早发布", ("published_at", "pk")),
}
