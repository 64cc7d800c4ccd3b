"""Reads shared by the demand views, the admin site and (later) exports and statistics."""

from django.db.models import Case, IntegerField, Q, Value, When

from accounts import permissions
from portal import search

from .models import Demand

# Joined into the listing's query. The small reference tables are prefetched instead: joining all
# eight tables cost PostgreSQL about 45 ms of planning per page over the city-scale data (three
# joins: 2 ms), far more than three `id IN (...)` queries (bench/README.md, city scale).
LIST_RELATED = ("unit", "category__parent", "awarded_org")
LIST_PREFETCH = ("district", "street", "purchase_type")


def public_demands():
    """`Demand.objects.public()` (kept for the callers of this selector)."""
    return Demand.objects.public()


def demands_visible_to(user):
    """Every demand `user` may open (`accounts.permissions.demands_visible_to`)."""
    return permissions.demands_visible_to(user, Demand.objects.all())


def demands_of_unit(unit):
    return Demand.objects.filter(unit=unit)


def demands_search(qs, text):
    return search.search(qs, text, fields=Demand.SEARCH_FIELDS, names=Demand.SEARCH_NAMES)


SORTS = {
    "newest": ("最新发布", ("-published_at", "-pk")),
    "oldest": ("最早发布", ("published_at", "pk")),
    "budget_desc": ("预算从高到低", ("-budget", "-pk")),
    "budget_asc": ("预算从低到高", ("budget", "pk")),
    "relevance": ("相关度", None),
}


def demands_sort(qs, sort, text=""):
    if sort == "relevance" and text:
        # Title matches first, then the newest: cheap, and the same on SQLite and PostgreSQL.
        words = text.split()
        title_hit = Q()
        for word in words:
            title_hit &= Q(title__icontains=word)
        return qs.annotate(
            title_hit=Case(When(title_hit, then=Value(1)), default=Value(0), output_field=IntegerField())
        ).order_by("-title_hit", "-published_at", "-pk")
    order = SORTS.get(sort, SORTS["newest"])[1] or SORTS["newest"][1]
    return qs.order_by(*order)


# Fields whose changes are listed in a demand's history (bookkeeping fields are left out).
HISTORY_FIELDS = Demand.EDITABLE_FIELDS


def demand_history(demand, limit=50):
    """The newest `limit` history records, each with `changed`: the verbose names of the fields it
    changed. One query, whatever the length of the history."""
    records = list(
        demand.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    fields = [Demand._meta.get_field(name) for name in HISTORY_FIELDS]
    for record, previous in zip(records, records[1:] + [None], strict=True):
        record.changed = []
        if previous is not None:
            record.changed = [
                str(f.verbose_name)
                for f in fields
                if getattr(record, f.attname) != getattr(previous, f.attname)
            ]
    return records[:limit]
