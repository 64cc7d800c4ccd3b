"""移出已发布的目录 (issue 18): the city removes a member with a reason; the page shows why it may be
needed (its 失信记录) and what the public will see."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import permissions
from portal.errors import ServiceError

from . import services
from .forms import RemoveMemberForm
from .models import Application, AppStatus, EditionStatus


@login_required
@require_http_methods(["GET", "POST"])
@permissions.role_required(permissions.is_city_admin, refusal=Http404)
def remove_member(request, pk):
    application = get_object_or_404(
        Application.objects.select_related("organization", "edition"),
        pk=pk,
        status__in=(AppStatus.APPROVED, AppStatus.REMOVED),
        edition__status=EditionStatus.PUBLISHED,
    )
    form = RemoveMemberForm(request.POST or None)
    if application.status == AppStatus.APPROVED and request.method == "POST" and form.is_valid():
        try:
            services.member_remove(
                application=application, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, f"已将{application.organization.name}移出{application.edition.year}年度目录。"
            )
            return redirect("directory:edition", year=application.edition.year)
    credit_records = application.organization.credit_records.select_related("finding").order_by(
        "-recorded_on"
    )
    return render(
        request,
        "directory/remove_member.html",
        {"application": application, "form": form, "credit_records": list(credit_records)},
    )
