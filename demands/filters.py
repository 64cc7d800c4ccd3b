import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import UnitLevel
from portal import refdata
from portal.form_renderer import KeptSelect
from portal.models import Category, District
from portal.refdata import category_rows

from .models import PLATFORM_SOURCE, Status


def once(function):
    """`function`'s result, computed the first time it is asked for and then kept: the choices of a
    FilterSet cost their query only if the form is validated against them or rendered."""
    kept = []

    def get():
        if not kept:
            kept.append(function())
        return kept[0]

    return get


class ListedChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """A ModelChoiceFilter's choices read with one plain query. Django's reads them with `.iterator()`, a
    server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE): for the 16 districts 0.95 ms of CPU per
    rendered form against 0.55 ms (issue 15). Same choices, same order, still one query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.field.listed() if self.queryset is self.field.queryset else list(self.queryset):
            yield self.choice(obj)


def whole_table(qs):
    """Whether `qs` is every row of its table in the default order (not narrowed, sorted, cut or annotated)."""
    query = qs.query
    return not (query.where.children or query.order_by or query.is_sliced or query.annotations or query.extra)


class ListedModelChoiceField(django_filters.fields.ModelChoiceField):
    """The choices read once per form: a value is validated against the rows the form then renders
    (Django's field reads the chosen row again by its id: one query more on every filtered page)."""

    iterator = ListedChoiceIterator

    def __init__(self, *args, rows=None, **kwargs):
        self.rows = rows  # a callable giving the rows of the whole table in its order (portal/refdata.py)
        super().__init__(*args, **kwargs)

    def listed(self):
        kept = self.__dict__.get("_listed")
        if kept is None or kept[0] is not self.queryset:
            rows = self.rows() if self.rows is not None and whole_table(self.queryset) else self.queryset
            kept = self.__dict__["_listed"] = (self.queryset, list(rows))
        return kept[1]

    def to_python(self, value):
        if (
            value in self.empty_values
            or self.to_field_name
            or (self.null_label is not None and value == self.null_value)
        ):
            return super().to_python(value)
        self.validate_no_null_characters(value)
        invalid = ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )
        try:
            pk = self.queryset.model._meta.pk.to_python(value)
        except ValidationError:
            raise invalid from None
        for obj in self.listed():
            if obj.pk == pk:
                return obj
        raise invalid


class ListedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """django_filters' ModelChoiceFilter whose rendered choices cost one plain query (ListedChoiceIterator)."""

    field_class = ListedModelChoiceField


def district_filter(label="服务区域", **kwargs):
    """A 区 filter: its choices every district, read from the reference-data memo (no query)."""
    return ListedModelChoiceFilter(
        label=label, queryset=District.objects.all(), rows=refdata.districts, empty_label="全市各区", **kwargs
    )


def category_q(code, rows=None):
    """A category filter value: a top-level code (two digits) means the whole field, else the category.
    With `rows` (`category_rows`), the ids spelled out; else `category_id IN (SELECT id …)`. Spelled
    out, PostgreSQL knows how many categories they are: told one for the subquery (养老服务 has five),
    it planned a search's text and name matches once per category (社区服务 in 养老服务 at 100,000
    demands: the count 78 ms, the page 68 ms; issue 15). Either way the (district, category) index
    answers it."""
    if rows is not None:
        if len(code) <= 2:
            parents = {pk for pk, row_code, *_ in rows if row_code == code}
            ids = [pk for pk, _, _, parent_id, _ in rows if parent_id in parents]
        else:
            ids = [pk for pk, row_code, *_ in rows if row_code == code]
        return Q(category__in=ids)
    ids = Category.objects.filter(**({"parent__code": code} if len(code) <= 2 else {"code": code}))
    return Q(category__in=ids.values("pk"))


def category_choices(rows=None):
    """Top-level areas and their sub-areas in one list: "养老服务（全部）" then its children. Read as
    plain rows, without a join or model instances: every listing and search page asks for it (1.2 ms of
    CPU instead of 2.3 per page on the city-scale data, issue 15). `rows`: `category_rows()` already read."""
    rows = [row[:4] for row in (category_rows() if rows is None else rows) if row[4]]
    choices = []
    for top_pk, top_code, top_name, _ in (row for row in rows if row[3] is None):
        group = [(top_code, f"{top_name}（全部）")]
        group += [(code, name) for _, code, name, parent_id in rows if parent_id == top_pk]
        choices.append((top_name, group))
    return choices


def year_choices():
    """The years that have demands, newest first. A loose index scan (one probe of the year index per
    year) rather than DISTINCT over every row: at 100,000 demands 0.3 ms instead of 15–30 ms on every
    listing page (bench/README.md, "City scale"). Same result on SQLite and PostgreSQL."""
    from django.db import connections, router

    from .models import Demand

    connection = connections[router.db_for_read(Demand)]  # a raw query: the replica when routed there
    table = connection.ops.quote_name(Demand._meta.db_table)
    year = connection.ops.quote_name(Demand._meta.get_field("year").column)
    sql = (
        f"WITH RECURSIVE y(v) AS (SELECT MAX({year}) FROM {table} "
        f"UNION ALL SELECT (SELECT MAX({year}) FROM {table} WHERE {year} < y.v) FROM y WHERE y.v IS NOT NULL) "
        "SELECT v FROM y WHERE v IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        years = [row[0] for row in cursor.fetchall()]
    return [(str(y), f"{y}年") for y in years]


def _budget_filter(label, lookup_expr):
    """A bound on the budget in 元 (whole numbers, in steps of 1,000 on the page)."""
    return django_filters.NumberFilter(
        label=label,
        field_name="budget",
        lookup_expr=lookup_expr,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "step": 1000}),
    )


class CategoryFilterSet(django_filters.FilterSet):
    """The 项目类别 filter of both listings (demands, offers) and of what extends them (the API, the
    subscriptions): its choices and its ids from one read of the categories (`category_rows`)."""

    category = django_filters.ChoiceFilter(
        label="项目类别",
        method="filter_category",
        empty_label="全部类别",
        widget=KeptSelect(version=refdata.tag),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = once(category_rows)
        self.filters["category"].extra["choices"] = once(lambda: category_choices(self.categories()))

    def filter_category(self, qs, name, value):
        return qs.filter(category_q(value, self.categories()))

    @property
    def form(self):
        """django_filters' form with the fields it made for it, not a deep copy of them. Its class and
        fields are new for each filterset (`get_form_class`: each filter's field, the filters themselves
        deep-copied per filterset), so the copy Django's form makes of a class's fields, against their
        being shared by many forms, was a second build of the same fields (issue 15: the demand
        listing's filterset built and validated in 0.51 ms of CPU against 0.72, its 8 fields and their
        choices copied no more). No other form is made from that class."""
        if not hasattr(self, "_form"):
            form_class = self.get_form_class()
            fields, form_class.base_fields = form_class.base_fields, {}
            form = (
                form_class(self.data, prefix=self.form_prefix)
                if self.is_bound
                else form_class(prefix=self.form_prefix)
            )
            form.fields = fields
            self._form = form
        return self._form


class DemandFilter(CategoryFilterSet):
    # By default the listing shows what is still useful: not the cancelled ones. The open-data API
    # (a subclass) lists them too, so that a consumer keeping a copy learns of a cancellation.
    hide_cancelled_by_default = True

    district = district_filter()
    year = django_filters.ChoiceFilter(label="年度", empty_label="全部年度")
    budget_min = _budget_filter("预算不低于（元）", "gte")
    budget_max = _budget_filter("预算不高于（元）", "lte")
    status = django_filters.ChoiceFilter(
        label="状态",
        choices=[(s.value, s.label) for s in Status if s != Status.DRAFT],
        empty_label="进行中和已完成",
    )
    level = django_filters.ChoiceFilter(
        label="购买主体层级", field_name="unit__level", choices=UnitLevel.choices, empty_label="全部层级"
    )
    source = django_filters.ChoiceFilter(
        label="信息来源",
        method="filter_source",
        choices=[("platform", "本平台发布"), ("external", "其他平台导入")],
        empty_label="全部来源",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self.filters["year"], django_filters.ChoiceFilter):
            # The listing offers the years that have demands; the API (opendata/filters.py) takes any.
            self.filters["year"].extra["choices"] = once(year_choices)

    def filter_source(self, qs, name, value):
        # R-INT-1: projects taken in from other platforms (the finance department's 政府购买服务管理平台…)
        if value == "platform":
            return qs.filter(source=PLATFORM_SOURCE)
        return qs.exclude(source=PLATFORM_SOURCE)

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        if self.hide_cancelled_by_default and not self.form.cleaned_data.get("status"):
            qs = qs.exclude(status=Status.CANCELLED)
        return qs
