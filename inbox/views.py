from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from portal.paging import filtered_page

from . import services
from .models import Kind, Notification


@login_required
def notification_list(request):
    qs = Notification.objects.filter(recipient=request.user)
    show = request.GET.get("show", "")
    if show == "unread":
        qs = qs.filter(read_at__isnull=True)
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    filters = {"show": show, "kind": kind}
    context = filtered_page(request, qs, filters)
    total = context["page"].paginator.count
    return render(request, "inbox/list.html", {**context, **filters, "kinds": Kind.choices, "total": total})


@login_required
def notification_detail(request, pk):
    # Someone else's notification does not exist for this user.
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(note)
    link = note.link if url_has_allowed_host_and_scheme(note.link, allowed_hosts=None) else ""
    return render(request, "inbox/detail.html", {"note": note, "link": link})


@login_required
@require_POST
def read_all(request):
    count = services.mark_all_read(request.user)
    messages.success(request, f"已将 {count} 条站内信标为已读。" if count else "没有未读的站内信。")
    return redirect("inbox:list")
