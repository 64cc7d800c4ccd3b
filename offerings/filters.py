from django.db.models import Q

from demands.filters import CategoryFilterSet, district_filter, fixed_choice_filter
from portal.directory_members import member_applications


def serves_district_q(district):
    """An offer serves a district if it names it or serves the whole city."""
    return Q(citywide=True) | Q(service_district_codes__contains=district.code)


class OfferingFilter(CategoryFilterSet):
    district = district_filter(method="filter_district")
    previously_purchased = fixed_choice_filter(
        label="曾被政府购买",
        choices=[("yes", "是"), ("no", "否")],
        empty_label="不限",
        method="filter_purchased",
    )

    directory_member = fixed_choice_filter(
        label="推荐目录成员", choices=[("yes", "是")], empty_label="不限", method="filter_member"
    )

    def filter_district(self, qs, name, value):
        return qs.filter(serves_district_q(value))

    def filter_purchased(self, qs, name, value):
        return qs.filter(previously_purchased=(value == "yes"))

    def filter_member(self, qs, name, value):
        members = member_applications().values("organization_id")  # Application.objects.members()
        if value == "no":  # offered by the open-data API (opendata/filters.py), not by the page
            return qs.exclude(organization_id__in=members)
        return qs.filter(organization_id__in=members)
