from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import mfa, permissions

# Paths a user who must change the password may still reach.
_ALLOWED_NAMES = ("account_change_password", "account_logout")


class ForcePasswordChangeMiddleware:
    """A new account must set its own password before doing anything else (R-ACC-2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse(name) for name in _ALLOWED_NAMES}
            static_prefixes = ("/static/",)
            if request.path not in allowed and not request.path.startswith(static_prefixes):
                return redirect("account_change_password")
        return self.get_response(request)


class RequireAdminMFAMiddleware:
    """City and district administrators and the monitor set up a second factor (TOTP) before the
    admin site, the supervision, review and statistics pages (issue #14, accounts.mfa)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not mfa.is_protected(request.resolver_match):
            return None
        if not permissions.requires_mfa(user) or request.session.get(mfa.SESSION_KEY) == user.pk:
            return None
        if mfa.has_totp(user):
            request.session[mfa.SESSION_KEY] = user.pk
            return None
        messages.warning(
            request,
            "为了账号安全，市、区级管理员和内容监测员须先设置身份验证器（第二因素），"
            "然后才能使用管理后台以及监督、审核和统计页面。",
        )
        return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
