"""法人一证通 (R-ACC-3): from an identity provider's claims to a unit and its account.

Protocol-free on purpose: the OpenID Connect client (accounts.yzt, through allauth) hands over a dict
of claims, and any other client (一网通办's OAuth-style legal-person redirect, say) can do the same.
The rules, once:
- the 统一社会信用代码 alone finds the unit: a purchaser unit or a social organization; never a name
  or an e-mail address;
- a code that fails GB 32100-2015, a code held by more than one unit, an inactive unit and a
  deactivated account are refused (`Refused`, with a Chinese message, logged);
- an unknown code creates nothing (`UnknownUnit`): the person is sent to 申请开通账号;
- the first login of an identity creates an account of that unit with the unit's role (or links the
  one account of the unit an administrator prepared with that 一证通 code), recorded in the history;
  later logins reuse it (the protocol client keeps the link, keyed by the provider's subject).
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from .models import PurchaserUnit, Role, SocialOrganization, User
from .validators import normalize_uscc, validate_uscc

logger = logging.getLogger("accounts.sso")


@dataclass(frozen=True)
class Identity:
    subject: str
    uscc: str
    name: str
    code: str
    is_legal_person: bool

    @property
    def capacity(self):
        return "legal" if self.is_legal_person else "agent"

    @property
    def capacity_label(self):
        return "法人" if self.is_legal_person else "办事人员"


class Refused(Exception):
    """The login is refused; `message` is shown to the person, `reason` goes to the log."""

    def __init__(self, message, reason):
        super().__init__(reason)
        self.message = message
        self.reason = reason


class UnknownUnit(Exception):
    def __init__(self, identity):
        super().__init__(identity.uscc)
        self.identity = identity


def identity_from_claims(subject, claims):
    """The claims of a legal-person identity, read with the claim names of the settings."""
    uscc = normalize_uscc(claims.get(settings.SSO_CLAIM_USCC) or "")
    capacity = str(claims.get(settings.SSO_CLAIM_CAPACITY) or "").strip()
    identity = Identity(
        subject=str(subject),
        uscc=uscc,
        name=str(claims.get(settings.SSO_CLAIM_NAME) or "").strip()[:100],
        code=str(claims.get(settings.SSO_CLAIM_CODE) or "").strip()[:64],
        is_legal_person=capacity in settings.SSO_LEGAL_PERSON_VALUES,
    )
    if not uscc:
        raise Refused("身份认证结果中没有统一社会信用代码，无法确定您所在的单位。", "no uscc claim")
    try:
        validate_uscc(uscc)
    except ValidationError as exc:
        raise Refused(
            f"法人一证通提供的统一社会信用代码 {uscc} 未通过校验（GB 32100-2015），无法登录。"
            "请联系一证通发证机构核实。",
            f"uscc {uscc!r} fails GB 32100-2015: {exc.messages[0]}",
        ) from exc
    if not identity.code:
        raise Refused("身份认证结果中没有一证通编号，无法登录。", "no certificate code claim")
    return identity


def find_unit(identity):
    """The one purchaser unit or social organization with this code (UnknownUnit / Refused otherwise)."""
    units = list(PurchaserUnit.objects.filter(uscc=identity.uscc)[:2]) + list(
        SocialOrganization.objects.filter(uscc=identity.uscc)[:2]
    )
    if not units:
        raise UnknownUnit(identity)
    if len(units) > 1:
        raise Refused(
            f"统一社会信用代码 {identity.uscc} 在平台上对应多个单位，无法确定以哪个单位登录。"
            "请联系市民政局平台管理员处理。",
            f"uscc {identity.uscc} is held by {len(units)} units",
        )
    unit = units[0]
    if isinstance(unit, PurchaserUnit) and not unit.is_active:
        raise Refused(f"{unit.name} 在平台上已停用，不能登录。", f"purchaser unit {unit.pk} inactive")
    return unit


def _unit_of(user):
    return user.purchaser_unit if user.role == Role.PURCHASER else user.organization


def check_existing(identity, user):
    """A later login: the account must still be active and still belong to the unit of the code."""
    if not user.is_active:
        raise Refused(
            "该账号已停用，不能登录。如有疑问请联系所在区的平台管理员。", f"user {user.pk} inactive"
        )
    unit = _unit_of(user)
    if unit is None or normalize_uscc(unit.uscc) != identity.uscc:
        raise Refused(
            "该一证通身份与平台上关联的单位不一致，已拒绝登录。请联系平台管理员核实。",
            f"user {user.pk} belongs to another unit than uscc {identity.uscc}",
        )
    find_unit(identity)  # the unit may have become ambiguous or inactive since
    return user


def account_for(identity):
    """The account the first login of `identity` uses: the prepared one of its unit, or a new one."""
    from . import services

    unit = find_unit(identity)
    field = "purchaser_unit" if isinstance(unit, PurchaserUnit) else "organization"
    prepared = list(User.objects.filter(**{field: unit}, sso_code=identity.code)[:2])
    if len(prepared) > 1:
        raise Refused(
            "本单位有多个账号登记了同一个一证通编号，无法确定使用哪个账号。请联系平台管理员处理。",
            f"{len(prepared)} accounts of {field} {unit.pk} carry sso_code {identity.code}",
        )
    if prepared:
        user = prepared[0]
        if not user.is_active:
            raise Refused(
                "该账号已停用，不能登录。如有疑问请联系所在区的平台管理员。", f"user {user.pk} inactive"
            )
        return services.sso_link_account(user=user, identity=identity)
    return services.sso_create_account(unit=unit, identity=identity)


def log_refusal(refused, identity=None, *, where=""):
    logger.warning(
        "法人一证通登录被拒绝%s：%s（统一社会信用代码 %s，一证通编号 %s）",
        where,
        refused.reason,
        getattr(identity, "uscc", "-"),
        getattr(identity, "code", "-"),
    )
