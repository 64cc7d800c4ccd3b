"""Two reference views for `make bench` (bench/city_load.py), routed only when the environment
variable PORTAL_BENCH_FLOORS=1 is set (settings.BENCH_FLOORS, the end of portal/urls.py); never in a normal deployment.

- `ok`: the cheapest response the stack can give (middleware, routing, "ok").
- `listing`: the demand listing's own template (templates/demands/list.html: base.html, the filter
  form, 20 result cards, pagination) rendered from unsaved in-memory demands, without touching the
  database, so the floor cannot drift from the real page.

Each page's throughput is read as a ratio of the second: what the page costs beyond rendering.
"""

import csv
import datetime
import random
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from accounts.models import PurchaserUnit, SocialOrganization
from demands.cards import demand_cards
from demands.models import Demand
from portal.listing import ExactPaginator
from portal.models import Category, District

DATA = Path(__file__).resolve().parent.parent / "portal" / "data"


def _categories():
    with open(DATA / "categories.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    choices = []
    for top in (r for r in rows if not r["parent_code"]):
        group = [(top["code"], f"{top['name']}（全部）")]
        group += [(r["code"], r["name"]) for r in rows if r["parent_code"] == top["code"]]
        choices.append((top["name"], group))
    return choices, {r["code"]: r["name"] for r in rows}


def _districts():
    with open(DATA / "districts.csv", encoding="utf-8") as f:
        return [(r["code"], r["name"]) for r in csv.DictReader(f)]


CATEGORY_CHOICES, CATEGORY_NAMES = _categories()
DISTRICT_CHOICES = _districts()


class FloorFilterForm(forms.Form):
    """The demand listing's filter fields, with choices from the reference CSV files instead of the database."""

    category = forms.ChoiceField(
        label="项目类别", required=False, choices=[("", "全部类别")] + CATEGORY_CHOICES
    )
    district = forms.ChoiceField(
        label="服务区域", required=False, choices=[("", "全市各区")] + DISTRICT_CHOICES
    )
    year = forms.ChoiceField(
        label="年度",
        required=False,
        choices=[("", "全部年度")] + [(str(y), f"{y}年") for y in range(2026, 2021, -1)],
    )
    budget_min = forms.DecimalField(label="预算不低于（元）", required=False, min_value=0)
    budget_max = forms.DecimalField(label="预算不高于（元）", required=False, min_value=0)
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[
            ("", "进行中和已完成"),
            ("published", "已发布"),
            ("awarded", "已确定承接方"),
            ("evaluated", "已评价"),
        ],
    )
    level = forms.ChoiceField(
        label="购买主体层级",
        required=False,
        choices=[("", "全部层级"), ("city", "市级部门"), ("district", "区级部门"), ("street", "街镇")],
    )


def _rows(n=2000):
    """Unsaved demands with their related objects set in memory, built once per process."""
    rng = random.Random(9)
    tops = {
        code: Category(pk=i, code=code, name=name) for i, (code, name) in enumerate(CATEGORY_NAMES.items(), 1)
    }
    subs = [c for code, c in tops.items() if len(code) == 4]
    for c in subs:
        c.parent = tops[c.code[:2]]
    districts = [District(pk=i, code=code, name=name) for i, (code, name) in enumerate(DISTRICT_CHOICES, 1)]
    statuses = ["published", "awarded", "evaluated"]
    rows = []
    for pk in range(n, 0, -1):
        category = rng.choice(subs)
        district = rng.choice(districts)
        status = rng.choice(statuses)
        published = datetime.date(2026, 11, 27) - datetime.timedelta(days=pk // 2)
        unit_kind = rng.choice(["民政局", "残疾人联合会", "卫生健康委员会"])
        demand = Demand(
            pk=pk,
            title=f"{district.name}{rng.choice(['南京东路街道', '七宝镇', '花木街道', ''])}{category.name}项目",
            status=status,
            category=category,
            district=district,
            unit=PurchaserUnit(pk=pk, name=f"{district.name}{unit_kind}"),
            awarded_org=(
                SocialOrganization(pk=pk, name=f"上海市{district.name}乐龄社会工作服务社")
                if status != "published"
                else None
            ),
            budget=Decimal(rng.randint(20, 990) * 1000),
            year=published.year,
            period_start=published + datetime.timedelta(days=30),
            period_end=published + datetime.timedelta(days=394),
            published_at=published,
        )
        demand.awarded_member = pk % 3 == 0
        rows.append(demand)
    return rows


ROWS = _rows()


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


def listing(request):
    page = ExactPaginator(ROWS, 20).get_page(request.GET.get("page"))
    page.object_list = demand_cards(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "demands/list.html",
        {
            "page": page,
            "filter": SimpleNamespace(form=FloorFilterForm(request.GET or None)),
            "q": "",
            "sort": "newest",
            "sorts": [
                ("newest", "最新发布"),
                ("oldest", "最早发布"),
                ("budget_desc", "预算从高到低"),
                ("budget_asc", "预算从低到高"),
            ],
            "size": 20,
            "page_sizes": (10, 20, 50),
            "querystring": params.urlencode(),
        },
    )


urlpatterns = [
    path("bench/floor/ok/", ok, name="bench_floor_ok"),
    path("bench/floor/listing/", listing, name="bench_floor_listing"),
]
