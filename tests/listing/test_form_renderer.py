"""The form renderer writes <select> in Python (portal/form_renderer.py, issue 15): same markup as Django's templates."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from demands.filters import DemandFilter
from demands.models import Demand
from portal.form_renderer import FastSelectRenderer


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "全部"), ("a", "甲 & <乙>"), ("b", "丙")], required=False)
    grouped = forms.ChoiceField(
        choices=[("", "全部类别"), ("养老服务", [("01", "养老服务（全部）"), ("0101", '居家"养老"')])],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[("1", "一"), ("2", "二")], required=False)


@pytest.mark.parametrize("data", [{}, {"plain": "a", "grouped": "0101", "many": ["1", "2"]}, {"plain": "x"}])
def test_fast_select_matches_django_templates(data):
    fast = Sample(data or None, renderer=FastSelectRenderer())
    slow = Sample(data or None, renderer=DjangoTemplates())
    for name in ("plain", "grouped", "many"):
        attrs = {"class": "form-select", "aria-invalid": "true", "disabled": False, "required": True}
        assert fast[name].as_widget(attrs=attrs) == slow[name].as_widget(attrs=attrs)


@pytest.mark.django_db
def test_demand_filter_form_renders_the_same():
    data = {"category": "01", "status": "published", "level": "city"}
    fast = DemandFilter(data, queryset=Demand.objects.all()).form
    fast.renderer = FastSelectRenderer()
    slow = DemandFilter(data, queryset=Demand.objects.all()).form
    slow.renderer = DjangoTemplates()
    for name in fast.fields:
        assert str(fast[name]) == str(slow[name])
