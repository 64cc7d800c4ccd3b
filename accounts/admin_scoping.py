"""The admin site's half of accounts.permissions: a ModelAdmin base that scopes every
queryset, every object and every foreign-key choice to the administrator's district."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.models import District, Street

from . import permissions
from .models import PurchaserUnit, SocialOrganization


class ScopedAdmin(SimpleHistoryAdmin):
    """City administrators see every row, district administrators their district's, nobody else any.

    `district_fields`: the form fields that must name the administrator's own district
    (for a district administrator they offer only that district and are required).
    Rows are never deleted from the admin site (R-GEN-2).
    """

    district_fields = ()

    def get_queryset(self, request):
        return permissions.scope_to(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return permissions.is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_admin(request.user) and (obj is None or permissions.in_scope(request.user, obj))

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return permissions.is_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if permissions.is_district_admin(request.user):
            for name in self.district_fields:
                if name in form.base_fields:
                    form.base_fields[name].required = True
                    form.base_fields[name].empty_label = None
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        user = request.user
        if permissions.is_district_admin(user):
            model = db_field.related_model
            if model is District and db_field.name in self.district_fields:
                kwargs["queryset"] = District.objects.filter(pk=user.district_id)
            elif model is Street:
                kwargs["queryset"] = Street.objects.filter(district_id=user.district_id).select_related(
                    "district"
                )
            elif model in (PurchaserUnit, SocialOrganization):
                kwargs["queryset"] = permissions.scope_to(user, model.objects.all())
        elif db_field.related_model is Street:
            kwargs["queryset"] = Street.objects.select_related("district")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if permissions.is_district_admin(request.user):
            for name in self.district_fields:
                setattr(obj, f"{name}_id", request.user.district_id)
        super().save_model(request, obj, form, change)


class CityOnlyAdmin(admin.ModelAdmin):
    """Reference data: every administrator may read it, only the city changes it."""

    def has_module_permission(self, request):
        return permissions.is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_city_admin(request.user)

    def has_add_permission(self, request):
        return permissions.is_city_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.disable_action("delete_selected")
