from django.contrib import admin

from accounts.admin_scoping import ScopedAdmin

from .models import Offering


@admin.register(Offering)
class OfferingAdmin(ScopedAdmin):
    """Administrators see the offers of the organizations they register (drafts included);
    changes are made by the organization on the site, through the services that keep history."""

    list_display = ["title", "organization", "category", "status", "previously_purchased", "published_at"]
    list_filter = ["status", "previously_purchased", "citywide", "organization__registration_district"]
    search_fields = ["title", "organization__name"]
    list_select_related = ["organization", "category__parent"]
    district_filters = ("organization__registration_district",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
