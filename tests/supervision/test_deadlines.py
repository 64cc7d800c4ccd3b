"""R-SUP-2 (第四条(三)): the deadline table of a year, per district for the city and per purchaser
unit for a district administrator, sortable and exportable."""

import datetime
import io
import zoneinfo

import pytest
from openpyxl import load_workbook

from demands.models import Demand
from supervision import deadlines
from tests.factories import DemandFactory

pytestmark = pytest.mark.django_db
URL = "/supervision/deadlines/"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
YEAR = 2025


def at(month, day):
    return datetime.datetime(YEAR, month, day, 10, 0, tzinfo=SHANGHAI)


def planned(unit, title, published_at):
    """A demand of the annual plan, carried out from June to December."""
    return DemandFactory(
        unit=unit,
        title=title,
        year=YEAR,
        published_at=published_at,
        period_start=datetime.date(YEAR, 6, 1),
        period_end=datetime.date(YEAR, 12, 31),
    )


def added(unit, title, published_at):
    """A demand added to the plan once its budget was approved on 1 July, carried out from August."""
    return DemandFactory(
        unit=unit,
        title=title,
        year=YEAR,
        plan_type="added",
        budget_approved_on=datetime.date(YEAR, 7, 1),
        published_at=published_at,
        period_start=datetime.date(YEAR, 8, 1),
        period_end=datetime.date(YEAR, 12, 31),
    )


@pytest.fixture
def year_of_demands(hp_unit, xh_unit, city_unit):
    # 黄浦: one planned on time, one planned late, one added within 20 days.
    planned(hp_unit, "黄浦按时", at(4, 30))
    planned(hp_unit, "黄浦逾期", at(5, 1))
    added(hp_unit, "黄浦新增", at(7, 21))
    # 徐汇: one added project published on day 21 (late).
    added(xh_unit, "徐汇新增逾期", at(7, 22))
    # A city-level unit, and a cancelled demand that is not counted.
    planned(city_unit, "市级按时", at(3, 1))
    DemandFactory(unit=hp_unit, title="取消的", year=YEAR, status="cancelled", published_at=at(3, 1))


def test_the_city_table_counts_per_district(year_of_demands):
    rows = {r.name: r for r in deadlines.table(Demand.objects.filter(year=YEAR), by="district")}
    assert set(rows) == {"黄浦区", "徐汇区", "市级部门"}
    hp = rows["黄浦区"].counts
    assert (hp["planned"], hp["planned_on_time"], hp["planned_late"]) == (2, 1, 1)
    assert (hp["added"], hp["added_on_time"], hp["added_late"]) == (1, 1, 0)
    xh = rows["徐汇区"].counts
    assert (xh["added"], xh["added_on_time"], xh["added_late"]) == (1, 0, 1)
    assert rows["黄浦区"].on_time_rate == pytest.approx(66.7)
    # The year is over, no award was recorded: every published demand has its award overdue.
    assert hp["award_overdue"] == 3


def test_the_city_page_shows_districts_side_by_side(login, city_admin, year_of_demands):
    html = login(city_admin).get(URL, {"year": YEAR}).content.decode()
    assert "黄浦区" in html and "徐汇区" in html and "市级部门" in html


def test_a_district_administrator_sees_its_units_only(login, hp_admin, year_of_demands, hp_unit):
    html = login(hp_admin).get(URL, {"year": YEAR}).content.decode()
    assert hp_unit.name in html
    assert "徐汇区徐家汇街道办事处" not in html and "市级部门" not in html


def test_sorting_by_a_column_puts_the_largest_first(year_of_demands):
    rows = deadlines.table(Demand.objects.filter(year=YEAR), by="district")
    assert [r.name for r in deadlines.sort_rows(rows, "added_late")][0] == "徐汇区"
    assert deadlines.sort_rows(rows, "bogus") == rows


def test_the_table_exports_to_excel_with_chinese_headers(login, city_admin, year_of_demands):
    response = login(city_admin).get(URL, {"year": YEAR, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert "区" in header[0] and "4月30日前发布" in header
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert set(names) == {"黄浦区", "徐汇区", "市级部门"}


@pytest.mark.parametrize("who", ["hp_purchaser", "hp_org_user", "monitor"])
def test_other_roles_cannot_open_the_table(request, login, who):
    assert login(request.getfixturevalue(who)).get(URL).status_code == 403


def test_a_bad_year_falls_back_to_this_year(login, city_admin):
    assert login(city_admin).get(URL, {"year": "abc"}).status_code == 200
    assert login(city_admin).get(URL, {"year": "0000"}).status_code == 200
