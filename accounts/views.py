from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portal import antispam
from portal.errors import ServiceError

from . import permissions, selectors, services
from .forms import AccountApplicationForm, ApplicationLookupForm, ApproveForm, RejectForm
from .models import AccountApplication

SESSION_SUBMITTED = "application_submitted_number"


@require_http_methods(["GET", "POST"])
def apply(request):
    """申请开通账号 (R-ACC-2): public form, routed to the responsible administrator. After a
    法人一证通 login of a unit the platform does not know, the name and code come filled in."""
    from .adapters import SSO_APPLY_SESSION_KEY

    prefill = request.session.get(SSO_APPLY_SESSION_KEY) or {}
    form = AccountApplicationForm(request.POST or None, initial=prefill)
    if request.method == "POST" and antispam.limited(
        request, "account-application", "ACCOUNT_APPLICATION_RATE_LIMIT"
    ):
        form.add_error(None, "今天从您所在网络提交的申请已达上限，请明天再试；也可拨打 962200 咨询。")
    elif request.method == "POST" and form.is_valid():
        try:
            app = services.application_submit(application=form.save(commit=False))
            antispam.counted(request, "account-application", "ACCOUNT_APPLICATION_RATE_LIMIT")
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            request.session[SESSION_SUBMITTED] = app.number
            request.session.pop(SSO_APPLY_SESSION_KEY, None)
            return redirect("accounts:apply_submitted")
    return render(request, "accounts/apply.html", {"form": form, "from_sso": bool(prefill)})


@login_required
@require_http_methods(["GET", "POST"])
def password_set(request):
    """A 法人一证通 account never gets a local password (issue #14); others use allauth's page."""
    from allauth.account.views import password_set as allauth_password_set

    if request.user.is_sso_account:
        return render(request, "account/sso_no_password.html", status=403)
    return allauth_password_set(request)


def apply_submitted(request):
    number = request.session.get(SESSION_SUBMITTED)
    if not number:
        return redirect("accounts:apply")
    app = AccountApplication.objects.select_related("review_district").filter(number=number).first()
    if app is None:
        raise Http404
    return render(request, "accounts/apply_submitted.html", {"application": app})


def apply_status(request):
    """An applicant looks up its application with the number and its USCC."""
    form = ApplicationLookupForm(request.GET or None)
    application = None
    searched = False
    if request.GET and form.is_valid():
        searched = True
        application = (
            AccountApplication.objects.select_related("review_district")
            .filter(number=form.cleaned_data["number"], uscc=form.cleaned_data["uscc"])
            .first()
        )
    return render(
        request,
        "accounts/apply_status.html",
        {"form": form, "application": application, "searched": searched},
    )


@login_required
@permissions.role_required(permissions.is_admin)
def application_list(request):
    status = request.GET.get("status", AccountApplication.Status.PENDING)
    if status not in AccountApplication.Status.values and status != "all":
        status = AccountApplication.Status.PENDING
    scoped = permissions.scope_to(request.user, AccountApplication.objects.all())
    counts = scoped.aggregate(
        **{s: Count("pk", filter=Q(status=s)) for s in AccountApplication.Status.values}, all=Count("pk")
    )
    rows = scoped.select_related("district", "review_district", "reviewed_by")
    if status != "all":
        rows = rows.filter(status=status)
    flagged = set(rows.uscc_held_under_another_name().values_list("pk", flat=True))
    tabs = [(value, label, counts[value]) for value, label in AccountApplication.Status.choices]
    tabs.append(("all", "全部", counts["all"]))
    return render(
        request,
        "accounts/application_list.html",
        {"applications": rows[:200], "status": status, "tabs": tabs, "flagged": flagged},
    )


@login_required
@require_http_methods(["GET", "POST"])
@permissions.role_required(permissions.is_admin)
def application_detail(request, pk):
    app = permissions.get_in_scope_or_404(
        request.user,
        AccountApplication.objects.select_related("district", "street", "review_district", "reviewed_by"),
        pk=pk,
    )
    conflict = selectors.uscc_conflict(app, request.user)
    holder = conflict["holder"] if conflict and app.status == AccountApplication.Status.PENDING else None
    approve_form = ApproveForm(initial={"username": app.username}, holder=holder, application=app)
    reject_form = RejectForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                approve_form = ApproveForm(request.POST, holder=holder, application=app)
                if approve_form.is_valid():
                    user, password = services.application_approve(
                        application=app,
                        by=request.user,
                        username=approve_form.cleaned_data["username"],
                        confirmed_existing=approve_form.cleaned_data.get("confirm_existing", False),
                    )
                    # The initial password is shown once, in this response, and stored nowhere in clear.
                    response = render(
                        request,
                        "accounts/application_approved.html",
                        {"application": app, "new_user": user, "initial_password": password},
                    )
                    response["Cache-Control"] = "no-store"
                    return response
            elif action == "reject":
                reject_form = RejectForm(request.POST)
                if reject_form.is_valid():
                    services.application_reject(
                        application=app, by=request.user, reason=reject_form.cleaned_data["reason"]
                    )
                    messages.success(request, f"已退回申请 {app.number}，申请人查询时可以看到原因。")
                    return redirect("accounts:application_list")
            else:
                messages.error(request, "未知的操作，请重新选择“通过”或“不予通过”。")
        except ServiceError as exc:
            messages.error(request, exc.message)
            app.refresh_from_db()
    return render(
        request,
        "accounts/application_detail.html",
        {"application": app, "approve_form": approve_form, "reject_form": reject_form, "conflict": conflict},
    )
