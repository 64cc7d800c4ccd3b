"""The admin site's half of accounts.permissions: a ModelAdmin base that scopes every
queryset, every object and every foreign-key choice to the administrator's district."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from portal import params
from portal.models import District, Street

from . import permissions
from .models import PurchaserUnit, SocialOrganization


class SafeHistoryAdmin(SimpleHistoryAdmin):
    """simple-history's page of one past version takes any path segment as the version's id: a
    relative link resolved under /history/ (…/history/password/) answered 500 on PostgreSQL. An id
    that is not a number is a missing page (portal.params decides what a number is)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if params.optional_id(version_id) is None:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedAdmin(SafeHistoryAdmin):
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

    # District filters mean nothing to a district administrator, who sees one district anyway.
    district_filters = ("district", "registration_district", "review_district")

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if permissions.is_district_admin(request.user):
            return [f for f in filters if f not in self.district_filters]
        return filters

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if permissions.is_district_admin(request.user):
            for name in self.district_fields:
                if name in form.base_fields:
                    form.base_fields[name].required = True
                    form.base_fields[name].empty_label = None
        return form

    def _current_in_scope(self, request, object_id):
        """History pages are judged by the object as it is now, never by an old version of it."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404("不存在或无权查看")
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self._current_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # History is read-only: an old version is shown, never saved back (R-GEN-2).
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        self._current_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

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
