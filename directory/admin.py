from django.contrib import admin, messages
from django.template.response import TemplateResponse

from accounts.admin_scoping import CityOnlyAdmin, ScopedAdmin
from portal import transitions
from portal.errors import ServiceError

from . import selectors, services
from .models import Application, Edition, EditionStatus


@admin.register(Edition)
class EditionAdmin(CityOnlyAdmin):
    """The city opens, closes and publishes each year's edition (R-DIR-1); district admins may read."""

    list_display = ["year", "title_shown", "starts_on", "deadline", "status", "published_at"]
    fields = [
        "year",
        "title",
        "starts_on",
        "deadline",
        "requirements",
        "notice_url",
        "status",
        "published_at",
    ]
    readonly_fields = ["status", "published_at"]
    actions = ["start_collecting", "start_reviewing", "publish"]

    @admin.display(description="名称")
    def title_shown(self, obj):
        return obj.display_title

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "notice_url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        """A published edition is no longer changed."""
        return super().has_change_permission(request, obj) and (
            obj is None or obj.status != EditionStatus.PUBLISHED
        )

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def _advance(self, request, queryset, to):
        for edition in queryset:
            try:
                services.edition_advance(edition=edition, by=request.user, to=to)
            except ServiceError as exc:
                self.message_user(request, f"{edition.year}年度：{exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{edition.year}年度：已{transitions.moved_to(to)}。")

    @admin.action(description="开始征集（征集中）", permissions=["change"])
    def start_collecting(self, request, queryset):
        self._advance(request, queryset, EditionStatus.COLLECTING)

    @admin.action(description="结束征集，进入审核（审核中）", permissions=["change"])
    def start_reviewing(self, request, queryset):
        self._advance(request, queryset, EditionStatus.REVIEWING)

    @admin.action(description="发布目录（已发布）", permissions=["change"])
    def publish(self, request, queryset):
        """Before confirming, the city sees what changes for the public: which members of the current
        directory lose their 推荐目录 mark (issue 18)."""
        if request.POST.get("confirm") != "yes":
            editions = [(e, selectors.marks_lost_on_publishing(e)) for e in queryset.order_by("year")]
            context = {
                **self.admin_site.each_context(request),
                "title": "确认发布推荐目录",
                "editions": editions,
                "queryset": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            }
            return TemplateResponse(request, "admin/directory/edition/publish_confirm.html", context)
        self._advance(request, queryset, EditionStatus.PUBLISHED)


@admin.register(Application)
class ApplicationAdmin(ScopedAdmin):
    """Applications are reviewed on the site's review pages; here they can be searched and read."""

    list_display = ["organization", "edition", "status", "review_district", "submitted_at"]
    list_filter = ["edition", "status", "review_district"]
    search_fields = ["organization__name", "organization__uscc"]
    list_select_related = ["organization", "edition", "review_district"]
    exclude = ["recommendation_form"]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(status="draft")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
