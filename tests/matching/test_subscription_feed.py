"""A subscription's private Atom feed (issue 13 §4): no login, a random revocable token (revoked or
unknown → 404), valid against RFC 4287 with the public feed's checker (tests/atom.py), only public
records and no contact details, private caching, a fixed number of queries. And the initial
subscription of every organization: the categories and areas of its published offers, created with
its first offer, by the daily command and by seed_demo, never again once turned off or deleted."""

import pytest

from matching import digest, subscriptions
from matching.models import Subscription, SubscriptionStart
from tests.atom import NS, check_atom
from tests.factories import DemandFactory, SocialOrganizationFactory, SubscriptionFactory, UserFactory
from tests.matching.conftest import category, offer
from tests.opendata.conftest import CONTACTS, world  # noqa: F401 - every contact field filled

pytestmark = pytest.mark.django_db


def feed(client, s, status=200):
    response = client.get(f"/feeds/subscriptions/{s.feed_token}.atom")
    assert response.status_code == status
    return response


def titles(root):
    return [e.findtext("a:title", namespaces=NS) for e in root.findall("a:entry", NS)]


@pytest.fixture
def demands_sub(hp_org_user):
    return SubscriptionFactory(user=hp_org_user, name="养老需求", q="养老", filters={"category": ["01"]})


def test_the_demand_feed_is_valid_atom_with_only_public_matching_demands(client, demands_sub, hp_unit):
    DemandFactory(unit=hp_unit, title="居家养老服务", category=category("0101"))
    DemandFactory(unit=hp_unit, title="养老草稿", category=category("0101"), status="draft")
    DemandFactory(unit=hp_unit, title="残疾人养老", category=category("0201"))
    response = feed(client, demands_sub)
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = check_atom(response.content)
    assert titles(root) == ["居家养老服务"]
    assert root.findtext("a:title", namespaces=NS) == "订阅：养老需求"
    assert (
        root.find("a:link[@rel='self']", NS)
        .get("href")
        .endswith(f"/feeds/subscriptions/{demands_sub.feed_token}.atom")
    )


def test_the_offer_feed_of_a_purchaser_is_valid_and_hides_listed_organizations(
    client, hp_purchaser, hp_org, huangpu, list_serious
):
    s = SubscriptionFactory(user=hp_purchaser, name="康复", filters={"category": ["02"]})
    offer(hp_org, "0201", title="社区康复训练", citywide=True)
    listed = SocialOrganizationFactory(registration_district=huangpu)
    offer(listed, "0201", title="失信组织的康复")
    list_serious(listed)
    root = check_atom(feed(client, s).content)
    assert titles(root) == ["社区康复训练"]
    entry = root.find("a:entry", NS)
    assert (
        entry.find("a:link[@rel='alternate']", NS)
        .get("href")
        .endswith(f"/offerings/{hp_org.offerings.get().pk}/")
    )
    assert "服务区域：全市" in entry.findtext("a:summary", namespaces=NS)


@pytest.mark.usefixtures("world")
def test_the_feed_holds_no_contact_details(client, hp_org_user, hp_purchaser):
    for s in (SubscriptionFactory(user=hp_org_user), SubscriptionFactory(user=hp_purchaser)):
        body = feed(client, s).content.decode()
        check_atom(feed(client, s).content)
        assert not [c for c in CONTACTS if c in body]


def test_the_feed_is_private(client, demands_sub):
    response = feed(client, demands_sub)
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("token", ["nonsense", "x" * 65, "%00", "feed-token-000000"])
def test_unknown_tokens_answer_404(client, demands_sub, token):
    assert client.get(f"/feeds/subscriptions/{token}.atom").status_code == 404


def test_a_regenerated_token_revokes_the_old_address(client, demands_sub):
    old = demands_sub.feed_token
    subscriptions.regenerate_token(demands_sub)
    assert client.get(f"/feeds/subscriptions/{old}.atom").status_code == 404
    check_atom(feed(client, demands_sub).content)


def test_a_deleted_subscription_has_no_feed(client, demands_sub):
    token = demands_sub.feed_token
    demands_sub.delete()
    assert client.get(f"/feeds/subscriptions/{token}.atom").status_code == 404


def test_the_feed_costs_a_fixed_number_of_queries(client, demands_sub, hp_unit, django_assert_num_queries):
    DemandFactory(unit=hp_unit, title="养老一", category=category("0101"))
    feed(client, demands_sub)
    # 4: the subscription, the reference-data version (portal/refdata.py; no SQL with Redis), the
    # purchasers and the demands; the names of the subscription's categories come from refdata.
    with django_assert_num_queries(4):
        feed(client, demands_sub)
    DemandFactory.create_batch(10, unit=hp_unit, title="养老多", category=category("0102"))
    with django_assert_num_queries(4):
        assert len(titles(check_atom(feed(client, demands_sub).content))) == 11


# --- the initial subscription of an organization ----------------------------------------------


def test_publishing_the_first_offer_creates_the_initial_subscription(hp_org, hp_org_user, huangpu, xuhui):
    assert not Subscription.objects.exists()
    offer(hp_org, "0101", districts="310101")
    offer(hp_org, "0201", districts=f"310101,{xuhui.code}")
    (s,) = Subscription.objects.filter(user=hp_org_user)
    assert s.is_default and s.kind == "demands" and s.name == subscriptions.DEFAULT_NAME
    assert s.filters["category"] == ["0101"]  # made with the first offer; changed by the user later
    assert SubscriptionStart.objects.filter(user=hp_org_user).exists()


def test_the_initial_subscription_covers_every_category_and_area(
    hp_org, hp_org_user, huangpu, xuhui, hp_unit
):
    offer(hp_org, "0101", status="draft")  # not published: nothing yet
    assert not Subscription.objects.exists()
    o1 = offer(hp_org, "0201", districts=huangpu.code, status="draft")
    o2 = offer(hp_org, "0103", districts=xuhui.code, status="draft")
    type(o1).objects.filter(pk__in=[o1.pk, o2.pk]).update(status="published")  # e.g. a bulk import
    assert subscriptions.ensure_defaults() == 1
    s = Subscription.objects.get(user=hp_org_user)
    assert s.filters == {"category": ["0103", "0201"], "district": sorted([str(huangpu.pk), str(xuhui.pk)])}
    assert "项目类别：老年助餐服务、康复服务；服务区域：" in subscriptions.describe(s)
    DemandFactory(unit=hp_unit, title="黄浦康复", category=category("0201"))
    DemandFactory(unit=hp_unit, title="黄浦居家养老", category=category("0101"))
    assert [d.title for d in subscriptions.matches(s)] == ["黄浦康复"]


def test_a_citywide_offer_means_every_district(hp_org, hp_org_user):
    offer(hp_org, "0101", citywide=True)
    assert Subscription.objects.get(user=hp_org_user).filters == {"category": ["0101"]}


def test_it_is_not_created_again_once_turned_off_or_deleted(hp_org, hp_org_user):
    offer(hp_org, "0101")
    s = Subscription.objects.get(user=hp_org_user)
    subscriptions.set_active(s, False)
    offer(hp_org, "0102")
    assert subscriptions.ensure_defaults() == 0 and Subscription.objects.count() == 1
    s.delete()
    offer(hp_org, "0103")
    digest.send_daily()
    assert not Subscription.objects.exists()


def test_every_account_of_the_organization_gets_one_and_a_new_account_too(hp_org, hp_org_user):
    offer(hp_org, "0101")
    second = UserFactory(role="organization", organization=hp_org)
    assert subscriptions.ensure_defaults() == 1  # the daily command's step
    assert set(Subscription.objects.values_list("user", flat=True)) == {hp_org_user.pk, second.pk}


def test_a_listed_organization_gets_none_while_its_offers_are_hidden(hp_org, hp_org_user, list_serious):
    list_serious(hp_org)
    offer(hp_org, "0101")
    assert not Subscription.objects.exists() and not SubscriptionStart.objects.exists()


def test_no_initial_subscription_for_purchasers(hp_purchaser, hp_org, hp_org_user):
    offer(hp_org, "0101")
    assert list(Subscription.objects.values_list("user", flat=True)) == [hp_org_user.pk]


def test_seed_demo_gives_the_demo_organizations_their_initial_subscription(capsys):
    from django.core.management import call_command

    call_command("seed_demo")
    call_command("seed_demo")
    subs = Subscription.objects.filter(user__username__in=["huangpu_org", "xuhui_org"], is_default=True)
    assert subs.count() == 2 and all(s.filters.get("category") for s in subs)
    assert Subscription.objects.filter(is_default=True).count() == SubscriptionStart.objects.count()
