"""Issue 18: a demand, an offer and the directory print cleanly (static/css/print.css): the content
only (no header, navigation, forms or buttons), black on white, nothing wider than the paper."""

import pytest

from tests.factories import DemandFactory
from tests.offerings.helpers import OfferingFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

A4_CSS_PX = 794 - 2 * 57  # 210 mm at 96 dpi, less the 15 mm margins of @page

PRINT_JS = """
() => {
  const shown = (sel) => Array.from(document.querySelectorAll(sel)).some(el => {
    const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).display !== 'none';
  });
  return {
    header: shown('.site-header'), nav: shown('.main-nav'), forms: shown('main form'), buttons: shown('main .btn'),
    breadcrumb: shown('.breadcrumb'), h1: shown('main h1'),
    background: getComputedStyle(document.body).backgroundColor, color: getComputedStyle(document.body).color,
    width: document.documentElement.scrollWidth,
  };
}
"""


def test_a_demand_an_offer_and_the_directory_print_cleanly(journey, hp_unit, hp_org):
    demand = DemandFactory(unit=hp_unit, title="南京东路街道长者助餐服务")
    offer = OfferingFactory(organization=hp_org, title="乐龄长者助餐服务")
    page = journey.page
    for path in (f"/demands/{demand.pk}/", f"/offerings/{offer.pk}/", "/directory/"):
        journey.goto(path, label=f"{path}（打印前）")
        page.set_viewport_size({"width": A4_CSS_PX, "height": 1100})
        page.emulate_media(media="print")
        try:
            found = page.evaluate(PRINT_JS)
            assert found["h1"], path
            assert not (
                found["header"] or found["nav"] or found["forms"] or found["buttons"] or found["breadcrumb"]
            ), (
                path,
                found,
            )
            assert found["background"] == "rgb(255, 255, 255)" and found["color"] == "rgb(0, 0, 0)", found
            assert found["width"] <= A4_CSS_PX, (path, found["width"])
        finally:
            page.emulate_media(media="screen")
            page.set_viewport_size({"width": 1280, "height": 900})
    journey.finish()
