"""Atom feeds (RFC 4287) of newly published demands, so organizations can subscribe in any reader:
/feeds/demands.atom, optionally ?category=<code> and/or ?district=<区名或区划代码>.

The 50 newest public demands by publication time (what became of them later, 确定承接方, 评价 or
取消, shows in the entry's title and summary, and moves its `updated`). Times are Asia/Shanghai
with their offset. A bad filter value answers 400 with a Chinese message.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.html import escape

from demands.models import Status
from portal.models import Category, District, civil_affairs_bureau

from .api import public_headers
from .params import BadParam, category_by_code, district_by_value
from .selectors import public_demands

FEED_SIZE = 50
FEED_PARAMS = ("category", "district")
PUBLISHER = civil_affairs_bureau(None)
BASE_TITLE = "上海市政府购买社会组织服务需求"


def shanghai(moment):
    return timezone.localtime(moment).replace(microsecond=0)


class ShanghaiAtomFeed(feedgenerator.Atom1Feed):
    """Atom 1.0 whose feed-level `updated` is in Shanghai time even when the feed is empty."""

    def latest_post_date(self):
        return shanghai(super().latest_post_date())


@dataclass
class FeedFilter:
    category: Category | None
    district: District | None
    path: str
    absolute: str

    def describe(self):
        parts = []
        if self.category is not None:
            parts.append(f"项目类别：{self.category}")
        if self.district is not None:
            parts.append(f"服务区域：{self.district.name}")
        return "，".join(parts)


def feed_url(category=None, district=None):
    """The feed's address for a category and/or a district (for the listing's <link> and /api/)."""
    query = {}
    if category is not None:
        query["category"] = category.code
    if district is not None:
        query["district"] = district.name
    path = reverse("opendata:demand_feed")
    return f"{path}?{urlencode(query)}" if query else path


class DemandFeed(Feed):
    feed_type = ShanghaiAtomFeed
    language = "zh-Hans"
    author_name = PUBLISHER
    feed_copyright = "来源：上海市政府购买社会组织服务供需对接平台（上海市民政局）"

    def __call__(self, request, *args, **kwargs):
        try:
            response = super().__call__(request, *args, **kwargs)
        except BadParam as exc:
            response = HttpResponse(f"{exc.message}\n", status=400, content_type="text/plain; charset=utf-8")
        return public_headers(response)

    def get_object(self, request):
        for name in FEED_PARAMS:
            if len(request.GET.getlist(name)) > 1:
                raise BadParam(name, f"参数 {name} 只能出现一次。")
        category = category_by_code(request.GET.get("category", "").strip())
        district = district_by_value(request.GET.get("district", "").strip())
        path = feed_url(category, district)
        return FeedFilter(
            category=category, district=district, path=path, absolute=request.build_absolute_uri(path)
        )

    def title(self, obj):
        described = obj.describe()
        return f"{BASE_TITLE}（{described}）" if described else BASE_TITLE

    def subtitle(self, obj):
        return (
            f"上海市政府购买社会组织服务供需对接平台最新发布的 {FEED_SIZE} 个购买服务需求"
            f"{'，' + obj.describe() if obj.describe() else ''}。联系方式请登录平台查看。"
        )

    def link(self, obj):
        """The listing with the same filters (the listing takes the district by its id)."""
        query = {}
        if obj.category is not None:
            query["category"] = obj.category.code
        if obj.district is not None:
            query["district"] = obj.district.pk
        path = reverse("demands:list")
        return f"{path}?{urlencode(query)}" if query else path

    def feed_url(self, obj):
        return obj.path

    def feed_guid(self, obj):
        """The feed's own address: each filter is a feed of its own (RFC 4287 4.2.6)."""
        return obj.absolute

    def items(self, obj):
        qs = public_demands()
        if obj.category is not None:
            if obj.category.parent_id is None:
                qs = qs.filter(category__parent=obj.category)
            else:
                qs = qs.filter(category=obj.category)
        if obj.district is not None:
            qs = qs.filter(district=obj.district)
        return qs.order_by("-published_at", "-pk")[:FEED_SIZE]

    def item_title(self, demand):
        if demand.status == Status.PUBLISHED:
            return demand.title
        return f"【{demand.get_status_display()}】{demand.title}"

    def item_description(self, demand):
        place = demand.district.name + (f" {demand.street.name}" if demand.street_id else "")
        unit = demand.unit
        lines = [
            f"项目预算：{demand.budget:,.2f} 元",
            f"服务区域：{place}",
            f"购买主体：{unit.name}（{unit.get_level_display()}）",
            f"项目类别：{demand.category}",
            f"服务对象：{demand.service_targets}",
            f"实施期限：{demand.period_start:%Y-%m-%d} 至 {demand.period_end:%Y-%m-%d}",
            f"年度：{demand.year}年度（{demand.get_plan_type_display()}）",
            f"状态：{demand.get_status_display()}",
        ]
        if demand.status == Status.CANCELLED and demand.cancel_reason:
            lines.append(f"取消原因：{demand.cancel_reason}")
        if demand.source != "本平台":
            lines.append(f"信息来源：{demand.source}")
        # type="html": each line escaped, so whatever a title holds is shown as text.
        return "<br>".join(escape(line) for line in lines)

    def item_link(self, demand):
        return reverse("demands:detail", args=[demand.pk])

    def item_pubdate(self, demand):
        return shanghai(demand.published_at)

    def item_updateddate(self, demand):
        return shanghai(max(demand.updated_at, demand.published_at))

    def item_author_name(self, demand):
        return demand.unit.name

    def item_categories(self, demand):
        return [str(demand.category), demand.district.name]
