"""The statistics cost a fixed number of SQL queries whatever the size of the tables: one aggregate
query per table, never one per row (pinned here at two data sizes)."""

import pytest
from django.urls import reverse

from dashboard import selectors
from demands.models import Demand
from offerings.selectors import public_offerings
from portal import refdata

from .conftest import THIS_YEAR, more_data

pytestmark = pytest.mark.django_db

# selectors.build: categories, districts (from portal/refdata.py's memo, warmed below: outside a request
# one read of the reference-data version each; no SQL with Redis), the edition, four grouped queries over demands (by kind,
# by buyer, by service district, by month: every demand table is summed from them), then offers ×2
# and members ×2. The district view has no offers by registration authority.
BUILD_PUBLIC = 11
BUILD_CITY = 11
BUILD_DISTRICT = 10
# 对接成效 (issue 13 §7, dashboard/matching_figures.py), on every page: the demands with 承接意向 and
# the awards whose organization was suggested (+2; 有效需求 and 承接数 come from the buyer grouping).
MATCHING_FIGURES = 2
# Pages: an administrator's adds the session, the user and the header's unread-messages count. In a
# request the reference-data version is read once for both lookups (-1).
OVERVIEW_PAGE = BUILD_PUBLIC - 1 + MATCHING_FIGURES
STATS_PAGE = BUILD_CITY - 1 + 3 + MATCHING_FIGURES
DISTRICT_STATS_PAGE = BUILD_DISTRICT - 1 + 3 + MATCHING_FIGURES
STATS_EXPORT = BUILD_CITY - 1 + 2 + MATCHING_FIGURES


@pytest.fixture(params=[0, 40], ids=["small", "large"])
def sized_world(request, world, huangpu, xuhui, hp_unit, xh_unit, city_unit, hp_org, xh_org, city_org):
    more_data(
        request.param,
        huangpu=huangpu,
        xuhui=xuhui,
        hp_unit=hp_unit,
        xh_unit=xh_unit,
        city_unit=city_unit,
        hp_org=hp_org,
        xh_org=xh_org,
        city_org=city_org,
    )
    refdata.categories(), refdata.districts()  # the memo as every request after the first finds it
    return request.param


def test_the_data_really_grows(sized_world):
    assert Demand.objects.count() == 10 + sized_world


def test_the_public_overview(client, sized_world, django_assert_num_queries):
    with django_assert_num_queries(OVERVIEW_PAGE):
        response = client.get(reverse("dashboard:overview"))
    assert response.status_code == 200


def test_the_city_dashboard(client, city_admin, sized_world, django_assert_num_queries):
    client.force_login(city_admin)
    with django_assert_num_queries(STATS_PAGE):
        response = client.get(reverse("dashboard:stats"), {"category": "01", "level": "street"})
    assert response.status_code == 200


def test_the_city_looking_at_one_district(
    client, city_admin, huangpu, sized_world, django_assert_num_queries
):
    client.force_login(city_admin)
    with django_assert_num_queries(DISTRICT_STATS_PAGE):
        response = client.get(reverse("dashboard:stats"), {"district": huangpu.pk})
    assert response.context["dashboard"].scope_label == "黄浦区"


def test_the_district_dashboard(client, hp_admin, sized_world, django_assert_num_queries):
    client.force_login(hp_admin)
    with django_assert_num_queries(DISTRICT_STATS_PAGE):
        response = client.get(reverse("dashboard:stats"), {"source": "platform"})
    assert response.status_code == 200


def test_the_statistics_export(client, city_admin, sized_world, django_assert_num_queries):
    client.force_login(city_admin)
    with django_assert_num_queries(STATS_EXPORT):
        response = client.get(reverse("dashboard:stats_export"))
        b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("view", "expected"), [("public", BUILD_PUBLIC), ("city", BUILD_CITY), ("district", BUILD_DISTRICT)]
)
def test_the_selector_alone(sized_world, huangpu, view, expected, django_assert_num_queries):
    demands = Demand.objects.all()
    if view == "district":
        demands = demands.filter(unit__district=huangpu)
    with django_assert_num_queries(expected):
        selectors.build(
            demands=demands,
            offerings=public_offerings(),
            applications=selectors.member_applications(),
            params=selectors.Params(year=THIS_YEAR),
            view=view,
            district=huangpu if view == "district" else None,
        )
