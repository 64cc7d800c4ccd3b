"""What the public listings (demands, offers) share: page sizes, pagination, the query string, the
sort asked for, the page and the export."""

from functools import cached_property
from math import ceil
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.shortcuts import render

from . import export_jobs, params, search, shapes
from .directory_members import member_organization_ids
from .http import export_throttled, too_many_exports

PAGE_SIZES = (10, 20, 50)
DEFAULT_PAGE_SIZE = 20
# The listings and search count matches up to this many, then say "1,000+" (issue 15): an exact count
# of a large result set read every matching row (浦东新区 + 养老服务 at 1,000,000 demands: 930 ms), a
# capped one stops at the 1,001st. Pages reach the first COUNT_CAP rows; the exports, the statistics
# and the open-data API still count exactly.
COUNT_CAP = 1000


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


def capped_count(qs, cap=COUNT_CAP):
    """The number of rows of `qs`, exact up to `cap`; `cap + 1` means "more than `cap`".
    One query: COUNT(*) over the first cap + 1 rows (no ordering: any cap + 1 rows will do). Without
    the listing's `.only()` of its cards' columns, which the count does not select: compiling the
    COUNT, Django still walked it through every relation it names (issue 15: a district + category
    count at 100,000 demands 0.46 against 0.48 ms of CPU on an idle machine, 0.59 loaded; the same SQL).
    The SQL compiled once per shape of the filters (`portal.shapes`): the count's `get_aggregation`
    and compiling were 8 % of a district + category page's Python time (issue 15)."""
    if qs.query.is_sliced or qs.query.distinct:
        counted = qs.order_by()
        counted.query.clear_deferred_loading()
        return counted[: cap + 1].count()
    # The limit written into the SQL as Django writes a slice's (`:d`: an integer or an error).
    found = shapes.scalar(
        qs, lambda sql: f"SELECT COUNT(*) FROM ({sql} LIMIT {cap + 1:d}) AS capped", _ids, "ids"
    )
    return found or 0


def capped_match_count(qs, cap=COUNT_CAP):
    """`capped_count` for a search: the rows are found as for counting them all (the text index), and
    the count stops at the `cap + 1`st. Told "LIMIT 1001", PostgreSQL reads the table in order instead
    and checks each row's tsvector (about 15 µs a row): search 养老 at 100,000 demands, 8 % of them
    matching, 200 ms against 59 ms exact and 29 ms this way; at 1,000,000 demands 2,190 ms exact, 178 ms
    LIMIT, 217–342 ms this way (bench/README.md). One query: a MATERIALIZED CTE is planned for all its
    rows and read only as far as needed. The rows found through the text index alone
    (`search.text_part`) are counted first: when they pass the cap, the matches do, and neither the
    names' ids nor the OR of both bitmaps is read (search 养老 at 1,000,000 demands: 23.5 → 12.5 ms of
    PostgreSQL CPU, jit off); else the matches are counted, in the same query."""
    part = search.text_part(qs)
    try:
        sql, params = _sql(qs)
        part_sql, part_params = search.sliced_sql(*_sql(part), cap) if part is not None else (None, ())
    except EmptyResultSet:
        return 0
    capped = "(SELECT COUNT(*) FROM (SELECT 1 FROM found LIMIT %s) AS capped)"
    if part_sql:
        sql, params = (
            f"WITH part AS MATERIALIZED ({part_sql}), found AS MATERIALIZED ({sql}) SELECT CASE WHEN "
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM part LIMIT %s) AS counted) > %s THEN %s ELSE {capped} END",
            (*part_params, *params, cap + 1, cap, cap + 1, cap + 1),
        )
    else:
        sql, params = f"WITH found AS MATERIALIZED ({sql}) SELECT {capped}", (*params, cap + 1)
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _sql(qs):
    return shapes.statement(qs, _ids, "ids")


def _ids(qs):
    return qs.order_by().values("pk")


def count_label(count, cap=COUNT_CAP):
    """ "1,000+" above the cap, else the number with thousands separators."""
    return f"{cap:,}+" if count > cap else f"{count:,}"


def _ordered_by_pk(qs):
    """Whether `qs`'s order ends with its primary key, so that no two rows tie."""
    order = qs.query.order_by or qs.model._meta.ordering
    return (
        bool(order)
        and isinstance(order[-1], str)
        and order[-1].lstrip("-") in ("pk", qs.model._meta.pk.attname)
    )


class FirstWhere(Case):
    """1 for the rows where `condition` holds, else 0. Ordered by it descending and then by an order that
    ends with the primary key (`first_where`), a listing shows those rows first; `rows_of_page` then
    reads a page without sorting every match (`_first_where_ids`)."""

    def __init__(self, condition, within=None):
        super().__init__(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
        # `within` kept as its Query: a pickled QuerySet would be read whole first.
        self.condition, self.within = condition, None if within is None else within.query


def first_where(qs, name, condition, order, within=None):
    """`qs` with the rows where `condition` holds first, each part in `order` (ending with the primary
    key); `name` is the annotation (1 or 0) it is sorted by. `within`: a queryset whose rows where
    `condition` holds are those of `qs` (`qs` before a search that every row of the condition passes:
    a title holding the words); the rows where it holds are then walked there, without the search."""
    return qs.annotate(**{name: FirstWhere(condition, within)}).order_by(f"-{name}", *order)


def _first_where_order(qs):
    """(name, the `FirstWhere`, the rest of the order) when `qs` is ordered as `first_where` orders it."""
    order = qs.query.order_by
    if order and isinstance(order[0], str) and order[0].startswith("-"):
        annotation = qs.query.annotations.get(order[0][1:])
        if isinstance(annotation, FirstWhere):
            return order[0][1:], annotation, order[1:]
    return None


def _first_where_ids(qs, name, first, order, bottom, top):
    """The ids of rows `bottom` to `top` of `qs` ordered as `first_where` orders it, as a subquery. Rows
    0 to `top` are among the first `top` rows where the condition holds and the first `top` where it
    does not, each part read in `order` (an index walk that stops at `top`); only those (at most 2 ×
    `top`) are sorted. Sorting every match first, search 养老 at 1,000,000 demands sorted its 83,853 matches
    to show 20. The parts are a UNION ALL where the database allows LIMIT in one (PostgreSQL: an OR of
    two IN would scan the table), else two IN (SQLite). The rows where the condition holds are walked in
    `first.within` when it is given: there the search's conditions, estimated as if independent of the
    title's, made PostgreSQL expect 112 of search 社区服务's 4,035 title hits at 100,000 demands and sort
    them all (40 ms; walked 0.4 ms)."""
    condition = first.condition
    hits = qs.all()
    if first.within is not None:
        hits.query = first.within.clone()
    columns = _order_columns(qs.model, order)
    if connections[qs.db].vendor == "postgresql" and columns is not None:
        parts = (hits.filter(condition), qs.exclude(condition))
        return _page_of_parts(
            [part.order_by(*order).values("pk", *columns)[:top] for part in parts], order, bottom, top
        )
    walk = qs.order_by(*order).values("pk")
    parts = hits.order_by(*order).values("pk").filter(condition)[:top], walk.exclude(condition)[:top]
    if connections[qs.db].features.supports_slicing_ordering_in_compound:
        candidates = Q(pk__in=parts[0].union(parts[1], all=True))
    else:
        candidates = Q(pk__in=parts[0]) | Q(pk__in=parts[1])
    # The candidates already passed the filters of `qs`: they are sorted without them (every filter
    # again is planning time, and the names' lists of ids are long).
    return first_where(qs.model._default_manager.filter(candidates), name, condition, order).values("pk")[
        bottom:top
    ]


def _order_columns(model, order):
    """The fields of `order` but its last (the primary key) when they are plain fields of `model` (no
    relation, no annotation): what `_page_of_parts` sorts the parts' rows by. Else None."""
    names = [name.lstrip("-") for name in order[:-1]]
    if all("__" not in name and _plain_field(model, name) for name in names):
        return names
    return None


def _page_of_parts(parts, order, bottom, top):
    """Rows `bottom` to `top` of the two parts (PostgreSQL; each part's rows: the id, then the columns
    of `order` but its last), the rows of the first before those of the second, each in `order`: the
    order of `first_where`, whose condition holds on every row of the first part and on none of the
    second. The second part is walked only when the first has fewer than `top` rows: a page within the
    rows where the condition holds needs none of the others, and the others can be sparse in date
    order. Walked anyway, search 养老's page 5 at 100,000 demands checked 3,883 rows' text vectors to find
    100 it did not show (116 ms; the title hits: 2,331 rows, 35 ms). One query: a MATERIALIZED CTE of the
    first part, the second behind a one-time filter on its count; the parts' rows sorted by their part
    and their own columns. Sorted as `first_where` again (its condition compiled once more, the
    candidates' rows read again by id for it), Django took 0.7 ms more CPU per search page to build
    and compile that query (issue 15, bench/README.md)."""
    (first, first_params), (second, second_params) = (shapes.statement(part) for part in parts)
    columns = ["pk", *(f"c{n}" for n in range(1, len(order)))]
    sort = ", ".join(
        f"{column} {'DESC' if name.startswith('-') else 'ASC'}"
        for column, name in zip(columns[1:] + columns[:1], order, strict=True)
    )
    return RawSQL(
        f"WITH first_part AS MATERIALIZED ({first}) SELECT pk FROM (SELECT 0, * FROM first_part UNION ALL "
        f"SELECT 1, * FROM ({second}) AS second_part WHERE (SELECT COUNT(*) FROM first_part) < %s) AS "
        f"candidates(part, {', '.join(columns)}) ORDER BY part, {sort} LIMIT %s OFFSET %s",
        (*first_params, *second_params, top, top - bottom, bottom),
    )


# A relevance page of a result larger than COUNT_CAP is read from its two parts in order
# (`_first_where_ids`) when it ends within the first WALK_ROWS rows. Deeper, or with fewer matches,
# sorting every match costs less: at 100,000 demands, page 30 of 养老 took 163 ms walking and 54 ms
# sorted; 养老 in one district (522 matches) 56 ms walking and 28 ms sorted; page 1 of 养老 9 ms
# walking and 69 ms sorted.
WALK_ROWS = 100


def rows_of_page(qs, bottom, top, *, many=False):
    """Rows `bottom` to `top` of `qs`, found in two steps inside one query: the ids of the page (a
    subquery: only the filtered and sorted columns, from an index where one covers them), then those
    rows with their joins, in the same order. Read whole and joined before the sort, a district +
    category page read 8,194 rows with all their columns to keep 20 (PostgreSQL expected 528).
    Only for a queryset without DISTINCT whose order ends with the primary key (a tie could put
    other rows on the page); anything else (a list, the directory's members) is sliced as it is.
    `many`: the result has more than COUNT_CAP rows."""
    if hasattr(qs, "values") and not qs.query.distinct and _ordered_by_pk(qs):
        first = _first_where_order(qs) if many and top <= WALK_ROWS else None
        if first:  # its WHERE: the page's ids, as RawSQL on PostgreSQL (`_page_of_parts`)
            return shapes.fetch(_unfiltered(qs).filter(pk__in=_first_where_ids(qs, *first, bottom, top)))
        # The page's SQL compiled once per shape of the filters (`portal.shapes`): compiling it was
        # 0.75 of the 1.76 ms of CPU a district + category page's rows took (issue 15).
        return shapes.fetch(
            _unfiltered(qs).filter(pk__in=qs.values("pk")[bottom:top]), of=qs, extra=(bottom, top)
        )
    return qs[bottom:top]


def _unfiltered(qs):
    """`qs` without its filters, when they join no table that can repeat a row: the rows of a page
    are picked by id from a subquery that applied them, and filtered again PostgreSQL planned every
    condition twice (search 养老: the status, the text match and 1,069 organization ids; the 推荐目录
    page: the members rule, through the organization and the edition). A join left without its
    condition keeps the rows when it follows a foreign key (one row or none, and the subquery's rows
    had theirs); through a reverse or many-to-many relation it can repeat them, so those filters stay."""
    query = qs.query
    if any(
        count and _repeats_rows(query.alias_map[alias])
        for alias, count in query.alias_refcount.items()
        if alias != query.base_table
    ):
        return qs
    rows = qs.all()
    rows.query.clear_where()
    return rows


def _repeats_rows(join):
    """Whether `join` (a table of a query) can give a row of the query more than once."""
    return join.filtered_relation is not None or isinstance(join.join_field, ForeignObjectRel)


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap + 1` and whose pages cover the first `cap` rows: a page
    number past them gives the last page (`Paginator.get_page`), with `capped` telling the template to
    say so. Keyset pagination was not needed: nobody reads past page 50 of a listing, and they can
    narrow the filter instead (the page says so)."""

    def __init__(self, object_list, per_page, cap=COUNT_CAP, counter=capped_count, **kwargs):
        self.cap, self.counter = cap, counter
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self):
        return self.counter(self.object_list, self.cap)

    @property
    def capped(self):
        return self.count > self.cap

    @property
    def count_label(self):
        return count_label(self.count, self.cap)

    @property
    def cap_label(self):
        return f"{self.cap:,}"

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.cap)  # not the count: an empty page still asks (fixed count)
        return self._get_page(rows_of_page(self.object_list, bottom, top, many=self.capped), number, self)

    @cached_property
    def num_pages(self):
        shown = min(self.count, self.cap)
        if shown == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, ceil(shown / self.per_page))


class ExactPaginator(Paginator):
    capped = False

    def page(self, number):
        """`Paginator.page`, its rows found ids first (`rows_of_page`): a search page joined and sorted
        every match (search 养老: 8,258 rows) to keep 20."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        many = self.count > COUNT_CAP
        return self._get_page(rows_of_page(self.object_list, bottom, top, many=many), number, self)

    @property
    def count_label(self):
        return count_label(self.count)


class OneScanPaginator(ExactPaginator):
    """`ExactPaginator` that counts the rows and finds the ids of the page in one query, from one read
    of the matches (`_count_and_ids`), then reads those rows by id. Counted, then paged ids first,
    the 推荐目录 page read its 1,210 members twice, each with its organization's eligibility (issue
    15: 4.5 ms of PostgreSQL for the two queries, 2.9 ms this way). A number past the last page
    gives the last page, as `get_page` does (its ids: a second query instead of the rows by id)."""

    def get_page(self, number):
        order = _plain_order(self.object_list) if self.orphans == 0 else None
        if order is None or not isinstance(number, int) or number < 1:
            return super().get_page(number)
        bottom = (number - 1) * self.per_page
        count, ids = _count_and_ids(self.object_list, order, bottom, self.per_page)
        self.__dict__["count"] = count
        if not ids and number > 1:
            return super().get_page(number)
        return self._get_page(shapes.fetch(_unfiltered(self.object_list).filter(pk__in=ids)), number, self)


def _plain_order(qs):
    """[(field, descending)] of `qs`'s order when it is by its fields (through foreign keys) and
    ends with the primary key, else None (or with DISTINCT): what `_count_and_ids` sorts by."""
    if not hasattr(qs, "values") or qs.query.distinct or not qs.query.order_by or not _ordered_by_pk(qs):
        return None
    order = [(name.lstrip("-"), name.startswith("-")) for name in qs.query.order_by]
    if not all(_plain_field(qs.model, name) for name, _ in order[:-1]):
        return None
    return order


def _plain_field(model, name):
    """Whether `name` ("organization__name") reaches a column that is no relation (ordered by a
    relation, Django sorts by the related model's ordering instead of its id)."""
    *links, last = name.split("__")
    try:
        for link in links:
            field = model._meta.get_field(link)
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                return False
            model = field.related_model
        field = model._meta.get_field(last)
    except FieldDoesNotExist:  # an annotation, say
        return False
    return field.concrete and not field.is_relation


def _count_and_ids(qs, order, bottom, size):
    """(the number of rows of `qs`, the ids of its rows `bottom` to `bottom + size` in `order`), in one
    query: the matches (their sort columns and ids) read once as a CTE, counted and sorted."""
    fields = [name for name, _ in order[:-1]]
    try:
        sql, params = shapes.statement(qs.order_by().values_list(*fields, "pk"))
    except EmptyResultSet:
        return 0, []
    columns = [f"c{i}" for i in range(len(order))]  # the last: the id
    sort = ", ".join(f"c{i} {'DESC' if descending else 'ASC'}" for i, (_, descending) in enumerate(order))
    with connections[qs.db].cursor() as cursor:
        cursor.execute(
            f"WITH matches({', '.join(columns)}) AS ({sql}) SELECT * FROM (SELECT {columns[-1]}, 0 "
            f"FROM matches ORDER BY {sort} LIMIT %s OFFSET %s) AS page "
            "UNION ALL SELECT NULL, COUNT(*) FROM matches",
            (*params, size, bottom),
        )
        rows = cursor.fetchall()
    return next(count for pk, count in rows if pk is None), [pk for pk, _ in rows if pk is not None]


def paginate(request, qs, sorts, sort, cap=None, counter=capped_count, exact=ExactPaginator):
    """The page of `qs` asked for, with what the template needs to render controls and links.
    With `cap`, the count is capped (CappedPaginator, counted by `counter`); without, exact
    (`exact`: ExactPaginator, or OneScanPaginator)."""
    size = page_size(request)
    paginator = CappedPaginator(qs, size, cap=cap, counter=counter) if cap else exact(qs, size)
    page = paginator.get_page(page_number(request))
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


# --- what the two public listings (demands, offers) do the same way --------------------------------


class Listing(NamedTuple):
    """A public listing for one set of query parameters (`demands.selectors.listing`,
    `offerings.selectors.listing`): the page, its export and the export job all read it."""

    filterset: object
    qs: object  # filtered, searched and sorted
    sort: str
    text: str  # the words searched for


def chosen_sort(params, sorts, default):
    """The sort asked for (`?sort=`): `default` when none is, the first of `sorts` when it is unknown."""
    sort = params.get("sort") or default
    return sort if sort in sorts else next(iter(sorts))


def listing_page(request, template, found, sorts, rows):
    """The page of the listing `found` asked for, rendered with `template`. `rows(page_rows)` gets the
    page's rows as a list and returns them ready to show (marks, labels). Counted capped, a search by
    `capped_match_count`."""
    # Searches count capped (issue 15): exactly, 养老 at 1,000,000 demands took 2,190 ms (83,853
    # matches), 社区服务 1,614 ms; capped_match_count 217–342 and 191 ms, and at 100,000 demands 29 and
    # 40 ms against 59 and 111 ms exact; offers at 50,000: 134 and 56 ms against 227 and 150 ms for a
    # plain capped count (a sequential scan reading each offer's tsvector out of TOAST).
    counter = capped_match_count if found.text else capped_count
    context = paginate(request, found.qs, sorts, found.sort, cap=COUNT_CAP, counter=counter)
    context["page"].object_list = rows(list(context["page"].object_list))
    context.update({"filter": found.filterset, "q": found.text})
    return render(request, template, context)


def export_view(listing, *, job, title, response):
    """The view that writes a public listing to .xlsx (R-STA-3): `listing(request.GET).qs`, what the
    page shows and never contact details, as `response(qs, member_ids)` writes it; a background job
    (export `job`, shown as `title`) above JOB_EXPORT_ROWS rows; refused when this visitor exports too
    often."""

    def export(request):
        if export_throttled(request):
            return too_many_exports()
        qs = listing(request.GET).qs
        total = qs.count()
        if export_jobs.too_big(total):
            return export_jobs.start(request, job, title=title, total=total)
        return response(qs, member_organization_ids())

    return export
