"""Two reference views for `make bench` (bench/city_load.py), routed only when the environment
variable PORTAL_BENCH_FLOORS=1 is set (settings.BENCH_FLOORS, the end of portal/urls.py); never in a normal deployment.

- `ok`: the cheapest response the stack can give (middleware, routing, "ok").
- `listing`: a page shaped like the demand listing (base.html, the same filter form, 20 result cards,
  pagination) rendered from an in-memory list, without touching the database.

Each page's throughput is read as a ratio of the second: what the page costs beyond rendering.
"""

import csv
import datetime
import random
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

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
    """Demand-like rows, built once per process."""
    rng = random.Random(9)
    subs = [(code, name) for code, name in CATEGORY_NAMES.items() if len(code) == 4]
    statuses = [("published", "已发布"), ("awarded", "已确定承接方"), ("evaluated", "已评价")]
    rows = []
    for pk in range(n, 0, -1):
        code, sub = rng.choice(subs)
        _, district = rng.choice(DISTRICT_CHOICES)
        status, status_label = rng.choice(statuses)
        published = datetime.date(2026, 11, 27) - datetime.timedelta(days=pk // 2)
        rows.append(
            SimpleNamespace(
                pk=pk,
                title=f"{district}{rng.choice(['南京东路街道', '七宝镇', '花木街道', ''])}{sub}项目",
                status=status,
                status_label=status_label,
                from_platform=True,
                source="本平台",
                unit_name=f"{district}{rng.choice(['民政局', '残疾人联合会', '卫生健康委员会'])}",
                category=f"{CATEGORY_NAMES[code[:2]]} / {sub}",
                district=district,
                street="",
                awarded_org_id=pk if status != "published" else None,
                awarded_org_name=f"上海市{district}乐龄社会工作服务社",
                awarded_member=pk % 3 == 0,
                budget=Decimal(rng.randint(20, 990) * 1000),
                year=published.year,
                period_start=published + datetime.timedelta(days=30),
                period_end=published + datetime.timedelta(days=394),
                published_at=published,
            )
        )
    return rows


ROWS = _rows()


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


def listing(request):
    page = Paginator(ROWS, 20).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "bench/floor.html",
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
