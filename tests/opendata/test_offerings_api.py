"""GET /api/v1/offerings/ and /api/v1/offerings/<id>/ (issue 8 item 5, R-MAT-1, R-SUB-3, R-ACC-4).

Published offers only; an organization on the 严重失信名单 (or whose registration is revoked) has its
offers hidden while it is listed, as on the listing; the same offers as the listing for the same filters.
"""

import pytest
from django.utils import timezone

from accounts.services import organization_delist_serious
from tests.factories import OfferingFactory, SocialOrganizationFactory

from .conftest import (
    PRIVATE_OFFERS,
    PUBLIC_OFFERS,
    ago,
    district,
    get_json,
    ids,
    listing_ids,
    organization_json,
    pks,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/offerings/"
LIST = "/offerings/"


def test_the_api_lists_published_offers_of_eligible_organizations_newest_first(client, world):
    data = get_json(client, API)
    assert set(ids(data)) == pks(world, *PUBLIC_OFFERS)
    assert ids(data) == listing_ids(client, LIST, {})
    assert not pks(world, *PRIVATE_OFFERS) & set(ids(data))


@pytest.mark.parametrize(
    ("params", "listing_params"),
    [
        ({"category": "01"}, {"category": "01"}),
        ({"category": "0103"}, {"category": "0103"}),
        ({"district": "黄浦区"}, {"district": "黄浦区"}),
        ({"district": "310104"}, {"district": "徐汇区"}),
        ({"district": "崇明区"}, {"district": "崇明区"}),
        ({"previously_purchased": "true"}, {"previously_purchased": "yes"}),
        ({"previously_purchased": "false"}, {"previously_purchased": "no"}),
        ({"directory_member": "true"}, {"directory_member": "yes"}),
        ({"q": "乐龄"}, {"q": "乐龄"}),
        ({"q": "助残 康复"}, {"q": "助残 康复"}),
        ({"sort": "oldest"}, {"sort": "oldest"}),
        (
            {"q": "服务", "district": "徐汇区", "category": "02"},
            {"q": "服务", "district": "徐汇区", "category": "02"},
        ),
    ],
)
def test_the_api_returns_the_same_offers_in_the_same_order_as_the_listing(
    client, world, params, listing_params
):
    if "district" in listing_params:
        listing_params = {**listing_params, "district": str(district(listing_params["district"]).pk)}
    assert ids(get_json(client, API, params)) == listing_ids(client, LIST, listing_params)


def test_directory_member_false_gives_the_others(client, world):
    members = set(ids(get_json(client, API, {"directory_member": "true"})))
    others = set(ids(get_json(client, API, {"directory_member": "false"})))
    assert members == pks(world, "o_hp_meals", "o_hp_citywide", "o_xh_rehab")
    assert others == pks(world, "o_city_children")


def test_an_offer_shows_what_its_public_page_shows(client, world, hp_org):
    data = get_json(client, f"{API}{world.o_hp_citywide.pk}/")
    assert data["title"] == "乐龄居家照护服务"
    assert data["url"] == f"http://testserver/offerings/{world.o_hp_citywide.pk}/"
    assert data["organization"] == organization_json(hp_org, directory_member=True)
    assert data["service_area"] == {"citywide": True, "districts": [], "label": "全市"}
    assert data["previously_purchased"] is True
    assert data["purchase"]["purchaser_name"] == "黄浦区民政局"
    assert data["purchase"]["amount"] == "150000.00"
    other = get_json(client, f"{API}{world.o_city_children.pk}/")
    assert other["service_area"]["label"] == "黄浦区、徐汇区"
    assert other["service_area"]["districts"] == [
        {"code": "310101", "name": "黄浦区"},
        {"code": "310104", "name": "徐汇区"},
    ]
    assert other["purchase"] is None
    assert other["organization"]["registration_authority"] == "上海市民政局"
    assert other["organization"]["directory_member"] is False


@pytest.mark.parametrize("name", PRIVATE_OFFERS)
def test_drafts_withdrawn_offers_and_offers_of_hidden_organizations_answer_404(client, world, name):
    assert "未找到" in get_json(client, f"{API}{world[name].pk}/", status=404)["error"]


def test_an_organization_taken_off_the_serious_list_is_public_again(client, world, hp_admin):
    """R-SUB-3: leaving the list restores the offers."""
    entry = world.listed_org.dishonesty_entries.get()
    organization_delist_serious(
        entry=entry, by=hp_admin, removed_on=timezone.localdate(), reason="信用修复完成"
    )
    assert get_json(client, f"{API}{world.o_listed.pk}/")["id"] == world.o_listed.pk
    assert world.o_listed.pk in ids(get_json(client, API))


# --- pagination and its cost -----------------------------------------------------------------------


@pytest.fixture
def thirty():
    orgs = [SocialOrganizationFactory() for _ in range(6)]
    return [
        OfferingFactory(
            organization=orgs[i % 6],
            title=f"批量助餐服务{i:02d}",
            service_district_codes="310101,310104",
            published_at=ago(100 - i),
        )
        for i in range(30)
    ]


def test_pages_of_offers_follow_one_another(client, thirty):
    first = get_json(client, API, {"page_size": "20"})
    assert (first["count"], first["num_pages"], first["previous"]) == (30, 2, None)
    second = client.get(first["next"]).json()
    assert ids(first) + ids(second) == [o.pk for o in reversed(thirty)]


# The count, the page (organizations with their registration district, categories joined), the
# directory members for the badge, the reference data's version (the district names of the service
# areas come from the process's memo, portal/refdata.py).
LIST_QUERIES = 4
# + the reference data's version (portal/refdata.py: the category's choices and ids, the district
# names and, since, the district looked up, from the process's memo: two queries fewer than before)
FILTERED = {"category": "0103", "district": "徐汇区"}
FILTERED_QUERIES = 4


@pytest.mark.parametrize("size", ["5", "30"])
def test_a_list_request_runs_the_same_number_of_queries_whatever_the_page_size(
    thirty, size, list_pages_counted
):
    counts = (LIST_QUERIES, FILTERED_QUERIES)
    plain, filtered = list_pages_counted(API, size, FILTERED, counts)
    assert len(plain["results"]) == len(filtered["results"]) == int(size)
