"""The published directory's filters (R-DIR-4), shared by the page's FilterSet users (the open-data API):
the conditions themselves are `selectors.filter_members`, which the edition page also calls."""

import django_filters

from demands.filters import category_choices, district_filter, once

from . import selectors


class MemberFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="年度", field_name="edition__year")
    category = django_filters.ChoiceFilter(label="项目类别", method="filter_nothing", empty_label="全部类别")
    district = district_filter("所在区", method="filter_nothing")
    q = django_filters.CharFilter(label="关键词", method="filter_nothing")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["category"].extra["choices"] = once(category_choices)

    def filter_nothing(self, qs, name, value):
        return qs  # applied together in filter_queryset: one DISTINCT at most

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
