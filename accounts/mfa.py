"""The second factor (allauth.mfa, TOTP) that administrators and the monitor must use (issue #14).

`permissions.requires_mfa(user)` says who; `PROTECTED_NAMESPACES` / `PROTECTED_URL_NAMES` say
before which pages: the admin site, every supervision page, the review pages (推荐目录 review,
账号开通申请, 留言 moderation) and the statistics dashboard. accounts.middleware applies it.
"""

from allauth.mfa.models import Authenticator

PROTECTED_NAMESPACES = {"admin", "supervision"}
PROTECTED_URL_NAMES = {
    "directory:review_list",
    "directory:review",
    "accounts:application_list",
    "accounts:application_detail",
    "notices:moderation",
    "notices:moderate",
    "dashboard:stats",
    "dashboard:stats_export",
    "demands:external_import",
}
# Checked once per session, so that the protected pages keep a fixed number of queries; a reset of
# the second factor by an administrator clears it (accounts.services.admin_reset_mfa).
SESSION_KEY = "accounts_mfa_ok"


def is_protected(resolver_match):
    if resolver_match is None:
        return False
    if set(resolver_match.namespaces) & PROTECTED_NAMESPACES:
        return True
    return resolver_match.view_name in PROTECTED_URL_NAMES


def has_totp(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def activate_totp(user, secret):
    """Give `user` a TOTP authenticator with a known secret (seed_demo and tests); recovery codes too."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    Authenticator.objects.filter(user=user).delete()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
