"""R-STA-3: the public listings (demands, offers, the directory) export to .xlsx exactly as filtered
on their pages, with what the pages show and never a contact detail, for visitors and users alike."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from .conftest import THIS_YEAR

pytestmark = pytest.mark.django_db

CONTACTS = ["王老师", "021-63210000", "wang@example.gov.cn", "李女士", "021-54001234", "li@example.org"]


def sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    assert response.streaming  # written to a temporary file and streamed, not built in memory
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    return wb.active, [dict(zip(header, r, strict=True)) for r in body]


def page_titles(client, url, **params):
    response = client.get(url, {"size": 50, **params})
    return [obj.title for obj in response.context["page"].object_list]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"category": "02"},
        {"status": "awarded"},
        {"status": "cancelled"},
        {"q": "养老"},
        {"level": "district", "sort": "budget_desc"},
        {"year": str(THIS_YEAR - 1)},
    ],
)
def test_the_demand_export_has_the_rows_of_the_listing_in_its_order(client, world, params):
    _, rows = sheet(client.get(reverse("demands:list_export"), params))
    assert [r["项目名称"] for r in rows] == page_titles(client, reverse("demands:list"), **params)


def test_the_demand_export_has_chinese_headers_formats_and_no_contact_details(client, world, hp_purchaser):
    for user in (None, hp_purchaser):
        if user:
            client.force_login(user)
        ws, rows = sheet(client.get(reverse("demands:list_export")))
        assert "联系人" not in "".join(rows[0]) and "联系电话" not in "".join(rows[0])
        values = [str(v) for r in rows for v in r.values()]
        for secret in CONTACTS:
            assert secret not in values
    header = [c.value for c in ws[1]]
    budget = ws.cell(row=2, column=header.index("项目预算（元）") + 1)
    published = ws.cell(row=2, column=header.index("发布日期") + 1)
    assert budget.number_format == "#,##0.00" and isinstance(budget.value, int | float)
    assert published.number_format == "yyyy-mm-dd" and isinstance(published.value, datetime.datetime)
    by_title = {r["项目名称"]: r for r in rows}
    d2 = world.demands[2]
    assert by_title[d2.title]["承接社会组织"] == "上海市徐汇区启明助残服务社"
    assert by_title[d2.title]["状态"] == "已确定承接方"
    assert by_title[world.demands[6].title]["信息来源"] == "财政政府购买服务管理平台"
    assert world.demands[7].title not in by_title  # the draft


@pytest.mark.parametrize(
    "params",
    [{}, {"category": "02"}, {"previously_purchased": "no"}, {"directory_member": "yes"}, {"q": "助残"}],
)
def test_the_offer_export_has_the_rows_of_the_listing(client, world, params):
    _, rows = sheet(client.get(reverse("offerings:list_export"), params))
    assert [r["项目名称"] for r in rows] == page_titles(client, reverse("offerings:list"), **params)


def test_the_offer_export_has_no_contact_details_and_no_hidden_offers(client, world, hp_org_user):
    client.force_login(hp_org_user)
    _, rows = sheet(client.get(reverse("offerings:list_export")))
    titles = {r["项目名称"] for r in rows}
    assert titles == {"乐龄长者助餐服务", "乐龄助残康复服务", "启明助残服务", "益心儿童关爱"}
    values = [str(v) for r in rows for v in r.values()]
    for secret in CONTACTS:
        assert secret not in values
    by_title = {r["项目名称"]: r for r in rows}
    assert by_title["益心儿童关爱"]["服务区域"] == "全市"
    assert by_title["乐龄长者助餐服务"]["推荐目录成员"] == "是"
    assert by_title["启明助残服务"]["推荐目录成员"] == "否"


def test_the_directory_export_follows_the_pages_filters(client, world, huangpu):
    url = reverse("directory:members_export", args=[THIS_YEAR])
    _, rows = sheet(client.get(url))
    assert {r["社会组织名称"] for r in rows} == {"上海市黄浦区乐龄家园社区服务中心", "上海市益心公益基金会"}
    _, rows = sheet(client.get(url, {"category": "03"}))
    assert [r["社会组织名称"] for r in rows] == ["上海市益心公益基金会"]
    _, rows = sheet(client.get(url, {"q": "乐龄"}))
    assert [r["社会组织名称"] for r in rows] == ["上海市黄浦区乐龄家园社区服务中心"]
    assert client.get(reverse("directory:members_export", args=[THIS_YEAR + 1])).status_code == 404


def test_the_listings_link_to_their_export_with_the_filters(client, world):
    html = client.get(reverse("demands:list"), {"category": "02"}).content.decode()
    assert 'href="/demands/export.xlsx?category=02"' in html
    html = client.get(reverse("offerings:list"), {"q": "助残"}).content.decode()
    assert "/offerings/export.xlsx?q=" in html
    html = client.get(reverse("directory:edition", args=[THIS_YEAR]), {"category": "03"}).content.decode()
    assert f"/directory/{THIS_YEAR}/members.xlsx?category=03" in html
