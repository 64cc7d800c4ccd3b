"""Issue 18: on the demand form the 街镇 list follows the chosen 区 without reloading the page; the
server still refuses a 街镇 of another 区 (tests/portal/test_street_follows_district.py)."""

import pytest

from tests.factories import StreetFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def street_options(page):
    return page.locator("#id_street option").all_inner_texts()


def test_purchaser_picks_a_district_and_sees_only_its_streets(journey, hp_purchaser, xuhui):
    StreetFactory(district=xuhui, name="徐家汇街道")
    StreetFactory(district=xuhui, name="湖南路街道")
    page = journey.page
    journey.login(hp_purchaser.username)
    journey.goto("/demands/new/", label="发布需求（街镇跟随区）")
    page.evaluate("window.__sameDocument = true")

    # The form opens on the unit's own 区: only its 街镇.
    assert set(street_options(page)) == {"（不限街镇）", "南京东路街道"}
    page.get_by_label("服务区域").select_option(label="徐汇区")
    assert set(street_options(page)) == {"（不限街镇）", "徐家汇街道", "湖南路街道"}
    page.get_by_label("服务街镇").select_option(label="湖南路街道")

    page.get_by_label("服务区域").select_option(label="黄浦区")
    assert set(street_options(page)) == {"（不限街镇）", "南京东路街道"}
    assert page.locator("#id_street").input_value() == ""  # the 徐汇区 街镇 does not stay chosen
    page.get_by_label("服务街镇").select_option(label="南京东路街道")
    assert page.evaluate("window.__sameDocument === true")  # filtered in place, no reload
    journey.check("发布需求（已选区和街镇）")
    journey.finish()
