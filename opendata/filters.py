"""The open-data listings filter through the pages' FilterSets (demands/filters.py, offerings/filters.py,
directory/filters.py): each condition is written once there. The API's subclasses change only what its
published contract reads differently: any four-digit year (not only the years that have demands),
several statuses at once, the exact source name, the cancelled demands listed by default, and
`directory_member=false`."""

import django_filters
from django import forms

from demands.filters import DemandFilter
from demands.models import Status as DemandStatus
from directory.filters import MemberFilter
from offerings.filters import OfferingFilter
from portal.models import District

from .params import find_district


class DistrictCodeOrNameField(forms.ModelChoiceField):
    """The API names a district by its 区划代码 or its name (the page's form sends its id)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        district = find_district(str(value))
        if district is None:
            raise forms.ValidationError("服务区域不存在。", code="invalid_choice")
        return district


class DistrictFilter(django_filters.ModelChoiceFilter):
    field_class = DistrictCodeOrNameField


class DemandApiFilter(DemandFilter):
    hide_cancelled_by_default = False
    district = DistrictFilter(queryset=District.objects.all())
    year = django_filters.NumberFilter(field_name="year")
    status = django_filters.MultipleChoiceFilter(
        choices=[(s.value, s.label) for s in DemandStatus if s != DemandStatus.DRAFT], distinct=False
    )
    source = django_filters.CharFilter(field_name="source")


class OfferingApiFilter(OfferingFilter):
    district = DistrictFilter(queryset=District.objects.all(), method="filter_district")
    directory_member = django_filters.ChoiceFilter(
        choices=[("yes", "是"), ("no", "否")], method="filter_member"
    )


class MemberApiFilter(MemberFilter):
    district = DistrictFilter(queryset=District.objects.all(), method="filter_nothing")
