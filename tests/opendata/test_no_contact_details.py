"""R-ACC-4 in open data: no answer of the API, the feeds or the open-data page holds a contact detail
(联系人, 电话, 邮箱, 地址 of demands, offers, purchaser units and organizations) nor who entered a record,
whoever asks. Every contact field in `world` holds a distinctive value; the test searches the raw
text of every answer for each of them, and the JSON keys for contact-like names."""

import pytest

from .conftest import CONTACTS, PUBLIC_DEMANDS, PUBLIC_OFFERS

pytestmark = pytest.mark.django_db

FORBIDDEN_KEYS = ("contact", "phone", "email", "address", "created_by", "creator", "statement", "search")


def keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys(item)


def every_answer(client, world):
    paths = [
        "/api/v1/demands/?page_size=100",
        "/api/v1/demands/?page_size=100&status=cancelled",
        "/api/v1/offerings/?page_size=100",
        "/api/v1/directory/?page_size=100",
        "/api/v1/openapi.json",
        "/api/",
        "/feeds/demands.atom",
        "/feeds/demands.atom?category=01",
        *(f"/api/v1/demands/{world[n].pk}/" for n in PUBLIC_DEMANDS),
        *(f"/api/v1/offerings/{world[n].pk}/" for n in PUBLIC_OFFERS),
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        yield path, response


@pytest.mark.parametrize("who", ["visitor", "hp_purchaser", "city_admin"])
def test_no_answer_holds_a_contact_detail_whoever_asks(client, world, request, who):
    if who != "visitor":
        client.force_login(request.getfixturevalue(who))
    for path, response in every_answer(client, world):
        body = response.content.decode("utf-8")
        for value in CONTACTS:
            assert value not in body, (path, value)
        if response["Content-Type"].startswith("application/json") and "openapi" not in path:
            bad = {k for k in keys(response.json()) if any(word in k for word in FORBIDDEN_KEYS)}
            assert not bad, (path, bad)


def test_the_published_records_do_hold_the_values_searched_for_elsewhere(client, world):
    """The search above means something: the same records' pages show the contacts to a logged-in user."""
    client.force_login(world.creator)
    page = client.get(f"/demands/{world.d_hp_home.pk}/").content.decode()
    assert world.d_hp_home.contact_phone in page
