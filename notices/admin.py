"""留言 on the admin site: read-only, scoped like the moderation pages (a district administrator its
district's messages, the city all); moderation itself happens on the site's 留言审核 page."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from accounts import permissions
from accounts.admin_scoping import SafeHistoryAdmin

from .models import Message


@admin.register(Message)
class MessageAdmin(SafeHistoryAdmin):
    list_display = ["number", "subject", "district_label", "status", "created_at", "moderate_link"]
    list_filter = ["status"]
    search_fields = ["number", "subject", "body"]
    list_select_related = ["district"]

    def get_queryset(self, request):
        return permissions.messages_moderated_by(request.user, super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_module_permission(self, request):
        return permissions.can_moderate_messages(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_moderate_messages(request.user) and (
            obj is None or permissions.can_moderate_message(request.user, obj)
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="所属区")
    def district_label(self, obj):
        return obj.district.name if obj.district_id else "全市/市级"

    @admin.display(description="处理")
    def moderate_link(self, obj):
        return format_html('<a href="{}">打开处理页</a>', reverse("notices:moderate", args=[obj.pk]))
