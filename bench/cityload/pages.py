"""The pages `make bench` times: PAGES (each with a name, a label and its URLs, or a function of the
database returning them), the two FLOORS of bench/views.py and the MIX of all pages."""

import random
from dataclasses import dataclass, field
from urllib.parse import quote


@dataclass
class Page:
    name: str
    label: str
    urls: object  # a list of paths, or a function (of the Django-ready module namespace) returning one
    aim_p95: bool = False  # search and listing pages: p95 under 100 ms
    optional: bool = False  # a page still being built: a 404 is reported and the page skipped
    floor: bool = False
    paths: list = field(default_factory=list)

    def resolve(self):
        """Reads the page's URLs into `paths` (from the database when `urls` is a function)."""
        self.paths = self.urls() if callable(self.urls) else list(self.urls)
        return self.paths


def q(text):
    return quote(text, safe="")


def demand_filters():
    """District + category combinations as people use them: the big districts and categories, and a few small ones."""
    from portal.models import District

    ids = dict(District.objects.values_list("name", "pk"))
    combos = [
        ("浦东新区", "01"),  # 养老服务 in the largest district: the heaviest combination
        ("闵行区", "05"),
        ("徐汇区", "0103"),  # a sub-category: 老年助餐服务
        ("黄浦区", "02"),
        ("杨浦区", "04"),
        ("崇明区", "01"),  # a small district
        ("静安区", "0602"),
        ("浦东新区", "12"),  # a rare category
    ]
    return [f"/demands/?district={ids[d]}&category={c}" for d, c in combos]


def demand_details(statuses):
    """A function returning 100 public demands in `statuses`, drawn at random (seeded) over the five
    years. Open demands (征集中) and decided ones are two pages: an open demand's page shows the
    可能合适的社会组织 block (two reads and a record of what it showed), a decided one does not, so
    each has its own fixed query count."""

    def paths():
        from demands.selectors import public_demands

        ids = list(public_demands().filter(status__in=statuses).values_list("pk", flat=True))
        return [f"/demands/{pk}/" for pk in random.Random(9).sample(ids, min(100, len(ids)))]

    return paths


def latest_directory():
    from directory.selectors import latest_published_edition

    edition = latest_published_edition()
    return [f"/directory/{edition.year}/"] if edition else []


PAGES = [
    Page("home", "首页", ["/"]),
    Page("demand_filter", "需求列表：区+类别", demand_filters, aim_p95=True),
    Page("search_yanglao", "搜索“养老”", [f"/demands/?q={q('养老')}"], aim_p95=True),
    Page("search_shequ", "搜索“社区服务”", [f"/demands/?q={q('社区服务')}"], aim_p95=True),
    Page("demand_detail", "需求详情：征集中（随机）", demand_details(["published"])),
    Page("demand_detail_closed", "需求详情：已确定承接方（随机）", demand_details(["awarded", "evaluated"])),
    Page("offer_list", "服务项目列表", ["/offerings/"], aim_p95=True),
    Page("directory", "推荐目录（最新一期）", latest_directory, aim_p95=True),
    Page("data", "数据概览 /data/", ["/data/"], optional=True),
]
FLOORS = [
    Page("floor_ok", "地板 1：返回 ok", ["/bench/floor/ok/"], floor=True),
    Page("floor_listing", "地板 2：同尺寸列表模板，无数据库", ["/bench/floor/listing/"], floor=True),
]


MIX = Page("mix", "全部页面混合（不含地板）", [])
