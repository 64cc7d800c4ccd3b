from decimal import Decimal

from django import template

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
