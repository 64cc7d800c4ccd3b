from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html

from portal.errors import ServiceError

from . import admin_reference, permissions, services  # noqa: F401 - registers the reference data
from .admin_scoping import ScopedAdmin
from .models import AccountApplication, PurchaserUnit, SeriousDishonestyEntry, SocialOrganization, User
from .validators import validate_social_org_uscc


@admin.register(PurchaserUnit)
class PurchaserUnitAdmin(ScopedAdmin):
    list_display = ["name", "level", "district", "street", "uscc", "business_line", "is_active"]
    list_filter = ["level", "district", "is_active"]
    search_fields = ["name", "uscc", "business_line"]
    list_select_related = ["district", "street__district"]
    district_fields = ("district",)
    fields = [
        "name",
        "level",
        "district",
        "street",
        "uscc",
        "business_line",
        "contact_person",
        "contact_phone",
        "is_active",
    ]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "level" and permissions.is_district_admin(request.user):
            kwargs["choices"] = [c for c in db_field.choices if c[0] != "city"]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class SocialOrganizationForm(forms.ModelForm):
    class Meta:
        model = SocialOrganization
        fields = "__all__"  # noqa: DJ007 - SocialOrganizationAdmin.fields decides what is shown

    def clean(self):
        data = super().clean()
        if data.get("uscc"):
            try:
                validate_social_org_uscc(data["uscc"], data.get("org_type"))
            except ValidationError as exc:
                self.add_error("uscc", exc)
        return data


@admin.register(SocialOrganization)
class SocialOrganizationAdmin(ScopedAdmin):
    form = SocialOrganizationForm
    list_display = [
        "name",
        "uscc",
        "org_type",
        "registration_authority_display",
        "district",
        "credit_status_display",
    ]
    list_filter = ["org_type", "registration_district", "district", "on_serious_list", "registration_status"]
    search_fields = ["name", "uscc"]
    list_select_related = ["registration_district", "district"]
    district_fields = ("registration_district",)
    readonly_fields = ["credit_status_display"]
    fields = [
        "name",
        "uscc",
        "org_type",
        "registration_district",
        "district",
        "founded_on",
        "business_scope",
        "contact_person",
        "contact_phone",
        "contact_email",
        "address",
        "registration_status",
        "credit_status_display",
    ]

    @admin.display(description="登记管理机关")
    def registration_authority_display(self, obj):
        return obj.registration_authority

    @admin.display(description="信用状态")
    def credit_status_display(self, obj):
        return obj.credit_status if obj.pk else "—"


class ListSeriousForm(forms.ModelForm):
    class Meta:
        model = SeriousDishonestyEntry
        fields = ["organization", "listed_on", "reason"]

    def clean(self):
        data = super().clean()
        org = data.get("organization")
        if org is not None and org.dishonesty_entries.filter(removed_on__isnull=True).exists():
            self.add_error("organization", f"{org.name} 已在严重失信名单中。")
        if not (data.get("reason") or "").strip():
            self.add_error("reason", "列入严重失信名单必须填写原因。")
        return data


class DelistSeriousForm(forms.ModelForm):
    class Meta:
        model = SeriousDishonestyEntry
        fields = ["removed_on", "removal_reason"]

    def clean(self):
        data = super().clean()
        if not data.get("removed_on"):
            self.add_error("removed_on", "请填写移出日期。")
        if not (data.get("removal_reason") or "").strip():
            self.add_error("removal_reason", "请填写移出原因。")
        if data.get("removed_on") and data["removed_on"] < self.instance.listed_on:
            self.add_error("removed_on", "移出日期不能早于列入日期。")
        return data


@admin.register(SeriousDishonestyEntry)
class SeriousDishonestyEntryAdmin(ScopedAdmin):
    """列入 is an add, 移出 is filling in the removal of an open entry; both go through services."""

    list_display = ["organization", "listed_on", "reason", "removed_on", "listed_by"]
    list_filter = ["removed_on"]
    search_fields = ["organization__name", "organization__uscc", "reason"]
    list_select_related = ["organization", "listed_by"]
    # The entry's district is its organization's, so nothing is forced on the form itself.
    district_fields = ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = DelistSeriousForm if obj is not None else ListSeriousForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["organization", "listed_on", "reason"]
        if obj.removed_on is None:
            return ["organization", "listed_on", "reason", "listed_by", "removed_on", "removal_reason"]
        return [
            "organization",
            "listed_on",
            "reason",
            "listed_by",
            "removed_on",
            "removal_reason",
            "removed_by",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.removed_on is None:
            return ["organization", "listed_on", "reason", "listed_by"]
        return self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.removed_on is None)

    def save_model(self, request, obj, form, change):
        try:
            if change:
                services.organization_delist_serious(
                    entry=obj, by=request.user, removed_on=obj.removed_on, reason=obj.removal_reason
                )
            else:
                saved = services.organization_list_serious(
                    organization=obj.organization, by=request.user, listed_on=obj.listed_on, reason=obj.reason
                )
                obj.pk = saved.pk
        except ServiceError as exc:
            messages.error(request, exc.message)
            raise _Abort from exc

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Abort:
            from django.shortcuts import redirect

            return redirect(request.get_full_path())


class _Abort(Exception):
    pass


class PortalUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = (
            "username",
            "full_name",
            "role",
            "district",
            "purchaser_unit",
            "organization",
            "phone",
            "email",
        )


class PortalUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    list_display = ["username", "full_name", "role", "district", "unit_display", "is_active", "last_login"]
    list_filter = ["role", "district", "is_active"]
    search_fields = ["username", "full_name", "email", "phone"]
    list_select_related = ["district", "purchaser_unit", "organization"]
    ordering = ["username"]
    district_fields = ()
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("身份", {"fields": ["full_name", "phone", "email"]}),
        ("角色与所属", {"fields": ["role", "district", "purchaser_unit", "organization"]}),
        ("状态", {"fields": ["is_active", "must_change_password", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "usable_password", "password1", "password2"]}),
        ("身份", {"fields": ["full_name", "phone", "email"]}),
        ("角色与所属", {"fields": ["role", "district", "purchaser_unit", "organization"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    @admin.display(description="单位或组织")
    def unit_display(self, obj):
        return obj.purchaser_unit or obj.organization or "—"

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return permissions.is_admin(request.user)
        return permissions.can_manage_user(request.user, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            allowed = permissions.assignable_roles(request.user)
            kwargs["choices"] = [("", "---------")] + [c for c in db_field.choices if c[0] in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district" and permissions.is_district_admin(request.user):
            from portal.models import District

            kwargs["queryset"] = District.objects.filter(pk=request.user.district_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.derive_district()
        if not permissions.can_manage_user(request.user, obj):
            # Only reachable by a crafted request: the role choices and unit lists are already scoped.
            raise PermissionDenied
        if not change:
            obj.must_change_password = True
        super().save_model(request, obj, form, change)


@admin.register(AccountApplication)
class AccountApplicationAdmin(ScopedAdmin):
    """Applications are reviewed on the site's own pages; here they can be searched and read."""

    list_display = [
        "number",
        "unit_name",
        "kind",
        "uscc",
        "review_authority",
        "status",
        "submitted_at",
        "review_link",
    ]
    list_filter = ["status", "kind", "review_district"]
    search_fields = ["number", "unit_name", "uscc", "contact_person"]
    list_select_related = ["review_district"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="审核")
    def review_link(self, obj):
        return format_html(
            '<a href="{}">打开审核页</a>', reverse("accounts:application_detail", args=[obj.pk])
        )
