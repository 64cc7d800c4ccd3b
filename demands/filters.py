import copy
from collections import OrderedDict

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import UnitLevel
from portal import refdata
from portal.form_renderer import KeptSelect, fixed
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
    """A value validated against the rows the form renders (Django's field reads the chosen row again by
    its id: one query more on every filtered page): the whole table from the reference-data memo (`rows`,
    the same rows for the whole request), else one query each time they are read. Nothing is kept on the
    field, which the forms of every request share (`CategoryFilterSet.shared_form_class`)."""

    iterator = ListedChoiceIterator

    def __init__(self, *args, rows=None, **kwargs):
        self.rows = rows  # a callable giving the rows of the whole table in its order (portal/refdata.py)
        super().__init__(*args, **kwargs)

    def listed(self):
        if self.rows is not None and whole_table(self.queryset):
            return self.rows()
        return list(self.queryset.all())  # a clone: the shared field's queryset keeps no rows

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
    """A 区 filter: its choices every district, read from the reference-data memo (no query), its `<select>`
    kept per reference-data version."""
    return ListedModelChoiceFilter(
        label=label,
        queryset=District.objects.all(),
        rows=refdata.districts,
        empty_label="全市各区",
        widget=KeptSelect(version=refdata.tag),
        **kwargs,
    )


def per_version(function):
    """`function`'s result, computed once per reference-data version (`refdata.tag`) and asked for each
    time: the choices of a filter that come from reference data, in a field shared by the forms of every
    version. Outside a shared version (this thread's writes pending, a replica-routed request) computed
    each time."""
    kept = {}

    def get():
        with refdata.held():  # outside a request, one comparison of the version for the tag and `function`
            tag = refdata.tag()
            if tag is None:
                return function()
            if tag not in kept:
                kept.clear()
                kept[tag] = function()
            return kept[tag]

    return get


def fixed_choice_filter(**kwargs):
    """A ChoiceFilter on choices written in the code (statuses, levels, yes or no): its `<select>`'s HTML
    kept for each value (`KeptSelect`)."""
    return django_filters.ChoiceFilter(widget=KeptSelect(version=fixed), **kwargs)


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


class KeptChoiceField(django_filters.fields.ChoiceField):
    """django_filters' ChoiceField whose `valid_value` looks the value up in the set of its choices' values,
    made once per choices version (`version`, a callable: `refdata.tag`; None: Django's walk): Django
    walks every choice, the 项目类别's ~100 through two iterators on each page that filters by one
    (issue 15). Same answers as Django's for a text value (tests/listing/test_filter_form.py)."""

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version

    def valid_value(self, value):
        version = self.version()
        if version is None:
            return super().valid_value(value)
        kept = self.__dict__.get("_values")
        if kept is None or kept[0] != version:
            values = set()
            for key, label in self.choices:
                if isinstance(label, (list, tuple)):  # an optgroup: its options, not its name
                    values.update(str(inner) for inner, _ in label)
                else:
                    values.add(str(key))
            kept = self.__dict__["_values"] = (version, frozenset(values))
        return str(value) in kept[1]


class KeptChoiceFilter(django_filters.ChoiceFilter):
    field_class = KeptChoiceField


_FORM_CLASSES = {}  # (FilterSet class, model) → its form class with shared fields


def own_filters(base_filters, filterset):
    """`filterset`'s own copies of the class's `base_filters`, as django_filters' deep copy gives them (each
    with the model and `parent`), shallow: each filter's `extra` is its own dict (its `choices` are set per
    FilterSet) and its `method` bound to the copy, its widget, choices and queryset shared (read only: the
    form's fields are `shared_form_class`'s). Deep-copying the 8 filters of the demand listing, their
    widgets, choice lists and querysets, was about 0.2 ms of CPU per request (issue 15)."""
    model = filterset.queryset.model
    filters = OrderedDict()
    for name, base in base_filters.items():
        filter_ = copy.copy(base)
        filter_.__dict__.pop("_field", None)  # a field made from the class's filter: made again if asked
        filter_.extra = dict(base.extra)
        filter_.method = base.method  # a method named by the filter: looked up on the copy's parent
        filter_.model, filter_.parent = model, filterset
        filters[name] = filter_
    return filters


def with_choices(field, choices):
    """A copy of the shared `field` (and of its widget) with `choices` of its own, the rest shared."""
    field = copy.copy(field)
    field.widget = copy.copy(field.widget)
    field.choices = choices
    return field


class CategoryFilterSet(django_filters.FilterSet):
    """The 项目类别 filter of both listings (demands, offers) and of what extends them (the API, the
    subscriptions): its choices and its ids from one read of the categories (`category_rows`).

    Its form's class and fields are made once per FilterSet class and model (`shared_form_class`) and
    shared by the forms of every request, read only: what they read from reference data is read per
    version when asked (`version_choices`, `per_version`; the districts from the memo; the kept
    `<select>`s and sets of valid values keyed by `refdata.tag`), choices read from the records per
    request on a copy of the field (`request_choices`). Its filters' fields must not depend on the
    request otherwise (a queryset given as a callable of the request would be read once)."""

    category = KeptChoiceFilter(
        label="项目类别",
        method="filter_category",
        empty_label="全部类别",
        version=refdata.tag,
        widget=KeptSelect(version=refdata.tag),
    )

    def __init__(self, *args, **kwargs):
        self.base_filters = {}  # django_filters deep-copies these for each FilterSet: `own_filters` instead
        super().__init__(*args, **kwargs)
        del self.base_filters
        self.filters = own_filters(type(self).base_filters, self)
        self.categories = once(category_rows)
        self.choices_read = self.request_choices()  # this request's: the form's and the filters' own
        # django_filters' own shape (`self.filters[name].field`, `get_form_class`) keeps its choices.
        for name, choices in {**self.version_choices(), **self.choices_read}.items():
            self.filters[name].extra["choices"] = choices

    @classmethod
    def version_choices(cls):
        """{filter name: choices} of the filters whose choices come from reference data."""
        return {"category": per_version(category_choices)}

    def request_choices(self):
        """{filter name: choices} of the filters whose choices are read from the records on each request."""
        return {}

    def filter_category(self, qs, name, value):
        return qs.filter(category_q(value, self.categories()))

    @classmethod
    def shared_form_class(cls, model):
        """django_filters' form class for this FilterSet on `model` (`get_form_class`), with its fields in
        `shared_fields` and none in `base_fields`, made once. Made per request, the class
        (DeclarativeFieldsMetaclass), its filters' deep copies and its fields cost more than validating
        and rendering the form (issue 15). Making it reads nothing (no reference data: the API's list
        without filters reads none)."""
        key = (cls, model)
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            filters = copy.deepcopy(cls.base_filters)
            for name, choices in cls.version_choices().items():
                filters[name].extra["choices"] = choices
            for filter_ in filters.values():
                filter_.model = model  # a filter without a label is named from the model's field
            fields = {name: filter_.field for name, filter_ in filters.items()}
            form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
            form_class.shared_fields, form_class.base_fields = form_class.base_fields, {}
            _FORM_CLASSES[key] = form_class
        return form_class

    @property
    def form(self):
        """django_filters' form (the same fields, validation and markup) on the shared fields of
        `shared_form_class`, each field with its `request_choices` copied for this form alone. Django's
        form would deep-copy its class's fields: nothing here changes a field once it is made."""
        if not hasattr(self, "_form"):
            form_class = self.shared_form_class(self.queryset.model)
            form = (
                form_class(self.data, prefix=self.form_prefix)
                if self.is_bound
                else form_class(prefix=self.form_prefix)
            )
            fields = dict(form_class.shared_fields)
            for name, choices in self.choices_read.items():
                fields[name] = with_choices(fields[name], choices)
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
    status = fixed_choice_filter(
        label="状态",
        choices=[(s.value, s.label) for s in Status if s != Status.DRAFT],
        empty_label="进行中和已完成",
    )
    level = fixed_choice_filter(
        label="购买主体层级", field_name="unit__level", choices=UnitLevel.choices, empty_label="全部层级"
    )
    source = fixed_choice_filter(
        label="信息来源",
        method="filter_source",
        choices=[("platform", "本平台发布"), ("external", "其他平台导入")],
        empty_label="全部来源",
    )

    def request_choices(self):
        if isinstance(self.base_filters["year"], django_filters.ChoiceFilter):
            # The listing offers the years that have demands; the API (opendata/filters.py) takes any.
            return {"year": once(year_choices)}
        return {}

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
