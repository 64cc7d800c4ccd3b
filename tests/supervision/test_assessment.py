"""The assessment table, R-SUP-6 (第四条 督办和考核): the indicators of R-SUP-1 (completeness) and
R-SUP-2 (deadlines), with the content findings (R-SUP-3) and credit records (R-SUP-4), for one year;
per district side by side for the city, per purchaser unit for a district; sortable; exported to
Excel."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from portal.models import District
from supervision import findings
from tests.factories import DemandFactory, OfferingFactory, PurchaserUnitFactory, SocialOrganizationFactory
from tests.supervision.closed_at_once import no_answer_period  # noqa: F401

pytestmark = pytest.mark.django_db


URL = "/supervision/assessment/"
YEAR = timezone.localdate().year
CITY_ROW = "市级"
DISTRICT_ONLY = {"offering_incomplete", "credit_records"}


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def table(client, **params):
    """{row name: {column key: value}} and the row names in order, as the page shows them."""
    response = client.get(URL, params)
    assert response.status_code == 200
    keys = [key for key, _ in response.context["columns"]]
    rows = {row.name: dict(zip(keys, values, strict=True)) for row, values in response.context["rows"]}
    order = [row.name for row, _ in response.context["rows"]]
    return rows, order, response


def open_and_close(monitor, target_type, target, kind="false", result="confirmed"):
    finding = findings.open_finding(
        by=monitor, target_type=target_type, target_id=target.pk, kind=kind, description="信息与实际不符"
    )
    if result:
        findings.close_finding(finding=finding, by=monitor, result=result, result_text="已责令整改")
    return finding


@pytest.fixture
def hp_other_unit(huangpu):
    return PurchaserUnitFactory(name="黄浦区民政局", district=huangpu)


@pytest.fixture
def known(monitor, hp_unit, hp_other_unit, xh_unit, city_unit, hp_org, xh_org):
    """A year of known data:
    - 黄浦: a late demand (31 days into its implementation, no award) of hp_unit, a demand of
      hp_other_unit starting later, an incomplete offer of hp_org, a 虚假/夸大 finding on another
      hp_org offer closed as 属实 (→ a credit record) and an open finding on the late demand;
    - 徐汇: one demand starting later, a complete offer;
    - 市级: one demand of a city department."""
    late = DemandFactory(unit=hp_unit, title="黄浦逾期未补录", year=YEAR, period_start=days(-31))
    DemandFactory(unit=hp_other_unit, title="黄浦区民政局项目", year=YEAR, period_start=days(20))
    DemandFactory(unit=xh_unit, title="徐汇项目", year=YEAR, period_start=days(20))
    DemandFactory(unit=city_unit, title="市级项目", year=YEAR, period_start=days(20))
    DemandFactory(unit=hp_unit, title="黄浦草稿", year=YEAR, status="draft")
    OfferingFactory(organization=hp_org, title="简介过短", summary="助餐")
    OfferingFactory(organization=xh_org, title="徐汇完整项目")
    open_and_close(monitor, "offering", OfferingFactory(organization=hp_org, title="乐龄虚假宣传"))
    open_and_close(monitor, "demand", late, kind="other", result=None)
    return {"late": late}


# --- the city view ------------------------------------------------------------------------------------


def test_the_city_sees_every_district_side_by_side(login, city_admin, known):
    rows, order, response = table(login(city_admin))
    districts = list(District.objects.order_by("code").values_list("name", flat=True))
    assert len(districts) == 16
    assert order == districts + [CITY_ROW]
    assert [key for key, _ in response.context["columns"]][-1] == "credit_records"
    html = response.content.decode()
    for name in districts:
        assert f'<th scope="row" class="text-nowrap">{name}</th>' in html


def test_the_city_values_are_the_counts_of_the_known_data(login, city_admin, known):
    rows, _, response = table(login(city_admin))
    hp, xh, city = rows["黄浦区"], rows["徐汇区"], rows[CITY_ROW]
    assert hp["award_overdue"] == 1 and hp["demand_incomplete"] == 1
    assert hp["offering_incomplete"] == 1
    assert hp["findings"] == 2 and hp["findings_confirmed"] == 1 and hp["credit_records"] == 1
    assert hp["published"] == 2 and hp["planned"] == 3  # the draft is planned, not published
    assert xh["published"] == 1 and xh["award_overdue"] == 0 and xh["demand_incomplete"] == 0
    assert xh["offering_incomplete"] == 0 and xh["findings"] == 0 and xh["credit_records"] == 0
    assert city["published"] == 1 and city["findings"] == 0
    # Districts without any data are there, all zero.
    assert set(rows["浦东新区"].values()) == {0}
    by_name = {row.name: row for row, _ in response.context["rows"]}
    assert by_name["黄浦区"].complete_rate == 50.0  # 2 published, 1 incomplete
    assert by_name["浦东新区"].complete_rate is None and by_name["浦东新区"].on_time_rate is None


def test_the_table_counts_only_the_chosen_year(login, city_admin, hp_unit, known):
    DemandFactory(unit=hp_unit, title="去年的项目", year=YEAR - 1, period_start=days(-400))
    rows, _, _ = table(login(city_admin), year=YEAR - 1)
    assert rows["黄浦区"]["published"] == 1 and rows["黄浦区"]["award_overdue"] == 1
    assert rows["黄浦区"]["findings"] == 0 and rows["黄浦区"]["credit_records"] == 0
    assert rows["徐汇区"]["published"] == 0


def test_sorting_by_a_column(login, city_admin, xh_unit, known):
    client = login(city_admin)
    _, order, _ = table(client, sort="award_overdue")
    assert order[0] == "黄浦区"
    DemandFactory(unit=xh_unit, year=YEAR, period_start=days(-40))
    DemandFactory(unit=xh_unit, year=YEAR, period_start=days(-50))
    rows, order, _ = table(client, sort="award_overdue")
    assert order[:2] == ["徐汇区", "黄浦区"] and rows["徐汇区"]["award_overdue"] == 2
    _, order, _ = table(client, sort="credit_records")
    assert order[0] == "黄浦区"
    # Rates: worst first, rows without any value last.
    _, order, response = table(client, sort="complete_rate")
    rates = [row.complete_rate for row, _ in response.context["rows"]]
    present = [r for r in rates if r is not None]
    assert present == sorted(present) and rates[: len(present)] == present
    # An unknown sort keeps the official order.
    _, order, _ = table(client, sort="nonsense")
    assert order[0] == District.objects.order_by("code").first().name and order[-1] == CITY_ROW


# --- the district view --------------------------------------------------------------------------------


def test_a_district_sees_its_own_purchaser_units(login, hp_admin, hp_unit, hp_other_unit, known):
    rows, order, response = table(login(hp_admin))
    assert order == sorted([hp_unit.name, hp_other_unit.name])
    keys = [key for key, _ in response.context["columns"]]
    assert not DISTRICT_ONLY & set(keys)
    unit = rows[hp_unit.name]
    assert unit["award_overdue"] == 1 and unit["demand_incomplete"] == 1 and unit["published"] == 1
    # The finding on its demand is counted for the unit; the organization's is not a unit's.
    assert unit["findings"] == 1 and unit["findings_confirmed"] == 0
    other = rows[hp_other_unit.name]
    assert other["award_overdue"] == 0 and other["findings"] == 0 and other["published"] == 1
    html = response.content.decode()
    assert "徐汇" not in "".join(order) and "徐汇区徐家汇街道办事处" not in html


def test_another_district_sees_none_of_huangpus_units(login, xh_admin, xh_unit, known):
    rows, order, _ = table(login(xh_admin))
    assert order == [xh_unit.name]
    assert rows[xh_unit.name]["published"] == 1 and rows[xh_unit.name]["findings"] == 0


@pytest.mark.parametrize("who", ["monitor", "hp_purchaser", "hp_org_user"])
def test_non_administrators_are_refused(request, login, who, known):
    client = login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"format": "xlsx"}).status_code == 403


def test_visitors_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- Excel ------------------------------------------------------------------------------------------


def exported(client, **params):
    response = client.get(URL, {**params, "format": "xlsx"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("who", ["city_admin", "hp_admin"])
def test_the_export_matches_the_table(request, login, who, known):
    client = login(request.getfixturevalue(who))
    _, order, response = table(client, sort="findings")
    sheet = exported(client, sort="findings")
    labels = [label for _, label in response.context["columns"]]
    rate_labels = [label for _, label in response.context["rate_columns"]]
    assert sheet[0] == [response.context["group_label"], *labels, *rate_labels]
    assert [row[0] for row in sheet[1:]] == order
    for (row, values), line in zip(response.context["rows"], sheet[1:], strict=True):
        assert line[1 : 1 + len(values)] == values
        rates = [None if r is None else str(r) for r in row.rates]
        assert line[1 + len(values) :] == rates


def test_every_column_has_its_own_header(login, city_admin, known):
    header = exported(login(city_admin))[0]
    assert len(header) == len(set(header)), header


# --- query counts -----------------------------------------------------------------------------------


def queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    return len(captured)


def more_data(monitor, units, n):
    """n more demands, offers, findings and credit records spread over the given units' districts."""
    for i in range(n):
        unit = units[i % len(units)]
        demand = DemandFactory(unit=unit, year=YEAR, period_start=days(-31 - i))
        org = SocialOrganizationFactory(registration_district=unit.district) if unit.district else None
        if org is not None:
            OfferingFactory(organization=org, summary="短")
            open_and_close(monitor, "offering", OfferingFactory(organization=org))
        open_and_close(monitor, "demand", demand, result="unfounded")


@pytest.mark.parametrize("who", ["city_admin", "hp_admin"])
def test_the_table_costs_the_same_queries_at_two_sizes(
    request, login, who, monitor, hp_unit, xh_unit, city_unit
):
    client = login(request.getfixturevalue(who))
    other_hp = PurchaserUnitFactory(district=hp_unit.district)
    units = [hp_unit, xh_unit, city_unit, other_hp]
    more_data(monitor, units, 2)
    client.get(URL)
    small = queries(client)
    more_data(monitor, units + [PurchaserUnitFactory(district=hp_unit.district) for _ in range(3)], 14)
    assert queries(client) == small
