"""The layout most tables of the statistics share: the rows' text label first, then the value
columns, and a chart of some of them (`table`)."""

from .tables import Col, Table


def table(key, title, label, columns, rows, *, chart="bar", series=(), **more):
    """A `Table` whose first column is the rows' text `label` and whose others are `columns` (`Col`s
    or (key, label[, kind]) tuples), charted as a `chart` of the columns `series` (no chart without
    any); `more` as in `Table` (total, note, sortable)."""
    return Table(
        key=key,
        title=title,
        columns=[Col("label", label, "text"), *(c if isinstance(c, Col) else Col(*c) for c in columns)],
        rows=rows,
        chart={"type": chart, "series": list(series)} if series else None,
        **more,
    )
