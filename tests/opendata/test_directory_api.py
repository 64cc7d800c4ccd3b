"""GET /api/v1/directory/ (issue 8 item 5, R-DIR-4, R-SUB-3): the members of every published edition,
as the public directory pages show them; nothing of an edition still under review, no rejected
application, and a member on the 严重失信名单 hidden while it is listed."""

import pytest

from directory.models import AppStatus
from tests.factories import ApplicationFactory, OfferingFactory, SocialOrganizationFactory

from .conftest import LAST_YEAR, THIS_YEAR, district, get_json, organization_json

pytestmark = pytest.mark.django_db

API = "/api/v1/directory/"


def members(data):
    return [(m["year"], m["organization"]["name"]) for m in data["results"]]


def page_members(client, year, params):
    response = client.get(f"/directory/{year}/", {"size": "50", **params})
    assert response.status_code == 200
    return [(year, a.organization.name) for a in response.context["page"].object_list]


def test_the_api_lists_the_members_of_published_editions_newest_edition_first(
    client, world, hp_org, xh_org, city_org
):
    data = get_json(client, API)
    assert set(members(data)) == {
        (THIS_YEAR, xh_org.name),
        (THIS_YEAR, hp_org.name),
        (LAST_YEAR, hp_org.name),
    }
    # In the order of the pages: this year's first, each year by organization name.
    assert members(data) == page_members(client, THIS_YEAR, {}) + page_members(client, LAST_YEAR, {})
    names = {name for _, name in members(data)}
    assert world.listed_org.name not in names  # on the 严重失信名单
    assert city_org.name not in names  # rejected this year; approved in an edition not yet published


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"category": "01"},
        {"category": "0103"},
        {"category": "02"},
        {"district": "黄浦区"},
        {"district": "徐汇区"},
        {"q": "乐龄"},
        {"q": "助残康复"},
    ],
)
@pytest.mark.parametrize("year", [THIS_YEAR, LAST_YEAR])
def test_the_api_returns_the_same_members_as_the_directory_page(client, world, year, params):
    page_params = dict(params)
    if "district" in params:
        page_params["district"] = str(district(params["district"]).pk)
    assert members(get_json(client, API, {"year": str(year), **params})) == page_members(
        client, year, page_params
    )


def test_a_member_carries_its_organization_and_evidence_but_not_its_statement(client, world, hp_org):
    data = get_json(client, API, {"year": str(THIS_YEAR), "district": "黄浦区"})
    (member,) = data["results"]
    assert member["year"] == THIS_YEAR
    assert member["edition_url"] == f"http://testserver/directory/{THIS_YEAR}/"
    assert member["organization"] == organization_json(hp_org, district={"code": "310101", "name": "黄浦区"})
    assert [e["title"] for e in member["evidence"]] == ["乐龄长者助餐服务", "乐龄居家照护服务"]
    assert member["evidence"][0]["url"] == f"http://testserver/offerings/{world.o_hp_meals.pk}/"
    assert "自荐说明" not in str(data)


def test_a_year_without_a_published_edition_is_an_empty_list(client, world):
    assert get_json(client, API, {"year": str(THIS_YEAR + 1)})["count"] == 0
    assert get_json(client, API, {"year": "2001"})["count"] == 0


# The count, the page (editions and organizations joined), the evidence offers of the page.
LIST_QUERIES = 3


@pytest.mark.parametrize("size", ["5", "30"])
def test_a_list_request_runs_the_same_number_of_queries_whatever_the_page_size(
    world, size, list_pages_counted
):
    for i in range(30):
        org = SocialOrganizationFactory()
        ApplicationFactory(
            edition=world.ed_this,
            organization=org,
            status=AppStatus.APPROVED,
            evidence=[OfferingFactory(organization=org, title=f"批量佐证{i}")],
        )
    filters = {"category": "01", "district": "黄浦区", "year": str(THIS_YEAR)}
    # + the reference data's version (portal/refdata.py; no SQL with Redis): the category and the
    # district are looked up in the process's memo (a query each before)
    data, _ = list_pages_counted(API, size, filters, (LIST_QUERIES, LIST_QUERIES + 1))
    assert len(data["results"]) == int(size)
    assert all(m["evidence"] for m in data["results"])
