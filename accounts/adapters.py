"""allauth's adapters for the platform: no self-registration, the one client-address helper for
allauth's rate limits, and 法人一证通 logins mapped to units by accounts.sso."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from portal.http import client_ip

from . import login_limits, sso

logger = logging.getLogger("accounts.sso")

# The name and code of an unknown unit, carried to 申请开通账号 (accounts.views.apply).
SSO_APPLY_SESSION_KEY = "sso_apply_prefill"


class PortalAccountAdapter(DefaultAccountAdapter):
    """No self-registration (R-ACC-1): accounts are opened by administrators, by an approved
    application or by a first 法人一证通 login of a known unit."""

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        return client_ip(request)

    # Wrong passwords: the platform's own limits per (address, username) pair, address and username
    # (accounts/login_limits.py) instead of allauth's login_failed (settings.ACCOUNT_RATE_LIMITS).
    def pre_authenticate(self, request, **credentials):
        message = login_limits.refusal(request, credentials.get("username"))
        if message:
            raise ValidationError(message)

    def authentication_failed(self, request, **credentials):
        login_limits.failed(request, credentials.get("username"))


# Kept for settings written before issue #14.
ClosedSignupAdapter = PortalAccountAdapter


def refusal_response(request, message, status=403):
    return render(request, "socialaccount/refused.html", {"message": message}, status=status)


class PortalSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        # Accounts are made by accounts.sso in pre_social_login, never by allauth's signup form.
        return False

    def pre_social_login(self, request, sociallogin):
        account = sociallogin.account
        data = account.extra_data or {}
        claims = data.get("userinfo") or data.get("id_token") or {}
        identity = None
        try:
            identity = sso.identity_from_claims(account.uid, claims)
            if sociallogin.is_existing:
                sso.check_existing(identity, sociallogin.user)
            else:
                sociallogin.connect(request, sso.account_for(identity))
        except sso.UnknownUnit as exc:
            logger.info(
                "法人一证通：统一社会信用代码 %s 在平台上没有单位，转到申请开通账号", exc.identity.uscc
            )
            request.session[SSO_APPLY_SESSION_KEY] = {
                "unit_name": exc.identity.name,
                "uscc": exc.identity.uscc,
            }
            raise ImmediateHttpResponse(redirect(reverse("accounts:apply") + "?from=sso")) from exc
        except sso.Refused as exc:
            sso.log_refusal(exc, identity)
            raise ImmediateHttpResponse(refusal_response(request, exc.message)) from exc

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        logger.warning("法人一证通登录失败（%s）：%r", error, exception)


class PortalMFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "验证码不正确或已过期，请输入身份验证器当前显示的6位数字。",
        "cannot_delete_authenticator": "管理员和内容监测员必须使用第二因素，不能自行停用；更换手机请联系市民政局平台管理员重置。",
    }

    def get_totp_label(self, user):
        return user.username

    def can_delete_authenticator(self, authenticator):
        from . import permissions

        return not permissions.requires_mfa(authenticator.user)
