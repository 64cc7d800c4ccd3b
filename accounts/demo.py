"""Demo accounts' security for `make run` (issue #14): the administrators and the monitor get an
authenticator with the published DEMO_TOTP_SECRET (add it to any authenticator app, or read the
current code with `python manage.py demo_totp`), and every demo account a verified e-mail address
so that 忘记密码 can be tried (the console e-mail backend prints the message)."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from . import mfa, permissions
from .models import User

DEMO_TOTP_SECRET = "GXPTDEMOSHANGHAIMZJQWEXY"  # base32; for the demo data only, never in production
DEMO_EMAIL_DOMAIN = "demo.gxpt.example"


def current_code(secret=DEMO_TOTP_SECRET):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def seed(usernames):
    """Idempotent. Returns how many authenticators were added."""
    added = 0
    for user in User.objects.filter(username__in=usernames):
        if permissions.requires_mfa(user) and not Authenticator.objects.filter(user=user).exists():
            mfa.activate_totp(user, DEMO_TOTP_SECRET)
            added += 1
        email = f"{user.username}@{DEMO_EMAIL_DOMAIN}"
        if not EmailAddress.objects.filter(user=user).exists():
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            User.objects.filter(pk=user.pk, email="").update(email=email)
    return added
