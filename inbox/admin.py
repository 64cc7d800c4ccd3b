"""The outbox in the admin site: the city administrator sees every e-mail that waits or keeps failing,
and can send a failed one again. Nobody else sees it (addresses are personal data)."""

from django.contrib import admin, messages

from accounts import permissions

from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipients", "status", "attempts", "last_error", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]
    actions = ["retry"]

    @admin.display(description="收件人")
    def recipients(self, obj):
        return "、".join(obj.to)

    def has_module_permission(self, request):
        return permissions.is_city_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_city_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="重新发送所选邮件", permissions=["view"])
    def retry(self, request, queryset):
        if not permissions.is_city_admin(request.user):
            return
        from .mail import enqueue

        ids = list(queryset.exclude(status=OutgoingEmail.Status.SENT).values_list("pk", flat=True))
        OutgoingEmail.objects.filter(pk__in=ids).update(
            status=OutgoingEmail.Status.PENDING, attempts=0, next_attempt_at=None
        )
        enqueue(ids)
        self.message_user(request, f"已重新排队 {len(ids)} 封邮件。", messages.SUCCESS)
