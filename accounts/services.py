"""Every write on accounts that is more than a form save. One transaction each; history kept
by django-simple-history with the acting user recorded (R-GEN-2)."""

import secrets
import string

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import transitions
from portal.errors import ServiceError

from . import permissions
from .models import AccountApplication, PurchaserUnit, Role, SeriousDishonestyEntry, SocialOrganization, User
from .signals import account_application_decided

_PASSWORD_ALPHABET = "".join(ch for ch in string.ascii_letters + string.digits if ch not in "0O1lI")


def generate_initial_password(length=12):
    """A random password that is easy to read out over the phone: letters and digits, no look-alikes."""
    while True:
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        if (
            any(c.isdigit() for c in password)
            and any(c.islower() for c in password)
            and any(c.isupper() for c in password)
        ):
            return password


def _by(obj, user):
    obj._history_user = user
    return obj


def _required_reason(reason, message):
    """The reason, stripped; a ServiceError saying `message` when there is none."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(message)
    return reason


def _locked_in_scope(model, obj, by):
    """`obj` read again and locked for the write; PermissionDenied outside `by`'s scope."""
    obj = model.objects.select_for_update().get(pk=obj.pk)
    if not permissions.in_scope(by, obj):
        raise PermissionDenied
    return obj


@transaction.atomic
def application_submit(*, application):
    application.review_district = application.compute_review_district()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        raise ServiceError(
            "该统一社会信用代码已有一份待审核的申请，请等待审核结果，或用申请编号查询进度。"
        ) from exc
    return application


# action → (from-states, to-state) of an account application (R-ACC-2): reviewed once.
_Status = AccountApplication.Status
ACTIONS = {
    "approve": ({_Status.PENDING}, _Status.APPROVED),
    "reject": ({_Status.PENDING}, _Status.REJECTED),
}
_REVIEWED = "申请 {obj.number} 已经处理（{status}），不能重复审核。"
TABLE = transitions.Table(
    states=tuple(_Status),
    noun="申请",
    actions=ACTIONS,
    labels={"approve": "通过", "reject": "不予通过"},
    messages={"approve": _REVIEWED, "reject": _REVIEWED},
    validate=False,
)


def _locked_pending(application, by, action):
    app = AccountApplication.objects.select_for_update().get(pk=application.pk)
    if not permissions.can_review_application(by, app):
        raise PermissionDenied
    transitions.check(TABLE, app, action)
    return app


def _subject_of(app, by, model, values, *, other, taken, out_of_scope):
    """The purchaser unit or organization (``model``) an approved application opens an account for:
    the one registered with its code, when it is in the reviewer's scope, else a new one with the
    application's name, code and contact, and ``values``. A code registered as the other kind
    (``other``) is refused."""
    if other.objects.filter(uscc=app.uscc).exists():
        raise ServiceError(taken)
    subject = model.objects.filter(uscc=app.uscc).first()
    if subject is None:
        subject = model(
            name=app.unit_name,
            uscc=app.uscc,
            contact_person=app.contact_person,
            contact_phone=app.contact_phone,
            **values,
        )
        subject = _by(subject, by)
        subject.full_clean()
        subject.save()
    elif not permissions.in_scope(by, subject):
        raise ServiceError(out_of_scope)
    return subject


@transaction.atomic
def application_approve(*, application, by, username=None, confirmed_existing=False):
    """Approve: find or create the unit or organization, create the account. Returns (user, password).

    When the 统一社会信用代码 is already registered under another name, the new account belongs to that
    unit or organization, and only with the reviewer's explicit confirmation (`confirmed_existing`),
    recorded on the application (who, when, which name) and in its history (issue 19 §4)."""
    app = _locked_pending(application, by, "approve")
    username = (username or app.username).strip()
    reason = ""
    if app.uscc_held_under_another_name:
        holder = app.uscc_holder
        if not confirmed_existing:
            raise ServiceError(
                f"该统一社会信用代码已登记为“{holder.name}”，与申请的名称“{app.unit_name}”不同。"
                "请核实申请人确属该单位后勾选“我已核实……”再通过，否则请不予通过。"
            )
        app.uscc_confirmed_by = by
        app.uscc_confirmed_at = timezone.now()
        app.uscc_confirmed_name = holder.name
        reason = f"审核人已核实：代码已登记为“{holder.name}”，为该单位开通新账号"
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(f"用户名“{username}”已被占用，请在审核时另填一个用户名。")

    if app.kind == AccountApplication.Kind.PURCHASER:
        unit = _subject_of(
            app,
            by,
            PurchaserUnit,
            {
                "level": app.unit_level,
                "district": app.district if app.unit_level != "city" else None,
                "street": app.street,
                "business_line": app.business_line,
            },
            other=SocialOrganization,
            taken="该统一社会信用代码已登记为社会组织，不能开通购买主体账号。",
            out_of_scope="该单位已在其他区登记，请联系其所在区的管理员开通账号。",
        )
        user = User(role=Role.PURCHASER, purchaser_unit=unit)
    else:
        org = _subject_of(
            app,
            by,
            SocialOrganization,
            {
                "org_type": app.org_type,
                "registration_district": app.review_district,
                "district": app.district,
                "contact_email": app.contact_email,
            },
            other=PurchaserUnit,
            taken="该统一社会信用代码已登记为购买主体，不能开通社会组织账号。",
            out_of_scope="该社会组织已由其他登记管理机关登记，请联系其登记管理机关开通账号。",
        )
        user = User(role=Role.ORGANIZATION, organization=org)

    password = generate_initial_password()
    user.username = username
    user.full_name = app.contact_person
    user.phone = app.contact_phone
    user.email = app.contact_email
    user.must_change_password = True
    user.set_password(password)
    _by(user, by).save()

    app.reviewed_by = by
    app.reviewed_at = timezone.now()
    app.created_user = user
    transitions.apply(TABLE, app, "approve", by=by, reason=reason)
    _tell_decision(app, user)
    return user, password


@transaction.atomic
def application_reject(*, application, by, reason):
    reason = _required_reason(reason, "请填写不予通过的原因，申请人查询时可以看到。")
    app = _locked_pending(application, by, "reject")
    app.reviewed_by = by
    app.reviewed_at = timezone.now()
    app.review_reason = reason
    transitions.apply(TABLE, app, "reject", by=by)
    _tell_decision(app, None)
    return app


def _tell_decision(app, user):
    """The applicant hears the decision (issue 18): inbox, a layer above, listens (inbox/receivers.py)."""
    account_application_decided.send(sender=AccountApplication, application=app, user=user)


@transaction.atomic
def organization_list_serious(*, organization, by, listed_on, reason):
    """Put an organization on the 严重失信名单 (R-SUB-3)."""
    reason = _required_reason(reason, "列入严重失信名单必须填写原因。")
    org = _locked_in_scope(SocialOrganization, organization, by)
    if org.dishonesty_entries.filter(removed_on__isnull=True).exists():
        raise ServiceError(f"{org.name} 已在严重失信名单中。")
    entry = _by(
        SeriousDishonestyEntry(organization=org, listed_on=listed_on, reason=reason, listed_by=by), by
    )
    entry.save()
    org.on_serious_list = True
    _by(org, by).save(update_fields=["on_serious_list", "updated_at"])
    return entry


@transaction.atomic
def organization_delist_serious(*, entry, by, removed_on, reason):
    """Take an organization off the 严重失信名单; its eligibility returns (R-SUB-3)."""
    reason = _required_reason(reason, "移出严重失信名单必须填写原因。")
    entry = _locked_in_scope(SeriousDishonestyEntry, entry, by)
    if entry.removed_on is not None:
        raise ServiceError("该记录已经移出，不能重复操作。")
    if removed_on < entry.listed_on:
        raise ServiceError("移出日期不能早于列入日期。")
    entry.removed_on = removed_on
    entry.removal_reason = reason
    entry.removed_by = by
    _by(entry, by).save()
    org = entry.organization
    org.on_serious_list = False
    _by(org, by).save(update_fields=["on_serious_list", "updated_at"])
    return entry


# --- 法人一证通 accounts (R-ACC-3, accounts.sso) ---------------------------------------------------


def _sso_username(identity):
    import re

    base = "yzt_" + (re.sub(r"[^0-9A-Za-z_.-]", "", identity.code)[:40] or identity.uscc)
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}_{n}"
    return username


def _reason(obj, text):
    obj._change_reason = text
    return obj


@transaction.atomic
def sso_create_account(*, unit, identity):
    """The first 法人一证通 login of a unit's identity: an account of that unit with the unit's role,
    without a local password; the history says it came from 一证通."""
    if isinstance(unit, PurchaserUnit):
        user = User(role=Role.PURCHASER, purchaser_unit=unit)
    else:
        user = User(role=Role.ORGANIZATION, organization=unit)
    user.username = _sso_username(identity)
    user.full_name = f"{identity.name or unit.name}（{identity.capacity_label}）"[:40]
    user.sso_code = identity.code
    user.sso_capacity = identity.capacity
    user.must_change_password = False
    user.set_unusable_password()
    _reason(user, f"法人一证通首次登录，创建账号（{identity.capacity_label}，一证通编号 {identity.code}）")
    user.save()
    return user


@transaction.atomic
def sso_link_account(*, user, identity):
    """The first 法人一证通 login links the account an administrator prepared with that code."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.sso_capacity = identity.capacity
    user.must_change_password = False
    _reason(
        user, f"法人一证通首次登录，关联到已有账号（{identity.capacity_label}，一证通编号 {identity.code}）"
    )
    user.save()
    return user


# --- recovery (issue #14) --------------------------------------------------------------------------


@transaction.atomic
def admin_reset_password(*, target, by):
    """A one-time password for an account in the administrator's scope: returned once, stored only
    hashed; the account must change it at the next login, and every session of it ends (the
    session hash follows the password). Returns the password."""
    target = User.objects.select_for_update().get(pk=target.pk)
    if not permissions.can_manage_user(by, target) or target.pk == by.pk:
        raise PermissionDenied
    if target.is_sso_account:
        raise ServiceError("该账号通过法人一证通登录，没有本地密码，无需重置。")
    password = generate_initial_password()
    target.set_password(password)
    target.must_change_password = True
    _reason(_by(target, by), "管理员重置密码（一次性密码），须在下次登录时修改")
    target.save()
    return password


@transaction.atomic
def admin_reset_mfa(*, target, by):
    """The device is lost: remove the account's second factor (TOTP and recovery codes), recorded in
    the account's history. It must set a new one before the pages that require it."""
    from allauth.mfa.models import Authenticator

    target = User.objects.select_for_update().get(pk=target.pk)
    if not permissions.can_reset_mfa(by, target):
        raise PermissionDenied
    removed = Authenticator.objects.filter(user=target).delete()[0]
    if not removed:
        raise ServiceError(f"{target} 尚未设置第二因素，无需重置。")
    _reason(_by(target, by), "管理员重置了第二因素（身份验证器和恢复码）")
    target.save()
    # A session that passed the second-factor check before the reset must not keep that pass.
    end_sessions(user=target)
    return removed


def end_sessions(*, user):
    """End every session of `user` kept in the database (the default session store)."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0  # cache-only sessions cannot be listed; the password hash still ends them on a reset
    model = store.get_model_class()
    ended = 0
    for session in model.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended
