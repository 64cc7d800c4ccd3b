"""Synchronisation through `updated_since` (issue 17 §5): what was taken away since comes back with its
status instead of vanishing (a cancelled demand, a withdrawn offer, a member of the directory put on
the 严重失信名单), and paging is by a stable (changed_at, id) cursor, so that a change between two page
reads skips nothing."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from accounts.services import organization_list_serious
from offerings.services import offering_withdraw
from tests.offerings.helpers import OfferingFactory

from .conftest import ago, get_json, ids

pytestmark = pytest.mark.django_db

OFFERINGS, DEMANDS, DIRECTORY = "/api/v1/offerings/", "/api/v1/demands/", "/api/v1/directory/"


def follow(client, url, params):
    """Every page of a listing, following `next`: [(page's ids, page's data), ...]."""
    pages = []
    data = get_json(client, url, params)
    while True:
        pages.append(data)
        if not data["next"]:
            return pages
        query = {k: v[0] for k, v in parse_qs(urlsplit(data["next"]).query).items()}
        data = get_json(client, url, query)


@pytest.fixture
def thirty_offers(hp_org):
    since = timezone.now()
    offers = [
        OfferingFactory(organization=hp_org, title=f"同步测试服务{i:02d}", published_at=ago(30))
        for i in range(30)
    ]
    return since, offers


def test_withdrawing_an_offer_between_two_page_reads_skips_no_other_offer(client, thirty_offers, hp_org_user):
    since, offers = thirty_offers
    params = {"updated_since": since.isoformat(), "page_size": "10"}
    first = get_json(client, OFFERINGS, params)
    assert ids(first) == [o.pk for o in offers[:10]]  # oldest change first
    # Between the reads, an offer already read is withdrawn: with page numbers, page 2 would start one
    # record later and offers[10] would never be seen.
    offering_withdraw(offering=offers[3], by=hp_org_user)
    rest = follow(client, OFFERINGS, {k: v[0] for k, v in parse_qs(urlsplit(first["next"]).query).items()})
    seen = ids(first) + [pk for page in rest for pk in ids(page)]
    assert set(seen) == {o.pk for o in offers}
    assert seen[-1] == offers[3].pk  # changed last, so read last, with its new status
    assert rest[-1]["results"][-1]["status"] == "withdrawn"
    assert "cursor=" in first["next"] and "page=" not in first["next"]


def test_a_record_changed_during_the_sync_is_read_again_not_lost(client, thirty_offers, hp_org_user):
    since, offers = thirty_offers
    first = get_json(client, OFFERINGS, {"updated_since": since.isoformat(), "page_size": "25"})
    offers[24].title = "同步测试服务（已修改）"
    offers[24].save()
    following = get_json(
        client, OFFERINGS, {k: v[0] for k, v in parse_qs(urlsplit(first["next"]).query).items()}
    )
    assert ids(following) == [o.pk for o in offers[25:]] + [offers[24].pk]


def test_a_withdrawn_offer_comes_back_from_updated_since_and_stays_out_of_the_listing(
    client, world, hp_org_user
):
    since = timezone.now()
    offering_withdraw(offering=world.o_hp_meals, by=hp_org_user)
    synced = get_json(client, OFFERINGS, {"updated_since": since.isoformat()})
    assert [(r["id"], r["status"]) for r in synced["results"]] == [(world.o_hp_meals.pk, "withdrawn")]
    assert world.o_hp_meals.pk not in ids(get_json(client, OFFERINGS, {"page_size": "100"}))
    get_json(client, f"{OFFERINGS}{world.o_hp_meals.pk}/", status=404)
    # Drafts never published and offers withdrawn long ago are not part of this sync.
    assert world.o_draft.pk not in ids(
        get_json(client, OFFERINGS, {"updated_since": "2000-01-01", "page_size": "100"})
    )


def test_a_cancelled_demand_comes_back_from_updated_since_with_its_status(client, world):
    synced = get_json(client, DEMANDS, {"updated_since": "2000-01-01", "page_size": "100"})
    statuses = {r["id"]: r["status"] for r in synced["results"]}
    assert statuses[world.d_cancelled.pk] == "cancelled"
    assert world.d_draft.pk not in statuses and world.d_cancelled_draft.pk not in statuses


def test_a_member_put_on_the_serious_list_comes_back_as_removed(client, world, hp_admin, hp_org):
    since = timezone.now()
    assert world.m_this_hp.pk in [r["id"] for r in get_json(client, DIRECTORY)["results"]]
    organization_list_serious(
        organization=hp_org, by=hp_admin, listed_on=timezone.localdate(), reason="虚假材料"
    )
    synced = get_json(client, DIRECTORY, {"updated_since": since.isoformat()})
    rows = {r["id"]: r for r in synced["results"]}
    assert set(rows) == {world.m_this_hp.pk, world.m_last_hp.pk}
    assert {r["status"] for r in rows.values()} == {"removed"}
    assert all(r["evidence"] == [] for r in rows.values())
    # The listing itself no longer shows it, as the directory page does.
    assert world.m_this_hp.pk not in [r["id"] for r in get_json(client, DIRECTORY)["results"]]


def test_a_cursor_alone_continues_from_where_it_points(client, thirty_offers):
    _since, offers = thirty_offers
    first = get_json(client, OFFERINGS, {"updated_since": "2000-01-01", "page_size": "5"})
    cursor = parse_qs(urlsplit(first["next"]).query)["cursor"][0]
    after = get_json(client, OFFERINGS, {"cursor": cursor, "page_size": "100"})
    assert ids(first) + ids(after) == [o.pk for o in offers]
