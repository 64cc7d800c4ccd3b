"""A subscription's private Atom feed (issue 13 §4): /feeds/subscriptions/<token>.atom, no login.

The token is random and revocable (“重新生成” on 我的订阅): an unknown or revoked token answers 404. The
entries are the 50 newest public records the subscription finds (`matching.subscriptions.matches`,
the listing's search and filters), demands or offers, with no contact details. RFC 4287 like the
public feed (tests/matching/test_subscription_feed.py validates it with the same checker). Private:
not cacheable by shared caches, not for search engines, no cross-origin reading."""

import re

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.html import escape

from demands.models import Demand
from matching import subscriptions
from matching.models import Subscription, SubscriptionKind
from offerings.selectors import with_area_labels

from .feeds import FEED_SIZE, DemandFeed, shanghai

TOKEN = re.compile(r"[A-Za-z0-9_-]+")
RELATED = {
    SubscriptionKind.DEMANDS: ("unit", "district", "street", "category__parent"),
    SubscriptionKind.OFFERINGS: ("organization", "category__parent"),
}


class SubscriptionFeed(DemandFeed):
    """Demands as the public feed shows them (its item methods), offers with their own."""

    def __call__(self, request, *args, **kwargs):
        response = Feed.__call__(self, request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response

    def get_object(self, request, token):
        # A token is URL-safe base64 (secrets.token_urlsafe); anything else (a NUL, which PostgreSQL refuses) is unknown.
        valid = len(token) <= 64 and TOKEN.fullmatch(token)
        subscription = Subscription.objects.filter(feed_token=token).first() if valid else None
        if subscription is None:
            raise Http404("订阅地址无效或已重新生成。")
        subscription.absolute = request.build_absolute_uri(subscriptions.feed_path(subscription))
        return subscription

    def title(self, obj):
        return f"订阅：{obj.name}"

    def subtitle(self, obj):
        what = SubscriptionKind(obj.kind).label
        return f"上海市政府购买社会组织服务供需对接平台最新发布的{what}（{subscriptions.describe(obj)}）。联系方式请登录平台查看。"

    def link(self, obj):
        return subscriptions.listing_url(obj) or reverse("matching:subscriptions")

    def feed_url(self, obj):
        return obj.absolute

    def feed_guid(self, obj):
        return obj.absolute

    def items(self, obj):
        qs = subscriptions.matches(obj).select_related(*RELATED[obj.kind]).order_by("-published_at", "-pk")
        records = list(qs[:FEED_SIZE])
        return records if obj.kind == SubscriptionKind.DEMANDS else with_area_labels(records)

    # offers (demands go to DemandFeed's methods)

    def item_title(self, item):
        return super().item_title(item) if isinstance(item, Demand) else item.title

    def item_description(self, item):
        if isinstance(item, Demand):
            return super().item_description(item)
        lines = [
            f"社会组织：{item.organization.name}",
            f"项目类别：{item.category}",
            f"服务区域：{item.area_label}",
            f"服务对象：{item.service_targets}",
            f"项目简介：{item.summary[:300]}",
        ]
        return "<br>".join(escape(line) for line in lines)

    def item_link(self, item):
        return (
            super().item_link(item)
            if isinstance(item, Demand)
            else reverse("offerings:detail", args=[item.pk])
        )

    def item_updateddate(self, item):
        if isinstance(item, Demand):
            return super().item_updateddate(item)
        return shanghai(max(item.updated_at, item.published_at))

    def item_author_name(self, item):
        return super().item_author_name(item) if isinstance(item, Demand) else item.organization.name

    def item_categories(self, item):
        return (
            super().item_categories(item)
            if isinstance(item, Demand)
            else [str(item.category), item.area_label]
        )
