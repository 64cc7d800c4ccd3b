"""R-STA-3: whatever users typed into titles, names, sources or street names, no exported workbook
holds a formula cell or a text cell a spreadsheet would read as one (= + - @ tab CR)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.models import UnitLevel
from tests.factories import OfferingFactory, PurchaserUnitFactory, SocialOrganizationFactory, StreetFactory

from .conftest import THIS_YEAR, awarded, cat, demand, edition, member

pytestmark = pytest.mark.django_db

HOSTILE = ["=1+1", "+x", "-x", "@x", "\tx", "\rx", '=HYPERLINK("http://evil","点我")']
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile(huangpu):
    street = StreetFactory(district=huangpu, name="-x街道")
    unit = PurchaserUnitFactory(
        name="=1+1街道办事处", level=UnitLevel.STREET, district=huangpu, street=street
    )
    org = SocialOrganizationFactory(name="+x服务社", registration_district=huangpu)
    for i, title in enumerate(HOSTILE):
        demand(unit, title=title, category="0101", street=street, source="@x平台" if i % 2 else "本平台")
    awarded(unit, org, "1000", title="@x已承接", category="0201", street=street)
    offers = [OfferingFactory(organization=org, title=t, summary=t, category=cat("0103")) for t in HOSTILE]
    member(edition(), org, offers[:2])
    return {"unit": unit, "org": org, "street": street}


def cells(response):
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    wb = openpyxl.load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                yield ws.title, cell


def assert_no_formulas(response):
    texts = []
    for sheet, cell in cells(response):
        assert cell.data_type != "f", (sheet, cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_START), (sheet, cell.coordinate, cell.value)
            texts.append(cell.value)
    return texts


def test_the_statistics_exports_have_no_formula_cells(client, city_admin, hp_admin, hostile, huangpu):
    client.force_login(city_admin)
    url = reverse("dashboard:stats_export")
    texts = assert_no_formulas(client.get(url))
    assert "'@x平台" in texts  # the source table
    texts = assert_no_formulas(client.get(url, {"district": huangpu.pk}))
    assert "'=1+1街道办事处" in texts and "'-x街道" in texts  # the unit and street tables
    overview = client.get(url, {"table": "overview"})
    assert_no_formulas(overview)
    client.force_login(hp_admin)
    texts = assert_no_formulas(client.get(url))
    assert "'=1+1街道办事处" in texts
    for table in ("unit", "street", "source", "cross", "overview"):
        assert_no_formulas(client.get(url, {"table": table}))


def test_the_public_overview_export_has_no_formula_cells(client, hostile):
    assert_no_formulas(client.get(reverse("dashboard:overview_export")))


def test_the_listing_exports_have_no_formula_cells(client, hostile):
    texts = assert_no_formulas(client.get(reverse("demands:list_export")))
    for title in HOSTILE:
        assert "'" + title in texts
    assert "'+x服务社" in texts and "'=1+1街道办事处" in texts and "'@x平台" in texts

    texts = assert_no_formulas(client.get(reverse("offerings:list_export")))
    assert "'=1+1" in texts and "'+x服务社" in texts

    texts = assert_no_formulas(client.get(reverse("directory:members_export", args=[THIS_YEAR]), {"q": "x"}))
    assert "'+x服务社" in texts
    assert_no_formulas(client.get(reverse("directory:export", args=[THIS_YEAR])))
