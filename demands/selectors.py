"""Reads shared by the demand views, the admin site and (later) exports and statistics."""

import datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from accounts import permissions
from portal import search
from portal.listing import Listing, chosen_sort, clean_query, first_where

from .filters import DemandFilter
from .models import AWARD_FIELDS, EVALUATION_FIELDS, Demand, Status

# Joined into the listing's query. The small reference tables are prefetched instead: joining all
# eight tables cost PostgreSQL about 45 ms of planning per page over the city-scale data (three
# joins: 2 ms), far more than `id IN (...)` queries (bench/README.md, city scale). Only what a card
# shows: not the 购买服务类型 (its query cost every listing page about 1 ms of CPU, issue 15).
LIST_RELATED = ("unit", "category__parent", "awarded_org")
LIST_PREFETCH = ("district", "street")
# The public listing joins only the unit and the organization; its cards' 项目类别 (with its parent),
# 区 and 街镇 come from the reference-data memo (`refdata.attach`): joined, the two category tables and
# their 40 model instances cost a page 0.5 ms of CPU (2.7 against 2.2 ms for a district + category
# page at 100,000 demands, issue 15).
CARD_RELATED = ("unit", "awarded_org")
CARD_MEMO = ("category", *LIST_PREFETCH)
# The columns a card of the public listing shows (templates/demands/list.html): a page read every
# column of the 20 demands and of their unit and organization, the search tokens among them.
LIST_COLUMNS = (
    *("title", "status", "source", "budget", "year", "period_start", "period_end", "published_at"),
    *("unit", "category", "district", "street", "awarded_org"),
    *("unit__name", "awarded_org__name"),
)


def public_demands():
    """`Demand.objects.public()` (kept for the callers of this selector)."""
    return Demand.objects.public()


def demands_visible_to(user):
    """Every demand `user` may open (`accounts.permissions.demands_visible_to`)."""
    return permissions.demands_visible_to(user, Demand.objects.all())


def demands_of_unit(unit):
    return Demand.objects.filter(unit=unit)


def demands_search(qs, text, sliced=False):
    """`qs` narrowed to the demands holding every word of `text` (`portal.search.search`). `sliced`: `qs`
    is the public listing narrowed by no filter, so its capped count may read the slices of the text
    index first (`search.text_part`)."""
    return search.search(qs, text, fields=Demand.SEARCH_FIELDS, names=Demand.SEARCH_NAMES, sliced=sliced)


def filtered(params, qs, filterset_class=DemandFilter):
    """The listing's words (`q`) and filters applied to `qs`: (filterset, queryset, text). The listing
    and the subscriptions (matching/subscriptions.py) read a search here, so a saved search finds
    what the listing shows. Invalid filters are ignored, as the page does (cancelled ones stay hidden)."""
    filterset, qs, text = _unsearched(params, qs, filterset_class)
    return filterset, demands_search(qs, text), text


def _unsearched(params, qs, filterset_class=DemandFilter):
    """`filtered` before its search: (filterset, queryset, text)."""
    text = clean_query(params.get("q", ""))
    filterset = filterset_class(params or None, queryset=qs)
    if filterset.is_bound and filterset.is_valid():
        qs = filterset.qs
    else:
        qs = filterset.queryset.exclude(status=Status.CANCELLED)
    return filterset, qs, text


SORTS = {
    "newest": ("最新发布", ("-published_at", "-pk")),
    "oldest": ("最早发布", ("published_at", "pk")),
    "budget_desc": ("预算从高到低", ("-budget", "-pk")),
    "budget_asc": ("预算从低到高", ("budget", "pk")),
    "relevance": ("相关度", None),
}


def listing(params, qs=None):
    """The public listing 我要购买服务 for the query parameters `params` (words, filters, `sort`), as the
    page, its export and the export job read it: a `portal.listing.Listing`. `qs`: the public demands
    with what the caller joins (default: `public_demands()`)."""
    filterset, unsearched, text = _unsearched(params, public_demands() if qs is None else qs)
    sort = chosen_sort(params, SORTS, default="relevance" if text else "newest")
    searched = demands_search(unsearched, text, sliced=not _narrowed(filterset))
    qs = demands_sort(searched, sort, text, unsearched=unsearched)
    return Listing(filterset, qs, sort, text)


def _narrowed(filterset):
    """Whether a filter of `filterset` was chosen (a 区, a 类别, a 状态…: anything but the words)."""
    if not (filterset.is_bound and filterset.is_valid()):
        return False
    return any(value not in (None, "") for value in filterset.form.cleaned_data.values())


def demands_sort(qs, sort, text="", unsearched=None):
    """`qs` (searched for `text`) in `sort`. `unsearched`: `qs` before its search, where the title hits
    of 相关度 are walked (`first_where`'s `within`: a title holding every word is a match)."""
    if sort == "relevance" and text:
        # Title matches first, then the newest: cheap, and the same on SQLite and PostgreSQL. A page of
        # it is read without sorting every match (portal.listing.first_where); `title LIKE '%养老%'`
        # (search.contains), unlike `UPPER(title) LIKE`, has the column's statistics, so PostgreSQL
        # knows how many titles hold the word (100,000 demands: 8,075 expected, 4,456 found; 32 with UPPER).
        title_hit = Q()
        for word in text.split():
            title_hit &= search.contains("title", word)
        return first_where(qs, "title_hit", title_hit, SORTS["newest"][1], within=unsearched)
    order = SORTS.get(sort, SORTS["newest"])[1] or SORTS["newest"][1]
    return qs.order_by(*order)


# Fields whose changes a demand's history lists, old → new: everything the purchaser or the lifecycle
# sets, but not the bookkeeping (times of entry, the status, which has its own column).
HISTORY_FIELDS = (
    *Demand.EDITABLE_FIELDS,
    "unit",
    "source",
    *AWARD_FIELDS,
    *EVALUATION_FIELDS,
    "cancel_reason",
)
# What the names of the related records need (a 街镇 is named with its 区, a category with its parent).
HISTORY_RELATED = [name for name in HISTORY_FIELDS if Demand._meta.get_field(name).is_relation]
HISTORY_RELATED += ["street__district", "category__parent"]


def field_display(model_field, value, limit=60):
    """A field's value as people read it: names for foreign keys, labels for choices, amounts with
    thousands separators, dates as 2026-03-01, long text shortened; empty is “（空）”."""
    if value in (None, "") or (model_field.is_relation and getattr(value, "pk", value) is None):
        return "（空）"  # diff_against gives an empty foreign key as a DeletedObject without a pk
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m-%d}"
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[:limit] + "…"


def demand_history(demand, limit=50):
    """The newest `limit` history records, each with `changes`: (field name, old, new) for every field
    it changed, as `field_display` shows them, from simple-history's `diff_against`. One query,
    whatever the length of the history (the related names come with the records)."""
    records = list(
        demand.history.select_related("history_user", *HISTORY_RELATED).order_by(
            "-history_date", "-history_id"
        )[: limit + 1]
    )
    for record, previous in zip(records, records[1:] + [None], strict=True):
        record.changes = []
        if previous is None:
            continue
        delta = record.diff_against(previous, included_fields=HISTORY_FIELDS, foreign_keys_are_objs=True)
        order = {change.field: change for change in delta.changes}
        for name in HISTORY_FIELDS:
            if name in order:
                field = Demand._meta.get_field(name)
                change = order[name]
                record.changes.append(
                    (
                        str(field.verbose_name),
                        field_display(field, change.old),
                        field_display(field, change.new),
                    )
                )
    return records[:limit]
