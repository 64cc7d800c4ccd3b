"""Who may see and change what: one module for views, the admin site, exports and imports.

Two kinds of helpers:
- role predicates (`is_city_admin(user)` …) and object predicates (`can_manage(user, obj)`);
- queryset scoping (`scope_to(user, qs)`): the city sees everything, a district administrator
  sees the rows whose district path points at its district, everyone else sees nothing.

Each scoped model names the path from its rows to a District once, in `DISTRICT_PATHS`
(later apps add theirs with `register_district_path`). Anything out of scope must answer
404 (or the admin site's own refusal), never the data (R-ACC-5).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.models import civil_affairs_bureau

from .models import Role

DISTRICT_PATHS = {
    "accounts.purchaserunit": "district",
    "accounts.socialorganization": "registration_district",
    "accounts.seriousdishonestyentry": "organization__registration_district",
    "accounts.user": "district",
    "accounts.accountapplication": "review_district",
    "portal.street": "district",
}


def register_district_path(model, path):
    DISTRICT_PATHS[model._meta.label_lower] = path


def district_path(model):
    try:
        return DISTRICT_PATHS[model._meta.label_lower]
    except KeyError as exc:
        raise LookupError(f"{model._meta.label} has no district path in accounts.permissions") from exc


# --- role predicates -------------------------------------------------------------------


def _role(user):
    return getattr(user, "role", None) if user is not None and user.is_authenticated else None


def is_city_admin(user):
    return user is not None and user.is_authenticated and (user.is_superuser or user.role == Role.CITY_ADMIN)


def is_district_admin(user):
    return _role(user) == Role.DISTRICT_ADMIN and user.district_id is not None and not user.is_superuser


def is_admin(user):
    return is_city_admin(user) or is_district_admin(user)


def is_purchaser(user):
    return _role(user) == Role.PURCHASER and user.purchaser_unit_id is not None


def is_organization_user(user):
    return _role(user) == Role.ORGANIZATION and user.organization_id is not None


def is_monitor(user):
    return _role(user) == Role.MONITOR


def role_required(check, *, refusal=PermissionDenied):
    """A view decorator: the view runs only when ``check(request.user)``; otherwise ``refusal`` is
    raised: PermissionDenied (403) where a user may know the page exists, Http404 where it must
    not be told (R-ACC-5). Put it below ``login_required`` and ``require_http_methods``: an
    anonymous visitor is sent to log in first and a wrong method still answers 405."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not check(request.user):
                raise refusal
            return view(request, *args, **kwargs)

        return checked

    return decorator


# --- scoping ---------------------------------------------------------------------------


def scope_to(user, qs):
    """The rows of `qs` that `user` administers: all for the city, its district's for a district."""
    if is_city_admin(user):
        return qs
    if is_district_admin(user):
        return qs.filter(**{district_path(qs.model): user.district_id})
    return qs.none()


def _district_id_of(obj):
    value = obj
    for part in district_path(type(obj)).split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value.pk


def in_scope(user, obj):
    """The object-level twin of `scope_to`."""
    if is_city_admin(user):
        return True
    if is_district_admin(user):
        return _district_id_of(obj) == user.district_id
    return False


def get_in_scope_or_404(user, qs, **lookup):
    try:
        return scope_to(user, qs).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("不存在或无权查看") from exc


# --- users -----------------------------------------------------------------------------

# The roles each administrator may give when creating or changing accounts.
ROLES_ASSIGNABLE_BY_DISTRICT_ADMIN = (Role.PURCHASER, Role.ORGANIZATION)


def assignable_roles(user):
    if is_city_admin(user):
        return tuple(Role)
    if is_district_admin(user):
        return ROLES_ASSIGNABLE_BY_DISTRICT_ADMIN
    return ()


def can_manage_user(user, target):
    """District administrators manage their district's purchaser and organization accounts only."""
    if is_city_admin(user):
        return True
    return in_scope(user, target) and target.role in ROLES_ASSIGNABLE_BY_DISTRICT_ADMIN


def can_review_application(user, application):
    return in_scope(user, application)


# --- demands (我要购买服务) ---------------------------------------------------------------


def can_edit_demand(user, demand):
    """Only the purchaser unit that owns a demand maintains it (R-ROLE-3), and only if it was
    published here: a project imported from another platform is maintained there (R-INT-1)."""
    return is_purchaser(user) and demand.unit_id == user.purchaser_unit_id and demand.from_platform


def can_copy_demand(user, demand):
    """A purchaser copies any demand of its own unit, of any year or status, into a new draft (issue 18)."""
    return is_purchaser(user) and demand.unit_id == user.purchaser_unit_id


def demands_visible_to(user, qs):
    """The demands of `qs` that `user` may open: the public ones (R-ACC-4), plus every demand of its
    own unit (a purchaser) or of the units of its district (a district administrator); the city sees
    all. Twin: `can_view_demand`. Detail pages fetch through it, so anything else answers 404."""
    if is_city_admin(user):
        return qs
    visible = qs.public()
    if is_purchaser(user):
        return visible | qs.filter(unit_id=user.purchaser_unit_id)
    if is_district_admin(user):
        return visible | qs.filter(unit__district_id=user.district_id)
    return visible


def can_view_demand(user, demand):
    """Twin of `demands_visible_to` for one demand."""
    if demand.is_public or is_city_admin(user):
        return True
    if is_purchaser(user):
        return demand.unit_id == user.purchaser_unit_id
    return is_district_admin(user) and demand.unit.district_id == user.district_id


DISTRICT_PATHS["demands.demand"] = "unit__district"


# --- offerings (我要提供服务) ---------------------------------------------------------------


def can_edit_offering(user, offering):
    """Only the organization that owns an offer maintains it (R-ROLE-4)."""
    return is_organization_user(user) and offering.organization_id == user.organization_id


DISTRICT_PATHS["offerings.offering"] = "organization__registration_district"


# --- directory (推荐目录) --------------------------------------------------------------------


def can_view_application(user, application):
    """The organization itself, the district that reviews it, and the city (drafts: only the organization)."""
    if is_organization_user(user) and application.organization_id == user.organization_id:
        return True
    if application.status == "draft":
        return False
    if is_city_admin(user):
        return True
    return is_district_admin(user) and application.review_district_id == user.district_id


DISTRICT_PATHS["directory.application"] = "review_district"


# --- notices (政策法规, 公示公告, 资料下载, 友情链接, 留言区) ---------------------------------


def publisher_for(user):
    """The publisher a user publishes notices as (R-NOT-1), or None: the city, its district's
    民政局, or its purchaser unit's business line."""
    if is_city_admin(user):
        return {
            "publisher_kind": "city",
            "publisher_district": None,
            "publisher_unit": None,
            "publisher_name": civil_affairs_bureau(None),
        }
    if is_district_admin(user):
        return {
            "publisher_kind": "district",
            "publisher_district": user.district,
            "publisher_unit": None,
            "publisher_name": civil_affairs_bureau(user.district),
        }
    if is_purchaser(user):
        unit = user.purchaser_unit
        line = f"（{unit.business_line}条线）" if unit.business_line else ""
        return {
            "publisher_kind": "line",
            "publisher_district": None,
            "publisher_unit": unit,
            "publisher_name": f"{unit.name}{line}",
        }
    return None


def can_publish_notices(user):
    """May open the pages that manage notices at all (as whom: `publisher_for`)."""
    return publisher_for(user) is not None


def notice_items_editable_by(user, qs):
    """The items of a notices module that `user` may edit: the city all, others their own."""
    if is_city_admin(user):
        return qs
    if is_district_admin(user):
        return qs.filter(publisher_kind="district", publisher_district_id=user.district_id)
    if is_purchaser(user):
        return qs.filter(publisher_kind="line", publisher_unit_id=user.purchaser_unit_id)
    return qs.none()


def can_edit_notice_item(user, item):
    """Twin of `notice_items_editable_by` for one item."""
    if is_city_admin(user):
        return True
    if is_district_admin(user):
        return item.publisher_kind == "district" and item.publisher_district_id == user.district_id
    if is_purchaser(user):
        return item.publisher_kind == "line" and item.publisher_unit_id == user.purchaser_unit_id
    return False


def can_moderate_messages(user):
    """May open the 留言 moderation pages at all (which messages: `messages_moderated_by`)."""
    return is_admin(user)


def messages_moderated_by(user, qs):
    """The 留言 `user` sees and moderates (issue 19 §4): a district administrator its district's, the
    city every message (city-level ones, those without a district, and every district's)."""
    if is_city_admin(user):
        return qs
    if is_district_admin(user):
        return qs.filter(district_id=user.district_id)
    return qs.none()


def can_moderate_message(user, message):
    """Twin of `messages_moderated_by` for one message."""
    if is_city_admin(user):
        return True
    return (
        is_district_admin(user)
        and message.district_id is not None
        and message.district_id == user.district_id
    )


# --- supervision (内容监测, 失信记录) -----------------------------------------------------------


def can_open_findings(user):
    """Only the 内容监测员 raises findings (第十八条); it never edits content."""
    return is_monitor(user)


def findings_visible_to(user, qs):
    """The monitor and the city see every finding; a district its own; a publisher those on its records."""
    if is_monitor(user) or is_city_admin(user):
        return qs
    if is_district_admin(user):
        return qs.filter(authority_district_id=user.district_id)
    if is_purchaser(user):
        return qs.filter(unit_id=user.purchaser_unit_id, organization__isnull=True)
    if is_organization_user(user):
        return qs.filter(organization_id=user.organization_id)
    return qs.none()


def can_answer_finding(user, finding):
    """The publisher of the record answers: its organization, its purchaser unit, or, for a notice
    published by the city or a 区民政局, that administrator."""
    if finding.organization_id:
        return is_organization_user(user) and user.organization_id == finding.organization_id
    if finding.unit_id:
        return is_purchaser(user) and user.purchaser_unit_id == finding.unit_id
    if finding.authority_district_id is None:
        return is_city_admin(user)
    return is_district_admin(user) and user.district_id == finding.authority_district_id


def can_close_finding(user, finding):
    return is_monitor(user)


DISTRICT_PATHS["supervision.finding"] = "authority_district"
DISTRICT_PATHS["supervision.creditrecord"] = "organization__registration_district"


# --- second factor (issue #14) -------------------------------------------------------------------


def requires_mfa(user):
    """City and district administrators and the monitor must use a second factor (TOTP)."""
    return is_city_admin(user) or is_district_admin(user) or is_monitor(user)


def can_reset_mfa(user, target):
    """The city resets anyone's second factor (a district administrator's lost device); a district
    administrator those of the accounts it manages. Nobody resets their own this way."""
    if target.pk == getattr(user, "pk", None):
        return False
    if is_city_admin(user):
        return True
    return is_district_admin(user) and can_manage_user(user, target)


# --- matching (对接: profiles, suggestions, 承接意向) -------------------------------------------


def can_view_contacts(user):
    """Contact details are for logged-in users only (R-ACC-4)."""
    return user is not None and user.is_authenticated


def can_view_credit_records(user):
    """An organization's 失信记录 on its 主页: administrators (who keep them) and purchasers (who
    choose whom to buy from), of any district: the records concern a public choice."""
    return is_admin(user) or is_purchaser(user)


def can_express_interest(user, demand):
    """承接意向: a logged-in organization that is eligible (not on the 严重失信名单, R-SUB-3), on a
    published demand that has no awarded organization yet."""
    return (
        is_organization_user(user)
        and user.organization.is_eligible
        and demand.is_public
        and demand.status == "published"
    )


def can_withdraw_interest(user, interest):
    return is_organization_user(user) and interest.organization_id == user.organization_id


def can_mark_interest(user, interest):
    """Only the purchaser unit that owns the demand marks an interest 已联系 or 不合适."""
    return is_purchaser(user) and interest.demand.unit_id == user.purchaser_unit_id


def can_view_interests(user, demand):
    """Who sees every interest on a demand: its purchaser unit, and the administrators over it (read only)."""
    if is_purchaser(user):
        return demand.unit_id == user.purchaser_unit_id
    return is_city_admin(user) or (is_district_admin(user) and demand.unit.district_id == user.district_id)


DISTRICT_PATHS["matching.interest"] = "demand__unit__district"


# --- 公开答疑 on a demand (issue 13 §6) --------------------------------------------------------


def can_ask_question(user, demand):
    """A logged-in eligible organization (not on the 严重失信名单, R-SUB-3), of any district, asks on a
    有效需求 (public, not cancelled)."""
    return is_organization_user(user) and user.organization.is_eligible and demand.is_live


def can_answer_question(user, question):
    """The demand's editors answer or decline: who maintains the demand (`can_edit_demand`)."""
    return can_edit_demand(user, question.demand)


def can_withdraw_question(user, question):
    """The asking organization (any of its accounts) withdraws its own question, and alone sees why
    a question was declined."""
    return is_organization_user(user) and question.organization_id == user.organization_id


DISTRICT_PATHS["matching.question"] = "demand__unit__district"
