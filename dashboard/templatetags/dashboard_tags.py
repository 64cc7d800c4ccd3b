import html
from decimal import Decimal

from django import template
from django.utils.formats import localize
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def cell(row, col):
    """One cell of a statistics table as shown: counts with separators, 万元 with two decimals,
    percentages with one, “—” where there is nothing to divide by."""
    value = row.get(col.key) if row else None
    if value is None:
        return "—"
    kind = col.kind
    if kind == "text":
        return value
    if kind == "int":
        return f"{value:,}"
    if kind == "wan":
        return f"{value:,.2f}"
    if kind == "pct":
        return f"{value}%"
    if kind == "ratio":
        return f"{value:.2f}"
    if kind == "score":
        return f"{value:.1f}"
    if kind == "num":
        return f"{value:,.2f}" if isinstance(value, Decimal) else f"{value:,}"
    return value


@register.filter
def row_cells(row, columns):
    """A table row's cells as `cell` shows them, the first as the row's header: the markup the
    template's loop over the columns wrote, built here (a district's page has some 2,400 cells,
    which cost about 40% of its rendering through the template engine)."""
    first, *others = columns
    parts = [f'<th scope="row" class="text-nowrap">{_shown(row, first)}</th>']
    parts += [f'<td class="text-end">{_shown(row, col)}</td>' for col in others]
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped by _shown


def _shown(row, col):
    """What `{{ row|cell:col }}` writes: localized and escaped (`conditional_escape`, without its
    checks for lazy strings: a cell is never one)."""
    value = cell(row, col)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(value if isinstance(value, str) else str(localize(value)))
