"""The listings' filter forms take the fields their filterset made for them (`CategoryFilterSet.form`,
issue 15) instead of a deep copy, made once per reference-data version and shared: the same validation,
values, errors and markup as django_filters' own form, and no field changed by a form."""

import copy

import django_filters
import pytest
from django import forms
from django.http import QueryDict

from demands.filters import DemandFilter
from demands.models import Demand
from directory.filters import MemberFilter
from directory.models import Application
from offerings.filters import OfferingFilter
from offerings.models import Offering
from portal import refdata
from portal.models import Category
from tests.factories import DemandFactory, district

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "district={huangpu}&category=01",
    "category=0103&year=2024&budget_min=1000&budget_max=50000",
    "district=999&category=zz&budget_min=abc&status=nothing",
    "status=awarded&level=district&source=external",
]


def _stock_form(filterset):
    """The form django_filters itself makes (Django deep-copies the class's fields)."""
    return django_filters.FilterSet.form.fget(filterset)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("filterset_class, model", [(DemandFilter, Demand), (OfferingFilter, Offering)])
def test_the_form_validates_and_renders_as_django_filters_form(query, filterset_class, model):
    params = QueryDict(query.format(huangpu=district("黄浦区").pk))
    ours = filterset_class(params or None, queryset=model.objects.all())
    stock = filterset_class(params or None, queryset=model.objects.all())
    form, reference = ours.form, _stock_form(stock)
    assert form.is_valid() == reference.is_valid()
    assert form.errors == reference.errors
    if form.is_bound:
        assert form.cleaned_data == reference.cleaned_data
        assert list(ours.qs) == list(stock.qs)
    assert str(form) == str(reference)
    assert list(form.fields) == list(reference.fields)


def test_forms_share_their_fields_and_read_each_reference_data_version():
    """The fields are made once per FilterSet class and shared by every form (`shared_form_class`), read
    only: each form validates its own values; the years, read from the demands, are each form's own;
    a new reference-data version (a category added on another host) is what the next form validates
    and renders, through the same fields."""
    year = DemandFactory().year
    first = DemandFilter(QueryDict(f"category=01&year={year}"), queryset=Demand.objects.all())
    second = DemandFilter(QueryDict("category=0199&year=1900"), queryset=Demand.objects.all())
    assert first.form.fields["category"] is second.form.fields["category"]
    assert first.form.fields["district"] is second.form.fields["district"]
    assert first.form.fields["year"] is not second.form.fields["year"]
    assert first.form.fields["year"].widget is not second.form.fields["year"].widget
    assert first.form.fields is not second.form.fields
    assert not second.form.is_valid() and first.form.is_valid()
    assert first.form.cleaned_data["category"] == "01"
    assert set(second.form.errors) == {"category", "year"}
    Category.objects.create(code="0199", name="新的养老类别", parent=Category.objects.get(code="01"))
    refdata.bump()  # the version another host's commit gives
    third = DemandFilter(QueryDict("category=0199"), queryset=Demand.objects.all())
    assert third.form.fields["category"] is first.form.fields["category"]
    assert third.form.is_valid(), third.form.errors
    assert '<option value="0199" selected>新的养老类别</option>' in str(third.form["category"])


@pytest.mark.parametrize("filterset_class, model", [(DemandFilter, Demand), (OfferingFilter, Offering)])
def test_validating_and_rendering_change_no_shared_field(filterset_class, model):
    """What a form does with its fields (validate, render, report errors) leaves the shared fields as
    they were, once what they keep (the districts read, the set of valid categories) is kept."""

    def state(fields):
        return [
            (name, repr(sorted(vars(field).items())), repr(sorted(vars(field.widget).items())))
            for name, field in fields.items()
        ]

    def use_every_query():
        for query in QUERIES:
            form = filterset_class(
                QueryDict(query.format(huangpu=district("黄浦区").pk)), model.objects.all()
            ).form
            form.is_valid()
            str(form), [form[name].as_widget(attrs={"class": "form-select"}) for name in form.fields]

    use_every_query()
    shared = filterset_class.shared_form_class(model).shared_fields
    before = state(shared)
    use_every_query()
    assert state(shared) == before


def test_each_filterset_has_filters_of_its_own_as_django_filters_copies_them():
    """`own_filters`: each filter copied for its FilterSet (its parent, the model, its own `extra`), the
    class's filters unchanged; the rows filtered are those django_filters' deep copies filter."""
    params = QueryDict(f"category=01&district={district('黄浦区').pk}&source=external&budget_min=5")
    ours = DemandFilter(params, queryset=Demand.objects.all())
    stock = DemandFilter(params, queryset=Demand.objects.all())
    stock.filters = copy.deepcopy(DemandFilter.base_filters)
    for filter_ in stock.filters.values():
        filter_.model, filter_.parent = Demand, stock
    stock.filters["category"].extra["choices"] = ours.filters["category"].extra["choices"]
    for name, filter_ in ours.filters.items():
        assert filter_ is not DemandFilter.base_filters[name]
        assert filter_.parent is ours and filter_.model is Demand
        assert filter_.extra is not DemandFilter.base_filters[name].extra
        assert filter_.label == stock.filters[name].label
    assert "choices" not in DemandFilter.base_filters["category"].extra
    assert str(ours.qs.query) == str(stock.qs.query)


@pytest.mark.parametrize(
    "value", ["01", "0101", "养老服务", "养老服务（全部）", "zz", "01 ", "1", "０１", "None"]
)
def test_the_category_is_checked_as_django_checks_a_choice(value):
    kept = DemandFilter(queryset=Demand.objects.all()).form.fields["category"]
    stock = forms.ChoiceField(choices=kept.choices)
    assert kept.valid_value(value) == stock.valid_value(value)
    assert kept.valid_value(value) == stock.valid_value(value)  # the kept set, asked again


def test_the_directory_form_renders_unbound_as_before():
    ours = MemberFilter(queryset=Application.objects.none())
    stock = MemberFilter(queryset=Application.objects.none())
    assert str(ours.form) == str(_stock_form(stock))
