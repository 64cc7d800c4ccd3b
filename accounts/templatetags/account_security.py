"""我的工作台's 账号安全 panel: the e-mail, password and second-factor pages, and the last successful
login with the failed attempts since (issue #14)."""

from django import template

from .. import permissions
from ..models import LoginEvent

register = template.Library()


@register.filter
def requires_mfa(user):
    return permissions.requires_mfa(user)


def login_summary(user):
    """The login before this one and the failed password attempts since it (oldest first)."""
    successes = list(
        LoginEvent.objects.filter(user=user, kind=LoginEvent.Kind.SUCCESS).order_by("-at", "-pk")[:2]
    )
    previous = successes[1] if len(successes) > 1 else None
    failures = LoginEvent.objects.filter(user=user, kind=LoginEvent.Kind.FAILURE)
    if previous is not None:
        failures = failures.filter(at__gt=previous.at)
    if successes:
        failures = failures.filter(at__lte=successes[0].at)
    failures = list(failures.order_by("at", "pk")[:20])
    return {"previous": previous, "failures": failures}


@register.inclusion_tag("account/_security_panel.html", takes_context=True)
def account_security_panel(context):
    user = context["user"]
    from allauth.mfa.models import Authenticator

    return {
        "user": user,
        "has_totp": Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
        "requires_mfa": permissions.requires_mfa(user),
        **login_summary(user),
    }
