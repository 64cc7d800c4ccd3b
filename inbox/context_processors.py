from .models import Notification


def unread(request):
    """The header's unread count: evaluated only when a page shows it (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"INBOX_UNREAD": lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()}
