"""The result types of the statistics (a page is a `Dashboard` of `Table`s) and their number formats."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from portal import refdata

WAN = Decimal(10000)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
UNITS = {"int": "个", "wan": "万元", "pct": "%", "ratio": ""}


@dataclass(frozen=True)
class Params:
    year: int
    category: str = ""  # top-level category code ("01"), or "" for all
    level: str = ""  # UnitLevel value, or ""
    source: str = ""  # "", "platform" or "external"


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    kind: str = "int"  # text | int | wan (万元) | pct | ratio | score | num


@dataclass
class Table:
    key: str
    title: str
    columns: list
    rows: list = field(default_factory=list)
    total: dict | None = None
    note: str = ""
    chart: dict | None = None  # {"type": "bar" | "line" | "pie", "series": [column keys]}
    sortable: bool = False

    @property
    def label_column(self):
        return self.columns[0]

    @property
    def value_columns(self):
        return self.columns[1:]

    def sort_by(self, key):
        """Rows ordered by one column: numbers largest first, text in order; unknown keys ignored."""
        col = next((c for c in self.columns if c.key == key), None)
        if col is None or not self.sortable:
            return False
        if col.kind == "text":
            self.rows.sort(key=lambda r: str(r.get(key) or ""))
        else:
            self.rows.sort(key=lambda r: (r.get(key) is None, -(r.get(key) or 0)))
        return True

    def chart_data(self):
        if not self.chart:
            return None
        cols = {c.key: c for c in self.columns}
        label = self.label_column.key
        return {
            "id": self.key,
            "type": self.chart["type"],
            "title": self.title,
            "labels": [str(r[label]) for r in self.rows],
            "series": [
                {
                    "name": cols[k].label,
                    "unit": UNITS.get(cols[k].kind, ""),
                    "data": [_number(r.get(k)) for r in self.rows],
                }
                for k in self.chart["series"]
            ],
        }


@dataclass
class Dashboard:
    params: Params
    scope_label: str
    tables: list
    headline: list  # [(label, display value, unit, note)]
    edition_year: int | None = None
    cube: object = None  # demand_tables.DemandCube: the grouped demands the tables were summed from

    def table(self, key):
        return next((t for t in self.tables if t.key == key), None)

    def charts(self):
        return [c for c in (t.chart_data() for t in self.tables) if c]


def _number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def wan(amount):
    """元 → 万元, two decimals (half up)."""
    return ((amount or Decimal(0)) / WAN).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(numerator, denominator):
    if not denominator:
        return None
    return (Decimal(100) * numerator / denominator).quantize(TENTH, rounding=ROUND_HALF_UP)


def ratio(numerator, denominator):
    if not denominator:
        return None
    return (Decimal(numerator) / denominator).quantize(CENT, rounding=ROUND_HALF_UP)


def pct_text(value):
    return "—" if value is None else f"{value}%"


def grouped(qs, fields, measures, district_rows=None, categories=None):
    """One GROUP BY query: a dict per group of `fields`, with the aggregates `measures`.

    With `district_rows` (`districts()`), a district's code among `fields` ("unit__district__code")
    is grouped by its foreign key and named from those rows; with `categories` (`top_categories()`),
    "category__parent__code" is grouped by the category and named from its `parent_codes`. Either
    spares joining the reference table to every row (at city scale the joins and the sort of the
    codes cost 10–20 ms of a query). Several categories have one parent, so with `categories` a code
    may come in several rows: only for measures that add up (counts and sums, summed by `rollup`)."""
    names = {}
    if district_rows is not None:
        codes = {pk: code for pk, code, _ in district_rows}
        names |= {
            f: (f.removesuffix("__code") + "_id", codes) for f in fields if f.endswith("district__code")
        }
    if categories is not None and "category__parent__code" in fields:
        names["category__parent__code"] = ("category_id", categories.parent_codes)
    rows = list(
        qs.values(*(names[f][0] if f in names else f for f in fields)).annotate(**measures).order_by()
    )
    for row in rows:
        for name, (key, codes) in names.items():
            row[name] = codes.get(row.pop(key))
    return rows


def labelled(found, measures, labels):
    """{code: {measure: value}} as a row per (code, name) of `labels` (0 where a code has no
    group), and the rows' 合计."""
    rows = [
        {"label": name, **{m: (found.get(code) or {}).get(m, 0) for m in measures}} for code, name in labels
    ]
    return rows, {"label": "合计", **{m: sum(r[m] for r in rows) for m in measures}}


# --- reference data (one query each) ------------------------------------------------------------


class Categories(list):
    """The top-level categories as (code, name) in code order, and `parent_codes`: {category pk:
    its parent's code, None for a top-level one}, for `grouped`."""

    def __init__(self, rows):
        code_of = {pk: code for pk, _, code, _ in rows}
        super().__init__((code, name) for _, parent, code, name in rows if parent is None)
        self.parent_codes = {pk: code_of.get(parent) for pk, parent, _, _ in rows}


def top_categories():
    """Every category (51 rows, from portal/refdata.py), kept as `Categories`."""
    return Categories([(c.pk, c.parent_id, c.code, c.name) for c in refdata.categories()])


def districts():
    return [(d.pk, d.code, d.name) for d in refdata.districts()]
