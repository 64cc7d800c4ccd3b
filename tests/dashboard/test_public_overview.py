"""The public 数据概览 (/data/): city-level figures from published data only, no contact or
personal data, no drafts, exportable like every other statistics table."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import AppStatus, EditionStatus

from .conftest import THIS_YEAR, demand, edition, member

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("dashboard:overview")
EXPORT = reverse("dashboard:overview_export")
CONTACTS = ["王老师", "021-63210000", "wang@example.gov.cn", "李女士", "021-54001234", "li@example.org"]


def rows_of(table):
    return {r["label"]: r for r in table.rows}


@pytest.fixture
def unpublished(world, hp_unit, xh_org):
    """What the public must not count: a draft cancelled before it was published, and an approved
    application of next year's edition that is still under review."""
    demand(hp_unit, category="0101", status="cancelled", published_at=None, cancelled_at=timezone.now())
    reviewing = edition(THIS_YEAR + 1, status=EditionStatus.REVIEWING)
    member(reviewing, xh_org, [world.offers["xh_disabled"]], status=AppStatus.APPROVED)


def test_visitors_see_the_city_figures_of_published_data(client, world, unpublished):
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    overview = {r["label"]: r["value"] for r in dashboard.table("overview").rows}
    assert overview["有效需求数（个）"] == 7
    assert overview["跨区域承接率（%）"] == 40
    assert overview["已发布服务项目数（个）"] == 4
    assert overview["推荐目录成员（家）"] == 2
    status = rows_of(dashboard.table("status"))
    assert "草稿" not in status
    assert status["已取消"]["count"] == 1  # the one cancelled after publishing, not the draft
    keys = {t.key for t in dashboard.tables}
    assert {
        "district",
        "category",
        "month",
        "cross",
        "offers_category",
        "members_category",
        "balance",
    } <= keys
    assert not keys & {"unit", "street", "level", "grade", "source"}


def test_next_years_unpublished_directory_is_not_counted(client, world, unpublished):
    dashboard = client.get(OVERVIEW, {"year": THIS_YEAR + 1}).context["dashboard"]
    assert dashboard.edition_year == THIS_YEAR
    assert dashboard.table("members_district").total["members"] == 2


def test_the_page_and_its_export_hold_no_contact_details_or_titles(client, world, unpublished):
    html = client.get(OVERVIEW).content.decode()
    export = client.get(EXPORT)
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    text = "\n".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )
    for secret in CONTACTS + [d.title for d in world.demands.values()] + ["乐龄草稿项目", "失信组织的项目"]:
        assert secret not in html and secret not in text, secret


def test_charts_get_their_numbers_from_the_page_and_a_static_script(client, world):
    html = client.get(OVERVIEW).content.decode()
    assert '<script id="dashboard-charts" type="application/json">' in html
    assert "/static/vendor/echarts/echarts.portal.min.js" in html and "/static/js/dashboard.js" in html
    # No inline script (the CSP forbids them): every <script> either loads a file or holds JSON.
    for chunk in html.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag or 'type="application/json"' in tag
    # Each chart has its table: a caption, and column and row headers.
    assert html.count('class="dashboard-chart') == html.count("data-chart=")
    assert '<caption class="visually-hidden">需求按项目类别统计（一级类别）' in html
    assert '<th scope="row" class="text-nowrap">养老服务</th>' in html


def test_the_charts_say_what_the_tables_say(client, world):
    response = client.get(OVERVIEW)
    charts = {c["id"]: c for c in response.context["charts"]}
    category = response.context["dashboard"].table("category")
    chart = charts["category"]
    assert chart["labels"] == [r["label"] for r in category.rows]
    assert chart["series"][0]["data"] == [r["demands"] for r in category.rows]
    assert chart["series"][1]["data"] == [float(r["budget"]) for r in category.rows]


def test_the_overview_works_without_logging_in_and_for_everyone(client, hp_org_user, world):
    assert client.get(OVERVIEW).status_code == 200
    client.force_login(hp_org_user)
    assert client.get(OVERVIEW).status_code == 200
