"""Issue 18: the public 数据概览 shows its tables first; ECharts (the portal's own build) is fetched only
when a chart's section comes near the screen, and the charts are drawn then, under their tables."""

import pytest

from tests.factories import DemandFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_overview_draws_its_charts_when_they_come_into_view(journey, hp_unit, xh_unit):
    DemandFactory(unit=hp_unit)
    DemandFactory(unit=xh_unit)
    page = journey.page
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(journey.url("/data/"))
    page.wait_for_load_state("load")
    assert page.locator("table").count() > 1
    sections = page.locator("section.dashboard-section:has(.dashboard-chart)")
    last = sections.last
    assert last.locator(".dashboard-chart").get_attribute("hidden") is not None
    assert page.evaluate("typeof window.echarts") == "undefined"  # nothing fetched for the first screen

    last.scroll_into_view_if_needed()
    last.locator(".dashboard-chart canvas").wait_for()
    assert page.evaluate("typeof window.echarts") == "object"
    table_bottom = last.locator("table").bounding_box()["y"] + last.locator("table").bounding_box()["height"]
    assert last.locator(".dashboard-chart").bounding_box()["y"] >= table_bottom  # the table first
    page.set_viewport_size({"width": 1280, "height": 900})
    journey.check("数据概览（图表已显示）")
    journey.finish()
