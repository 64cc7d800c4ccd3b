from allauth.account.signals import password_changed, password_reset
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import Signal, receiver

from portal.http import client_ip

from . import mfa, permissions
from .models import LoginEvent, User

# Sent inside the decision's transaction with `application` and `user` (the new account, or None when
# rejected); the layers above tell the applicant (inbox/receivers.py).
account_application_decided = Signal()


@receiver(password_changed)
def clear_first_login_flag(sender, request, user, **kwargs):
    # The account's other sessions end by themselves: each session carries a hash of the password
    # (django.contrib.auth), and allauth keeps only the current one up to date.
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])


@receiver(password_reset)
def clear_first_login_flag_on_reset(sender, request, user, **kwargs):
    clear_first_login_flag(sender, request, user)


def _address(request):
    address = client_ip(request) if request is not None else ""
    return address or None


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    method = "sso" if kwargs.get("sociallogin") is not None or _via_sso(request) else "password"
    LoginEvent.objects.create(
        user=user, kind=LoginEvent.Kind.SUCCESS, address=_address(request), method=method
    )
    # Checked once here, so that the pages behind the second factor cost no extra query (accounts.mfa).
    session = getattr(request, "session", None)
    if session is not None and permissions.requires_mfa(user) and mfa.has_totp(user):
        session[mfa.SESSION_KEY] = user.pk


def _via_sso(request):
    methods = getattr(request, "session", {}).get("account_authentication_methods", []) if request else []
    return bool(methods) and methods[-1].get("method") == "socialaccount"


@receiver(user_login_failed)
def record_failed_login(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username")
    if not username:
        return
    user = User.objects.filter(username__iexact=username).first()
    if user is not None:
        LoginEvent.objects.create(
            user=user, kind=LoginEvent.Kind.FAILURE, address=_address(request), method="password"
        )
