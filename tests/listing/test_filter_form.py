"""The listings' filter forms take the fields their filterset made for them (`CategoryFilterSet.form`,
issue 15) instead of a deep copy: the same validation, values, errors and markup as django_filters'
own form, and no field shared between two filtersets."""

import django_filters
import pytest
from django.http import QueryDict

from demands.filters import DemandFilter
from demands.models import Demand
from directory.filters import MemberFilter
from directory.models import Application
from offerings.filters import OfferingFilter
from offerings.models import Offering
from tests.factories import district

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


def test_each_form_has_fields_of_its_own():
    """The fields are those of the filterset's filters, not shared with another filterset's form."""
    first = DemandFilter(QueryDict("category=01"), queryset=Demand.objects.all())
    second = DemandFilter(QueryDict("category=02"), queryset=Demand.objects.all())
    assert first.form.fields["category"] is first.filters["category"].field
    assert all(first.form.fields[name] is not second.form.fields[name] for name in first.form.fields)
    assert first.form.is_valid() and second.form.is_valid()
    assert (first.form.cleaned_data["category"], second.form.cleaned_data["category"]) == ("01", "02")


def test_the_directory_form_renders_unbound_as_before():
    ours = MemberFilter(queryset=Application.objects.none())
    stock = MemberFilter(queryset=Application.objects.none())
    assert str(ours.form) == str(_stock_form(stock))
