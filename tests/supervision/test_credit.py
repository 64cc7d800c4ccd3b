"""失信记录, R-SUP-4 (第十七条): a confirmed finding of false or exaggerated information becomes a
record of the organization, visible to the administrators over it and exportable by year for the
年检. Putting an organization on the 严重失信名单 stays a deliberate administrator action (R-SUB-3)."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import SeriousDishonestyEntry
from accounts.services import organization_list_serious
from supervision import findings
from supervision.models import CreditRecord
from tests.factories import OfferingFactory
from tests.supervision.closed_at_once import no_answer_period  # noqa: F401

pytestmark = pytest.mark.django_db


LIST = "/supervision/credit/"
HEADERS = [
    "记录日期",
    "社会组织",
    "统一社会信用代码",
    "登记管理机关",
    "监测问题编号",
    "相关信息",
    "失信情况",
    "是否在严重失信名单",
]
YEAR = timezone.localdate().year


def org_url(organization):
    return f"/supervision/credit/organizations/{organization.pk}/"


def confirmed(monitor, organization, title, result_text="虚假宣传属实，已责令整改。"):
    """A 虚假/夸大 finding on one of the organization's offers, closed as 属实 (setup)."""
    offer = OfferingFactory(organization=organization, title=title)
    finding = findings.open_finding(
        by=monitor, target_type="offering", target_id=offer.pk, kind="false", description="服务人次夸大"
    )
    findings.close_finding(finding=finding, by=monitor, result="confirmed", result_text=result_text)
    return CreditRecord.objects.get(finding=finding)


@pytest.fixture
def records(monitor, hp_org, xh_org, city_org):
    return {
        "hp": confirmed(monitor, hp_org, "乐龄长者助餐服务"),
        "xh": confirmed(monitor, xh_org, "启明助残康复服务"),
        "city": confirmed(monitor, city_org, "益心儿童关爱计划"),
    }


def names_listed(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    return {r.organization.name for r in response.context["page"].object_list}


def export(client, **params):
    response = client.get(LIST, {**params, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    return response, rows, formulas


# --- who sees what ------------------------------------------------------------------------------------


def test_the_city_sees_every_record(login, city_admin, records, hp_org, xh_org, city_org):
    assert names_listed(login(city_admin)) == {hp_org.name, xh_org.name, city_org.name}


def test_a_district_sees_the_records_of_organizations_registered_there(
    login, hp_admin, xh_admin, records, hp_org, xh_org, city_org
):
    """R-ACC-5: 'a district administrator sees … records of its district only' — the list, the
    organization page and the export."""
    client = login(hp_admin)
    assert names_listed(client) == {hp_org.name}
    _, rows, _ = export(client, year=YEAR)
    assert [row[1] for row in rows[1:]] == [hp_org.name]
    assert client.get(org_url(hp_org)).status_code == 200
    assert client.get(org_url(xh_org)).status_code == 404
    # Located in 黄浦区 but registered with the city: the city's, not the district's.
    assert client.get(org_url(city_org)).status_code == 404
    client = login(xh_admin)
    assert names_listed(client) == {xh_org.name}
    assert client.get(org_url(hp_org)).status_code == 404


@pytest.mark.parametrize("who", ["monitor", "hp_purchaser", "hp_org_user"])
def test_other_roles_are_refused(request, login, who, records, hp_org):
    client = login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 403
    assert client.get(LIST, {"format": "xlsx"}).status_code == 403
    assert client.get(org_url(hp_org)).status_code == 403


def test_visitors_are_sent_to_login(client, records, hp_org):
    for url in (LIST, f"{LIST}?format=xlsx", org_url(hp_org)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_organization_page_lists_its_records_of_every_year(login, hp_admin, monitor, hp_org, records):
    older = confirmed(monitor, hp_org, "乐龄居家照护服务", result_text="夸大服务资质")
    CreditRecord.objects.filter(pk=older.pk).update(recorded_on=datetime.date(YEAR - 1, 6, 1))
    response = login(hp_admin).get(org_url(hp_org))
    assert list(response.context["records"]) == [records["hp"], older]
    html = response.content.decode()
    assert "夸大服务资质" in html and records["hp"].finding.number in html and "信用状态：正常" in html


# --- the year and the search --------------------------------------------------------------------------


def test_the_year_filter(login, city_admin, records, hp_org, xh_org, city_org):
    CreditRecord.objects.filter(pk=records["xh"].pk).update(recorded_on=datetime.date(YEAR - 1, 12, 31))
    client = login(city_admin)
    assert names_listed(client) == {hp_org.name, city_org.name}
    assert names_listed(client, year=YEAR - 1) == {xh_org.name}
    assert names_listed(client, year=YEAR - 2) == set()
    _, rows, _ = export(client, year=YEAR - 1)
    assert [row[1] for row in rows[1:]] == [xh_org.name]
    # A year that makes no sense falls back to this year rather than failing.
    assert names_listed(client, year="abc") == {hp_org.name, city_org.name}
    assert names_listed(client, year="1900") == {hp_org.name, city_org.name}


def test_search_by_name_or_code(login, city_admin, records, hp_org, xh_org):
    client = login(city_admin)
    assert names_listed(client, q="乐龄") == {hp_org.name}
    assert names_listed(client, q=xh_org.uscc) == {xh_org.name}
    assert names_listed(client, q="不存在的组织") == set()


# --- the export for the 年检 ---------------------------------------------------------------------------


def test_the_export_has_chinese_headers_and_one_row_per_record(login, city_admin, records, hp_org, city_org):
    response, rows, formulas = export(login(city_admin), year=YEAR)
    assert "%E5%A4%B1%E4%BF%A1%E8%AE%B0%E5%BD%95" in response["Content-Disposition"]  # 失信记录
    assert str(YEAR) in response["Content-Disposition"]
    assert list(rows[0]) == HEADERS
    assert len(rows) == 4 and formulas == []
    by_name = {row[1]: row for row in rows[1:]}
    row = by_name[hp_org.name]
    record = records["hp"]
    assert row[0].date() == record.recorded_on
    assert row[2] == hp_org.uscc and row[3] == "黄浦区民政局" and row[4] == record.finding.number
    assert row[5] == "乐龄长者助餐服务" and "虚假宣传属实，已责令整改。" in row[6] and row[7] == "否"
    # 登记管理机关 as everywhere else (the directory export, the admin): the bureau, not the district.
    assert by_name[city_org.name][3] == "上海市民政局"


def test_text_that_looks_like_a_formula_stays_text(login, city_admin, monitor, hp_org):
    confirmed(monitor, hp_org, '=HYPERLINK("http://evil.example","点我")', result_text="=1+1 已整改")
    _, rows, formulas = export(login(city_admin), year=YEAR)
    assert formulas == []
    assert all(not (isinstance(v, str) and v.startswith("=")) for row in rows for v in row)


# --- the 严重失信名单 is a deliberate act --------------------------------------------------------------


def test_a_credit_record_does_not_put_the_organization_on_the_serious_list(
    login, city_admin, hp_admin, monitor, hp_org
):
    """R-SUP-4 / R-SUB-3: records inform the 年检; listing stays the administrator's act with a reason."""
    for n in range(3):
        confirmed(monitor, hp_org, f"乐龄项目{n}")
    hp_org.refresh_from_db()
    assert not hp_org.on_serious_list and hp_org.is_eligible
    assert not SeriousDishonestyEntry.objects.exists()
    client = login(city_admin)
    _, rows, _ = export(client, year=YEAR)
    assert {row[7] for row in rows[1:]} == {"否"}
    assert "从未列入严重失信名单" in login(hp_admin).get(org_url(hp_org)).content.decode()
    # The administrator lists it, with a reason: now the export says so.
    organization_list_serious(
        organization=hp_org, by=hp_admin, listed_on=timezone.localdate(), reason="多次虚假宣传"
    )
    _, rows, _ = export(login(city_admin), year=YEAR)
    assert {row[7] for row in rows[1:]} == {"是"}
    assert "多次虚假宣传" in login(hp_admin).get(org_url(hp_org)).content.decode()
