"""订阅 (issue 13 §4): a saved search of the demand listing (organizations) or of the offer listing
(purchasers), read by the listing's own FilterSet and search (`demands.selectors.filtered`,
`offerings.selectors.filtered`), so a subscription finds exactly what the listing shows for the same
words and filters. The FilterSets below only let category and district hold several values (the
initial subscription of an organization covers all its offers' categories and areas); with one value
each they are the listing's filters.

The user's own setting: created, renamed, paused and deleted by the user (deleting is fine: nothing
public is lost). The daily digest is in `matching/digest.py`, the private feed in
`opendata/subscription_feeds.py`."""

import secrets
from decimal import Decimal

import django_filters
from django import forms
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.models import Role, User
from demands import selectors as demand_selectors
from demands.filters import DemandFilter, category_q
from offerings import selectors as offering_selectors
from offerings.filters import OfferingFilter, serves_district_q
from offerings.models import Offering
from portal import confidentiality, refdata
from portal.errors import ServiceError
from portal.listing import clean_query
from portal.models import District

from .models import Subscription, SubscriptionKind, SubscriptionStart

K = SubscriptionKind
TALL = {"size": 8}  # the edit page's multiple selects show eight rows
MAX_PER_USER = 20
NAME_MAX = Subscription._meta.get_field("name").max_length
QUERY_MAX = Subscription._meta.get_field("q").max_length
# No budget anyone types is this large; a bigger number would overflow SQLite at delivery time.
NUMBER_MAX = Decimal(10) ** 12
DEFAULT_NAME = "本组织服务领域的新需求"
UNSUBSCRIBE_SALT = "matching.subscriptions.unsubscribe"


def _union(qs, values, q_of):
    if not values:  # an empty ModelMultipleChoiceField gives an empty queryset, not None: no filter
        return qs
    where = Q()
    for value in values:
        where |= q_of(value)
    return qs.filter(where)


def _categories_filter():
    return django_filters.MultipleChoiceFilter(
        label="项目类别", method="filter_categories", widget=forms.SelectMultiple(attrs=TALL)
    )


def _districts_filter():
    return django_filters.ModelMultipleChoiceFilter(
        label="服务区域",
        queryset=District.objects.all(),
        method="filter_districts",
        widget=forms.SelectMultiple(attrs=TALL),
    )


class _SeveralCategories:
    """A subscription's category filter: any of the chosen categories (or their subcategories)."""

    def filter_categories(self, qs, name, values):
        return _union(qs, values, category_q)


class SubscriptionDemandFilter(_SeveralCategories, DemandFilter):
    category = _categories_filter()
    district = _districts_filter()

    def filter_districts(self, qs, name, values):
        return qs.filter(district__in=values) if values else qs


class SubscriptionOfferingFilter(_SeveralCategories, OfferingFilter):
    category = _categories_filter()
    district = _districts_filter()

    def filter_districts(self, qs, name, values):
        return _union(qs, values, serves_district_q)


# kind → (the public records, the listing function, its FilterSet for subscriptions, listing URL name)
KINDS = {
    K.DEMANDS: (
        demand_selectors.public_demands,
        demand_selectors.filtered,
        SubscriptionDemandFilter,
        "demands:list",
    ),
    K.OFFERINGS: (
        offering_selectors.public_offerings,
        offering_selectors.filtered,
        SubscriptionOfferingFilter,
        "offerings:list",
    ),
}


def kind_for(user):
    """What `user` may subscribe to: organizations follow demands, purchasers offers; others nothing."""
    if permissions.is_organization_user(user):
        return K.DEMANDS
    if permissions.is_purchaser(user):
        return K.OFFERINGS
    return None


def owned_by(user):
    """The user's own subscriptions (anyone else's answer 404)."""
    if kind_for(user) is None:
        return Subscription.objects.none()
    return Subscription.objects.filter(user=user, kind=kind_for(user))


def new_token():
    return secrets.token_urlsafe(24)


def params_of(subscription):
    """The subscription as listing parameters (a QueryDict)."""
    params = QueryDict(mutable=True)
    if subscription.q:
        params["q"] = subscription.q
    for name, values in (subscription.filters or {}).items():
        params.setlist(name, [str(v) for v in values])
    return params


def filterset(kind, params):
    return KINDS[kind][2](params or None, queryset=KINDS[kind][0]())


def matches(subscription, qs=None):
    """The public records the subscription finds: the listing's search and filters on
    `Demand.objects.public()` / `Offering.objects.public()`."""
    public, listing, filter_class, _ = KINDS[subscription.kind]
    return listing(params_of(subscription), public() if qs is None else qs, filter_class)[1]


def listing_url(subscription):
    """The listing showing the same search, when the listing can (one value per filter)."""
    if any(len(v) > 1 for v in (subscription.filters or {}).values()):
        return ""
    query = params_of(subscription).urlencode()
    return reverse(KINDS[subscription.kind][3]) + (f"?{query}" if query else "")


def feed_path(subscription):
    return reverse("opendata:subscription_feed", args=[subscription.feed_token])


# --- reading what the user typed ----------------------------------------------------------------


def clean_name(name):
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写订阅名称。")
    if len(name) > NAME_MAX:
        raise ServiceError(f"订阅名称不能超过 {NAME_MAX} 字。")
    problem = confidentiality.problem(name)
    if problem:
        raise ServiceError(f"订阅名称：{problem}")
    return name


def clean_search(kind, params):
    """(q, filters) from listing parameters, or a Chinese ServiceError naming what is wrong. Only the
    listing's words and filters are kept (not its sort, page or page size)."""
    raw = params.get("q", "") or ""
    if len(raw.strip()) > QUERY_MAX:
        raise ServiceError(f"关键词不能超过 {QUERY_MAX} 字。")
    q = clean_query(raw, QUERY_MAX)
    problem = confidentiality.problem(q)
    if problem:
        raise ServiceError(f"关键词：{problem}")
    fs = filterset(kind, params)
    filters = {}
    for name in fs.filters:
        values = [v.strip() for v in params.getlist(name) if v and v.strip()]
        if values:
            filters[name] = sorted(set(values))
    if filters:
        data = QueryDict(mutable=True)
        for name, values in filters.items():
            data.setlist(name, values)
        fs = filterset(kind, data)
        if not fs.is_valid():
            name, errors = next(iter(fs.form.errors.items()))
            label = fs.filters[name].label if name in fs.filters else name
            raise ServiceError(f"筛选条件“{label}”无效：{' '.join(errors)}")
        for name, value in fs.form.cleaned_data.items():
            if isinstance(value, Decimal) and value > NUMBER_MAX:
                raise ServiceError(f"筛选条件“{fs.filters[name].label}”的数值过大。")
    return q, filters


# --- the user's actions -------------------------------------------------------------------------


def _require_kind(user):
    kind = kind_for(user)
    if kind is None:
        raise ServiceError("只有社会组织和购买主体的账号可以订阅。")
    return kind


@transaction.atomic
def create(*, user, name, params, is_default=False):
    kind = _require_kind(user)
    name = clean_name(name)
    q, filters = clean_search(kind, params)
    if Subscription.objects.filter(user=user).count() >= MAX_PER_USER:
        raise ServiceError(f"每个账号最多保存 {MAX_PER_USER} 个订阅，请先删除不再需要的订阅。")
    return Subscription.objects.create(
        user=user,
        kind=kind,
        name=name,
        q=q,
        filters=filters,
        is_default=is_default,
        since=timezone.now(),
        feed_token=new_token(),
    )


def update(subscription, *, name, params):
    subscription.name = clean_name(name)
    subscription.q, subscription.filters = clean_search(subscription.kind, params)
    subscription.save(update_fields=["name", "q", "filters", "updated_at"])


def rename(subscription, name):
    subscription.name = clean_name(name)
    subscription.save(update_fields=["name", "updated_at"])


def set_active(subscription, active):
    """Pause or resume the daily 站内信 and e-mail. Resuming starts from now: what was published while
    it was paused is not sent in a heap (the listing and the feed still show it)."""
    if subscription.is_active == active:
        return
    subscription.is_active = active
    fields = ["is_active", "updated_at"]
    if active:
        subscription.since = timezone.now()
        fields.append("since")
    subscription.save(update_fields=fields)


def regenerate_token(subscription):
    """A new private feed address; the old one answers 404 from now on."""
    subscription.feed_token = new_token()
    subscription.save(update_fields=["feed_token", "updated_at"])


# --- one-click unsubscribe (RFC 8058) -------------------------------------------------------------


def unsubscribe_token(user, subscriptions):
    return signing.dumps({"u": user.pk, "s": sorted(s.pk for s in subscriptions)}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_path(user, subscriptions):
    return reverse("matching:unsubscribe", args=[unsubscribe_token(user, subscriptions)])


def from_unsubscribe_token(token):
    """The subscriptions a token names, or None for a bad or tampered token. Unlimited in time: a link in
    an old e-mail must still work."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, ids = int(data["u"]), [int(pk) for pk in data["s"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return list(Subscription.objects.filter(user_id=user_id, pk__in=ids).order_by("pk"))


def unsubscribe(subscriptions):
    return Subscription.objects.filter(pk__in=[s.pk for s in subscriptions], is_active=True).update(
        is_active=False, updated_at=timezone.now()
    )


# --- the initial subscription of an organization ------------------------------------------------


def _default_filters(offers, district_pks):
    filters = {"category": sorted({o.category.code for o in offers})}
    if not any(o.citywide for o in offers):
        codes = {c for o in offers for c in o.service_codes}
        filters["district"] = sorted(str(pk) for code, pk in district_pks.items() if code in codes)
    return filters


def ensure_defaults(organization_ids=None):
    """Give every active organization account that never had one its initial subscription: the categories
    and service areas of its organization's public offers. Called when an offer is published, by the
    daily command and by `seed_demo`; an account whose initial subscription was turned off or deleted
    keeps its `SubscriptionStart` and gets none again. Returns how many were created."""
    users = User.objects.filter(role=Role.ORGANIZATION, is_active=True, organization__isnull=False).exclude(
        pk__in=SubscriptionStart.objects.values("user_id")
    )
    if organization_ids is not None:
        users = users.filter(organization_id__in=organization_ids)
    users = list(users.only("pk", "organization_id"))
    if not users:
        return 0
    offers = {}
    for offer in (
        Offering.objects.public()
        .filter(organization_id__in={u.organization_id for u in users})
        .select_related("category")
        .only("organization_id", "citywide", "service_district_codes", "category__code")
    ):
        offers.setdefault(offer.organization_id, []).append(offer)
    district_pks = {d.code: d.pk for d in refdata.districts()} if offers else {}
    created = 0
    for user in users:
        if user.organization_id not in offers:
            continue  # no public offer yet: it comes with the first one
        try:
            with transaction.atomic():
                SubscriptionStart.objects.create(user=user)
                Subscription.objects.create(
                    user=user,
                    kind=K.DEMANDS,
                    name=DEFAULT_NAME,
                    filters=_default_filters(offers[user.organization_id], district_pks),
                    is_default=True,
                    since=timezone.now(),
                    feed_token=new_token(),
                )
        except IntegrityError:
            continue  # another process was first
        created += 1
    return created


# --- describing a subscription in words ----------------------------------------------------------


class Labels:
    """Names for the codes a subscription holds, once for a whole page (from portal/refdata.py, only
    when some subscription filters by category or district)."""

    def __init__(self, subscriptions):
        wanted = {name for s in subscriptions for name in (s.filters or {})}
        self.categories = {c.code: c.name for c in refdata.categories()} if "category" in wanted else {}
        self.districts = {str(d.pk): d.name for d in refdata.districts()} if "district" in wanted else {}

    def describe(self, subscription):
        fs_filters = KINDS[subscription.kind][2].base_filters
        parts = [f"关键词“{subscription.q}”"] if subscription.q else []
        for name, values in (subscription.filters or {}).items():
            flt = fs_filters.get(name)
            if flt is None:
                continue
            if name == "category":
                shown = [self.categories.get(v, v) + ("（全部）" if len(v) <= 2 else "") for v in values]
            elif name == "district":
                shown = [self.districts.get(v, v) for v in values]
            else:
                choices = (
                    dict(flt.extra.get("choices") or []) if not callable(flt.extra.get("choices")) else {}
                )
                shown = [str(choices.get(v, v)) for v in values]
            parts.append(f"{flt.label}：{'、'.join(shown)}")
        return "；".join(parts) or "全部新发布的信息"


def describe(subscription):
    return Labels([subscription]).describe(subscription)
