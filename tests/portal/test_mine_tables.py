"""我的需求 / 我的服务项目 on a phone (and in 长者模式): narrow screens show each row as a block with
each cell after its column's heading (static/css/portal.css, .table-stack), which the cell carries as
data-label. Every cell of every row must carry exactly its column's heading, in every state a row can be
in (the action cell differs by status), or a phone user reads a value under the wrong heading."""

import pytest

from tests.factories import DemandFactory, OfferingFactory
from tests.html import select_one, text_of

pytestmark = pytest.mark.django_db


def assert_cells_labelled_by_their_headings(response, rows):
    table = select_one(response, "table.table-stack")
    headings = [text_of(th) for th in table.cssselect("thead th")]
    body = table.cssselect("tbody tr")
    assert len(body) == rows
    for row in body:
        assert [cell.get("data-label") for cell in row.cssselect("td")] == headings


def test_my_demands_label_each_cell_in_every_status(as_role, hp_purchaser):
    for status in ("draft", "published", "awarded", "evaluated", "cancelled"):
        DemandFactory(unit=hp_purchaser.purchaser_unit, status=status)
    DemandFactory(unit=hp_purchaser.purchaser_unit, source="外部系统", status="published")
    response = as_role("hp_purchaser").get("/demands/mine/")
    assert_cells_labelled_by_their_headings(response, rows=6)


def test_my_offers_label_each_cell_in_every_status(as_role, hp_org_user):
    for status in ("draft", "published", "withdrawn"):
        OfferingFactory(organization=hp_org_user.organization, status=status)
    response = as_role("hp_org_user").get("/offerings/mine/")
    assert_cells_labelled_by_their_headings(response, rows=3)
