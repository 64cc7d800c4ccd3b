from django.contrib import admin

from accounts.admin_scoping import ScopedAdmin

from .models import Demand


@admin.register(Demand)
class DemandAdmin(ScopedAdmin):
    """Administrators see the demands of their scope here (drafts included); changes are made
    by the purchaser on the site, through the services that keep the history."""

    list_display = ["title", "unit", "district", "year", "budget", "status", "published_at", "source"]
    list_filter = ["status", "year", "plan_type", "unit__level", "district", "source"]
    search_fields = ["title", "unit__name"]
    list_select_related = ["unit", "district"]
    date_hierarchy = "published_at"
    district_filters = ("district", "unit__district")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
