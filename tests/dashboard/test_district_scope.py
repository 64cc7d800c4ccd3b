"""R-STA-2: a district administrator's statistics and exports hold its own district only, whatever
the query string asks; nobody but the administrators opens the statistics at all."""

import io

import openpyxl
import pytest
from django.urls import reverse

from .conftest import THIS_YEAR

pytestmark = pytest.mark.django_db

STATS = reverse("dashboard:stats")
EXPORT = reverse("dashboard:stats_export")


def overview_of(dashboard):
    return {r["label"]: r["value"] for r in dashboard.table("overview").rows}


def workbook(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def all_text(wb):
    return "\n".join(
        str(value) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for value in row if value
    )


def test_a_district_admin_sees_its_district_by_street_and_unit(client, hp_admin, world):
    client.force_login(hp_admin)
    response = client.get(STATS)
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert dashboard.scope_label == "黄浦区"
    overview = overview_of(dashboard)
    # Demands of 黄浦区's units: 1, 2, 3 and 10 (7 is a draft, 9 is last year's).
    assert overview["有效需求数（个）"] == 4
    assert overview["已确定承接数（个）"] == 2
    assert overview["跨区域承接数（个，分子）"] == 1  # demand 2, to xh_org
    assert overview["已发布服务项目数（个）"] == 2  # hp_org's two
    assert overview["推荐目录成员（家）"] == 1  # hp_org
    keys = [t.key for t in dashboard.tables]
    assert "street" in keys and "unit" in keys and "district" not in keys and "offers_district" not in keys
    units = {r["label"] for r in dashboard.table("unit").rows}
    assert units == {"黄浦区南京东路街道办事处", "黄浦区民政局"}
    main = response.content.decode().split("<main")[1].split("</main>")[0]
    assert "徐汇区徐家汇街道办事处" not in main and "上海市民政局" not in main


@pytest.mark.parametrize(
    "params",
    [
        {"district": "xuhui"},
        {"district": "999999"},
        {"unit__district": "x"},
    ],
)
def test_a_district_admin_cannot_ask_for_another_district(client, hp_admin, xuhui, world, params):
    client.force_login(hp_admin)
    params = {k: (str(xuhui.pk) if v == "xuhui" else v) for k, v in params.items()}
    dashboard = client.get(STATS, params).context["dashboard"]
    assert dashboard.scope_label == "黄浦区"
    assert overview_of(dashboard)["有效需求数（个）"] == 4
    text = all_text(workbook(client.get(EXPORT, params)))
    assert "徐汇区徐家汇街道办事处" not in text and "黄浦区南京东路街道办事处" in text


def test_the_other_district_admin_sees_only_xuhui(client, xh_admin, world):
    client.force_login(xh_admin)
    dashboard = client.get(STATS).context["dashboard"]
    overview = overview_of(dashboard)
    assert overview["有效需求数（个）"] == 2  # 4 and 5; 6 is the city's, 8 cancelled
    assert overview["已发布服务项目数（个）"] == 1
    assert overview["推荐目录成员（家）"] == 0  # xh_org was rejected
    assert {r["label"] for r in dashboard.table("unit").rows} == {"徐汇区徐家汇街道办事处"}


def test_a_district_admins_export_holds_only_its_district(client, hp_admin, world):
    client.force_login(hp_admin)
    wb = workbook(client.get(EXPORT, {"year": THIS_YEAR}))
    titles = wb.sheetnames
    assert "需求按街镇统计（服务街镇）" in titles and "说明" in titles
    assert not any("按区统计" in t for t in titles)
    text = all_text(wb)
    assert "范围：黄浦区" in text
    assert "徐汇区徐家汇街道办事处" not in text and "上海市民政局" not in text
    units = wb["需求按购买主体统计"]
    rows = list(units.iter_rows(values_only=True))
    assert rows[0][:3] == ("购买主体", "需求数（个）", "预算（万元）")
    assert {r[0] for r in rows[1:-1]} == {"黄浦区南京东路街道办事处", "黄浦区民政局"}
    assert rows[-1][0] == "合计" and rows[-1][1] == 4


def test_one_table_can_be_exported_alone(client, hp_admin, world):
    client.force_login(hp_admin)
    wb = workbook(client.get(EXPORT, {"table": "cross"}))
    assert wb.sheetnames == ["跨区域承接（按需求服务区域）"]
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0] == (
        "服务区域",
        "承接数（个，分母）",
        "跨区域承接数（个，分子）",
        "本区登记组织承接（个）",
        "市民政局登记组织承接（个）",
        "跨区域承接率（%）",
    )
    assert rows[1] == ("黄浦区", 2, 1, 1, 0, 50)
    assert wb.active["F2"].number_format == "0.0"


def test_amounts_are_numbers_in_wan_with_two_decimals(client, city_admin, world):
    client.force_login(city_admin)
    wb = workbook(client.get(EXPORT, {"table": "district"}))
    ws = wb.active
    header = [c.value for c in ws[1]]
    budget = header.index("预算（万元）") + 1
    hp_row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "黄浦区")
    cell = hp_row[budget - 1]
    assert cell.value == 68 and cell.number_format == "#,##0.00"


@pytest.mark.parametrize("role", ["hp_purchaser", "hp_org_user", "monitor"])
def test_other_roles_cannot_open_the_statistics(client, request, role, world):
    client.force_login(request.getfixturevalue(role))
    assert client.get(STATS).status_code == 404
    assert client.get(EXPORT).status_code == 404


def test_a_visitor_is_sent_to_the_login_page(client, world):
    for url in (STATS, EXPORT):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
