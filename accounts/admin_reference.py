"""The admin site for reference data (区, 街镇, 项目类别, 购买服务类型): it is kept by the administrators, so
it is registered here, above the bottom layer that defines the tables."""

from django.contrib import admin

from portal.models import Category, District, PurchaseType, Street

from .admin_scoping import CityOnlyAdmin, ScopedAdmin


@admin.register(District)
class DistrictAdmin(CityOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


@admin.register(Street)
class StreetAdmin(ScopedAdmin):
    list_display = ["name", "kind", "district", "is_active"]
    list_filter = ["district", "kind", "is_active"]
    search_fields = ["name"]
    list_select_related = ["district"]
    district_fields = ("district",)


@admin.register(Category)
class CategoryAdmin(CityOnlyAdmin):
    list_display = ["code", "name", "parent", "is_active"]
    list_filter = ["parent", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]


@admin.register(PurchaseType)
class PurchaseTypeAdmin(CityOnlyAdmin):
    list_display = ["code", "name", "allowed", "note"]
