"""The form renderer writes <select> in Python (portal/form_renderer.py, issue 15): same markup as Django's templates."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from demands.filters import DemandFilter
from demands.models import Demand
from portal.form_renderer import FastSelectRenderer, KeptSelect
from portal.models import Category


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


class Inputs(forms.Form):
    required_css_class = "required"
    amount = forms.DecimalField(
        label="预算不低于（元）", min_value=0, widget=forms.NumberInput(attrs={"step": 1000})
    )
    name = forms.CharField(label='名称 "甲" & <乙>', max_length=5)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    email = forms.EmailField(label="邮箱?", required=False)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


@pytest.mark.parametrize(
    ("data", "auto_id"),
    [
        (None, "id_%s"),
        ({"amount": "-5", "name": "<script>长名称过长", "email": "x"}, "id_%s"),
        ({"amount": "12", "name": "甲", "date": "2026-01-02"}, False),
    ],
)
def test_labels_inputs_and_errors_match_django_templates(data, auto_id):
    fast = Inputs(data, auto_id=auto_id, renderer=FastSelectRenderer())
    slow = Inputs(data, auto_id=auto_id, renderer=DjangoTemplates())
    for name in fast.fields:
        assert fast[name].label_tag() == slow[name].label_tag()
        assert fast[name].label_tag(attrs={"class": "form-label"}, label_suffix="：") == slow[name].label_tag(
            attrs={"class": "form-label"}, label_suffix="："
        )
        assert str(fast[name]) == str(slow[name])
        assert fast[name].as_widget(attrs={"class": "form-control", "aria-invalid": "true"}) == slow[
            name
        ].as_widget(attrs={"class": "form-control", "aria-invalid": "true"})
        assert str(fast[name].errors) == str(slow[name].errors)
    assert str(fast) == str(slow)  # the whole form through div.html, every field's group
    if data and auto_id:
        assert 'value="&lt;script&gt;长名称过长"' in str(fast["name"]) and "<ul" in str(fast["name"].errors)


@pytest.mark.django_db
def test_listed_district_choices_equal_django_filters_and_follow_the_table():
    import django_filters
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from demands.filters import ListedModelChoiceFilter
    from portal.models import District

    def choices(filter_class, **extra):
        field = filter_class(
            queryset=District.objects.order_by("code"), empty_label="全市各区", **extra
        ).field
        return [(str(value), label) for value, label in field.choices]

    for extra in ({}, {"null_label": "未填写"}):
        assert choices(ListedModelChoiceFilter, **extra) == choices(django_filters.ModelChoiceFilter, **extra)
    District.objects.create(code="319999", name="测试新区")
    listed = ListedModelChoiceFilter(queryset=District.objects.all(), empty_label="全市各区").field
    with CaptureQueriesContext(connection) as queries:
        labels = [label for _, label in listed.choices]
    assert "测试新区" in labels and labels[0] == "全市各区"
    assert len(queries) == 1 and "DECLARE" not in queries[0]["sql"].upper()


KEPT_PARAMS = [
    {},
    {"category": "01"},
    {"category": "0302", "status": "awarded"},
    {"category": "nope", "year": "1900", "budget_min": "-1"},
    {"category": "", "district": "abc"},
]


def filter_form_html(data):
    form = DemandFilter(data or None, queryset=Demand.objects.all()).form
    form.is_valid()
    return [(str(form[name]), str(form[name].errors), form[name].label_tag()) for name in form.fields]


@pytest.mark.django_db
@pytest.mark.parametrize("data", KEPT_PARAMS)
def test_the_kept_category_select_renders_as_a_plain_select(data, monkeypatch):
    """portal/form_renderer.KeptSelect: the same HTML computed, then kept, then without keeping."""
    first, kept = filter_form_html(data), filter_form_html(data)
    monkeypatch.setattr(KeptSelect, "render", forms.Select.render)
    assert first == kept == filter_form_html(data)
    if data.get("category") == "01":
        assert '<option value="01" selected>养老服务（全部）</option>' in kept[0][0]


@pytest.mark.django_db
def test_the_kept_category_select_follows_a_renamed_category():
    before = filter_form_html({"category": "01"})[0][0]
    row = Category.objects.get(code="01")
    row.name = "为老服务"
    row.save()
    after = filter_form_html({"category": "01"})[0][0]
    assert '<optgroup label="养老服务">' in before
    assert '<optgroup label="为老服务">' in after
    assert '<option value="01" selected>为老服务（全部）</option>' in after
