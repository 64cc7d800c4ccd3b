"""Every write on accounts that is more than a form save. One transaction each; history kept
by django-simple-history with the acting user recorded (R-GEN-2)."""

import secrets
import string

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

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


def _locked_pending(application, by):
    app = AccountApplication.objects.select_for_update().get(pk=application.pk)
    if not permissions.can_review_application(by, app):
        raise PermissionDenied
    if app.status != AccountApplication.Status.PENDING:
        raise ServiceError(f"申请 {app.number} 已经处理（{app.get_status_display()}），不能重复审核。")
    return app


@transaction.atomic
def application_approve(*, application, by, username=None):
    """Approve: find or create the unit or organization, create the account. Returns (user, password)."""
    app = _locked_pending(application, by)
    username = (username or app.username).strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(f"用户名“{username}”已被占用，请在审核时另填一个用户名。")

    if app.kind == AccountApplication.Kind.PURCHASER:
        if SocialOrganization.objects.filter(uscc=app.uscc).exists():
            raise ServiceError("该统一社会信用代码已登记为社会组织，不能开通购买主体账号。")
        unit = PurchaserUnit.objects.filter(uscc=app.uscc).first()
        if unit is None:
            unit = _by(
                PurchaserUnit(
                    name=app.unit_name,
                    level=app.unit_level,
                    district=app.district if app.unit_level != "city" else None,
                    street=app.street,
                    uscc=app.uscc,
                    business_line=app.business_line,
                    contact_person=app.contact_person,
                    contact_phone=app.contact_phone,
                ),
                by,
            )
            unit.full_clean()
            unit.save()
        elif not permissions.in_scope(by, unit):
            raise ServiceError("该单位已在其他区登记，请联系其所在区的管理员开通账号。")
        user = User(role=Role.PURCHASER, purchaser_unit=unit)
    else:
        if PurchaserUnit.objects.filter(uscc=app.uscc).exists():
            raise ServiceError("该统一社会信用代码已登记为购买主体，不能开通社会组织账号。")
        org = SocialOrganization.objects.filter(uscc=app.uscc).first()
        if org is None:
            org = _by(
                SocialOrganization(
                    name=app.unit_name,
                    uscc=app.uscc,
                    org_type=app.org_type,
                    registration_district=app.review_district,
                    district=app.district,
                    contact_person=app.contact_person,
                    contact_phone=app.contact_phone,
                    contact_email=app.contact_email,
                ),
                by,
            )
            org.full_clean()
            org.save()
        elif not permissions.in_scope(by, org):
            raise ServiceError("该社会组织已由其他登记管理机关登记，请联系其登记管理机关开通账号。")
        user = User(role=Role.ORGANIZATION, organization=org)

    password = generate_initial_password()
    user.username = username
    user.full_name = app.contact_person
    user.phone = app.contact_phone
    user.email = app.contact_email
    user.must_change_password = True
    user.set_password(password)
    _by(user, by).save()

    app.status = AccountApplication.Status.APPROVED
    app.reviewed_by = by
    app.reviewed_at = timezone.now()
    app.created_user = user
    _by(app, by).save()
    _tell_decision(app, user)
    return user, password


@transaction.atomic
def application_reject(*, application, by, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写不予通过的原因，申请人查询时可以看到。")
    app = _locked_pending(application, by)
    app.status = AccountApplication.Status.REJECTED
    app.reviewed_by = by
    app.reviewed_at = timezone.now()
    app.review_reason = reason
    _by(app, by).save()
    _tell_decision(app, None)
    return app


def _tell_decision(app, user):
    """The applicant hears the decision (issue 18): inbox, a layer above, listens (inbox/receivers.py)."""
    account_application_decided.send(sender=AccountApplication, application=app, user=user)


@transaction.atomic
def organization_list_serious(*, organization, by, listed_on, reason):
    """Put an organization on the 严重失信名单 (R-SUB-3)."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("列入严重失信名单必须填写原因。")
    org = SocialOrganization.objects.select_for_update().get(pk=organization.pk)
    if not permissions.in_scope(by, org):
        raise PermissionDenied
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
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("移出严重失信名单必须填写原因。")
    entry = SeriousDishonestyEntry.objects.select_for_update().get(pk=entry.pk)
    if not permissions.in_scope(by, entry):
        raise PermissionDenied
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
