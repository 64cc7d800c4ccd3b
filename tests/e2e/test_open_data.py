"""A developer, not logged in, reads 开放数据 (/api/): the page passes the accessibility and 375 px
checks, its example link answers JSON from the API, and its OCDS link a valid-looking release package."""

import json

import pytest
from django.utils import timezone

from tests.factories import DemandFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_developer_reads_the_open_data_page_and_follows_its_links(journey, hp_unit):
    demand = DemandFactory(title="开放数据示例养老服务", unit=hp_unit, year=timezone.localdate().year)
    page = journey.page
    journey.goto("/api/", label="开放数据")
    assert page.get_by_role("heading", name="开放数据", level=1).is_visible()
    assert page.get_by_role("heading", name="开放合同数据标准（OCDS 1.1）").is_visible()
    assert page.get_by_role("cell", name="updated_since").first.is_visible()

    # The listing's endpoint and the year's OCDS package, as the page links them.
    listing = page.request.get(journey.url("/api/v1/demands/"))
    assert listing.ok and demand.pk in [d["id"] for d in listing.json()["results"]]
    href = page.get_by_role("link", name="/api/v1/ocds/").first.get_attribute("href")
    package = json.loads(page.request.get(journey.url(href)).text())
    assert package["version"] == "1.1"
    assert [r["tender"]["title"] for r in package["releases"]] == [demand.title]
