"""SQL compiled once per shape (issue 15): the same statement but for its values, compiled by Django the
first time and then bound with each request's values. Building and compiling the ORM's queries was a
large part of a listing page's Python time (`SQLCompiler.as_sql`, `pre_sql_setup`, the capped count's
`get_aggregation`), for SQL that differs from request to request only in its parameters.

Two ways in, one memo:

- `compiled(key, build, stand_ins)`: `build(*stand_ins)` gives (sql, parameters[, extra]); each parameter
  is then known as a stand-in (one of `stand_ins`, or what `derivations` make of one: a LIKE pattern
  around it, its bigrams), or as the same for every value. `bind` puts each request's values in those
  places. The ranking's two queries (matching/ranking.py: stand-ins no row has) and the search's names
  query (portal/search.py: the first word of a shape stands in for the others) are compiled this way.
- `statement(qs)`, `fetch(qs)` and `scalar(...)`: a queryset built as before (its filters are the
  filterset's, the rules' querysets), its selected annotations and its WHERE compiled (the cheap part,
  which holds the request's values; once per queryset, for its page and its count), and the rest of its
  compiling (the columns, the joins of `select_related`, the order, the page's ids as a subquery, the
  capped count around it) taken from the first query of the same shape: the same annotation and WHERE
  text and the same structure (`_structure`). Kept only when Django's parameters for the whole
  statement were exactly those, in order (checked when the shape is first compiled); anything else
  (extra SQL, a combinator, an expression in the order, grouping) is compiled as before. The rows are
  made by Django's own iterable (model instances, values) from the compiled state kept with the SQL.

Values are always parameters, never SQL. The memo is per process and bounded (`LIMIT` shapes); it holds
SQL text and Django's compiled column lists, no rows.
"""

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections

LIMIT = 1000
KEPT = _KEPT = {}
_UNCACHEABLE = object()


def _keep(key, value):
    if len(_KEPT) >= LIMIT:
        _KEPT.clear()
    _KEPT[key] = value
    return value


def clear():
    _KEPT.clear()


def like_pattern(value, connection):
    """The parameter of `contains`/`icontains` for `value` (Django's PatternLookup: `%value%`, escaped)."""
    return f"%{connection.ops.prep_for_like_query(value)}%"


def _same(value, connection):
    return value


class Compiled:
    """SQL and, for each of its parameters, (stand-in index, derivation) or (None, the constant)."""

    __slots__ = ("sql", "slots", "extra")

    def __init__(self, sql, slots, extra):
        self.sql, self.slots, self.extra = sql, slots, extra

    def bind(self, values, connection):
        """(sql, parameters) for `values` (in the order of the stand-ins)."""
        return self.sql, [
            constant if place is None else constant(values[place], connection)
            for place, constant in self.slots
        ]


def _slots(params, stand_ins, derivations, connection):
    slots = []
    for param in params:
        slot = (None, param)
        for place, stand_in in enumerate(stand_ins):
            derived = next(
                (
                    derive
                    for derive in (_same, *derivations)
                    if type(made := derive(stand_in, connection)) is type(param) and made == param
                ),
                None,
            )
            if derived is not None:
                slot = (place, derived)
                break
        slots.append(slot)
    return slots


def compiled(key, build, stand_ins, connection, derivations=()):
    """The `Compiled` of `build(*stand_ins)`, built the first time `key` is asked for. `stand_ins` must
    be values no constant parameter of the SQL equals (negative ids, a word no other parameter holds)."""
    kept = _KEPT.get(key)
    if kept is None:
        sql, params, *extra = build(*stand_ins)
        kept = _keep(
            key,
            Compiled(sql, _slots(params, stand_ins, derivations, connection), extra[0] if extra else None),
        )
    return kept


# --- a queryset's statement kept per shape ----------------------------------------------------------


def _structure(query):
    """Everything of `query` but its WHERE and its selected annotations that its SQL depends on, or None
    when it has what this module does not keep (an annotation sorted by and not selected, extra SQL, a
    combinator, an expression in its order, grouping, a lock). An annotation used in a filter is in the
    compiled WHERE."""
    if (
        # An annotation sorted by but not selected is compiled into the ORDER BY: not kept. One neither
        # selected nor sorted by is no part of the SQL; a selected one is compiled by `shape`.
        any(name.lstrip("-") in _unselected(query) for name in query.order_by if isinstance(name, str))
        or query.extra
        or query.extra_select
        or query.combinator
        or query.select_for_update
        or query.group_by is not None
        or not all(isinstance(name, str) for name in query.order_by)
        or query.distinct_fields
    ):
        return None
    deferred, defer = query.deferred_loading
    return (
        query.model,
        tuple(
            (alias, join.identity, getattr(join, "join_type", None))
            for alias, join in query.alias_map.items()
        ),
        tuple(query.alias_refcount.items()),
        tuple(query.order_by),
        query.default_ordering,
        query.standard_ordering,
        query.low_mark,
        query.high_mark,
        query.distinct,
        repr(query.select_related),
        tuple(sorted(deferred)),
        defer,
        tuple(query.select),
        query.values_select,
        query.default_cols,
    )


def shape(qs):
    """(key, parameters, where) of `qs`: its selected annotations and its WHERE compiled (`parameters`:
    theirs, in the order of the statement's; `where`: the place of the WHERE's first), the rest of it as
    `_structure` sees it; None when it is not kept (see `_structure`) or its WHERE matches nothing
    (Django answers that without a query). Kept on `qs` for the next statement of the same queryset (a
    page and its count)."""
    found = qs.__dict__.get("_shape", _UNCACHEABLE)
    if found is _UNCACHEABLE:
        found = qs.__dict__["_shape"] = _shape(qs)
    return found


def _shape(qs):
    query = qs.query
    structure = _structure(query)
    if structure is None:
        return None
    compiler = query.get_compiler(qs.db)
    selected, params = [], []
    try:
        for alias, annotation in query.annotation_select.items():  # selected after the columns
            sql, annotation_params = annotation.select_format(compiler, *compiler.compile(annotation))
            selected.append((alias, sql))
            params.extend(annotation_params)
        try:
            where, where_params = compiler.compile(query.where)
        except FullResultSet:
            where, where_params = "", ()
    except EmptyResultSet:
        return None
    key = (qs.db, qs._iterable_class, structure, tuple(selected), where)
    return key, (*params, *where_params), len(params)


def _unselected(query):
    return query.annotations.keys() - query.annotation_select.keys()


def statement(qs, derive=None, name=""):
    """(sql, parameters) of `derive(qs)` (default: `qs`) as Django compiles it, the SQL compiled once per
    shape of `qs` and `name` (what `derive` makes of it: a statement without the annotations' parameters,
    say); raises EmptyResultSet as Django's compiler does."""
    found = shape(qs)
    if found is not None:
        key, params, where = found
        key = ("statement", name, key)
        kept = _KEPT.get(key)
        if kept is None:
            target = qs if derive is None else derive(qs)
            sql, compiled_params = target.query.get_compiler(target.db).as_sql()
            compiled_params = tuple(compiled_params)
            start = 0 if compiled_params == params else where if compiled_params == params[where:] else None
            _keep(key, _UNCACHEABLE if start is None else (sql, start))
            return sql, compiled_params
        if kept is not _UNCACHEABLE:
            return kept[0], params[kept[1] :]
    target = qs if derive is None else derive(qs)
    return target.query.get_compiler(target.db).as_sql()


def fetch(run, of=None, extra=()):
    """`list(run)`, its SQL compiled once per shape. `of`: the queryset whose WHERE carries all of `run`'s
    parameters (default `run`): `run` reads the page of `of` by id (`portal.listing.rows_of_page`), its
    WHERE a subquery of `of`'s; `extra`: what else `run` depends on (the page's slice). Django's
    compiling state (the columns read, the models and joins they fill) is kept with the SQL, and the
    rows are made as Django makes them (its iterable: model instances, values)."""
    found = shape(run if of is None else of)
    if found is None:
        return list(run)
    key, params, _ = found
    structure = _structure(run.query) if of is not None else ()
    if structure is None:
        return list(run)
    key = ("fetch", key, run._iterable_class, structure, extra)
    kept = _KEPT.get(key)
    if kept is None:
        compiler = run.query.get_compiler(run.db)
        try:
            sql, compiled_params = compiler.as_sql()
        except EmptyResultSet:
            return []
        if tuple(compiled_params) != params:
            _keep(key, _UNCACHEABLE)
            return list(run)
        kept = _keep(
            key,
            (
                sql,
                compiler.select,
                compiler.klass_info,
                compiler.annotation_col_map,
                compiler.col_count,
                compiler.has_extra_select,
            ),
        )
    elif kept is _UNCACHEABLE:
        return list(run)
    sql, select, klass_info, annotation_col_map, col_count, has_extra_select = kept
    compiler = run.query.get_compiler(run.db)
    compiler.select, compiler.klass_info, compiler.annotation_col_map = select, klass_info, annotation_col_map
    compiler.col_count, compiler.has_extra_select = col_count, has_extra_select
    compiler.as_sql = lambda *args, **kwargs: (sql, params)
    # The iterable asks the query for its compiler once: this one, compiled already.
    run.query.get_compiler = lambda *args, **kwargs: compiler
    try:
        return list(run)
    finally:
        del run.query.get_compiler


def scalar(qs, wrap, derive=None, name=""):
    """The first column of the one row of `wrap(sql)`, `sql` the statement of `derive(qs)` (`statement`);
    `wrap` adds no parameter. None when it matches nothing (Django answers that without a query)."""
    try:
        sql, params = statement(qs, derive, name)
    except EmptyResultSet:
        return None
    with connections[qs.db].cursor() as cursor:
        cursor.execute(wrap(sql), params)
        return cursor.fetchone()[0]
