"""The main navigation marks the page the visitor is on (aria-current), and only that one."""

import pytest

from tests.html import select

pytestmark = pytest.mark.django_db


def current_items(html):
    return [(a.get("href"), a.text) for a in select(html, 'a[aria-current="page"]')]


def test_the_public_overview_is_marked_on_its_own_page(client):
    assert current_items(client.get("/data/").content.decode()) == [("/data/", "数据概览")]


def test_the_statistics_for_administrators_are_not_the_public_overview(login, city_admin):
    html = login(city_admin).get("/data/dashboard/").content.decode()
    assert ("/data/", "数据概览") not in current_items(html)


def test_a_demand_page_marks_the_demands_section(client):
    assert current_items(client.get("/demands/").content.decode()) == [("/demands/", "我要购买服务")]
