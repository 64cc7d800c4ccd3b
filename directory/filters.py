"""The published directory's filters (R-DIR-4), shared by the page's FilterSet users (the open-data API):
the conditions themselves are `selectors.filter_members`, which the edition page also calls. The
edition page writes its 项目类别 and 所在区 `<select>`s from this form, as the demand and offer listings
do (the category's HTML kept per reference-data version, `KeptSelect`; the districts from the memo)."""

import django_filters

from demands.filters import CategoryFilterSet, district_filter

from . import selectors
from .models import Application


class MemberFilter(CategoryFilterSet):
    year = django_filters.NumberFilter(label="年度", field_name="edition__year")
    district = district_filter("所在区", method="filter_nothing")
    q = django_filters.CharFilter(label="关键词", method="filter_nothing")

    def filter_nothing(self, qs, name, value):
        return qs  # applied together in filter_queryset: one DISTINCT at most

    filter_category = filter_nothing

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        district = data.get("district")
        return selectors.filter_members(
            qs,
            category=data.get("category") or None,
            district=district.pk if district else None,
            text=data.get("q") or "",
        )


def selects(category, district):
    """The edition page's 项目类别 and 所在区 `<select>`s (class form-select, ids id_category and
    id_district) with `category` (a code, as given) and `district` (an id or None) chosen. Rendered
    only, not validated: a value that names nothing selects no option, as before."""
    form = MemberFilter(queryset=Application.objects.none()).form  # unbound: no validation, no errors
    form.initial = {"category": category, "district": district}
    return {name: form[name].as_widget(attrs={"class": "form-select"}) for name in ("category", "district")}
