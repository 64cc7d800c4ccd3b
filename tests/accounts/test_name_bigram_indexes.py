"""The bigram indexes on organization and unit names (accounts/migrations/0009, issue 15): on PostgreSQL a
word of two Chinese characters is looked up in them (it has no trigram for 0007's indexes), and the rows
stay exactly those of a substring match, on both databases."""

import pytest
from django.db import connection

from accounts.models import PurchaserUnit, SocialOrganization
from demands import selectors
from portal.search import names_search
from tests.factories import DemandFactory, PurchaserUnitFactory, SocialOrganizationFactory

pytestmark = pytest.mark.django_db

IS_POSTGRES = connection.vendor == "postgresql"
# 养老 in one piece, its two characters apart (养护老人), at either end, twice, beside ASCII, one character.
NAMES = ["徐汇区养老服务社", "静安区养护老人服务中心", "养老", "老养社", "ABC养老养老中心", "养", "abc助餐点"]


@pytest.fixture
def named():
    for name in NAMES:
        SocialOrganizationFactory(name=name)
        PurchaserUnitFactory(name=name + "局")


def _no_sequential_scan():
    if IS_POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # an index answers, however few the rows


@pytest.mark.parametrize("word", ["养老", "老人", "养护", "心局", "老养", "助餐"])
@pytest.mark.parametrize("model", [SocialOrganization, PurchaserUnit])
def test_a_name_search_for_two_characters_finds_every_name_containing_them(named, model, word):
    _no_sequential_scan()
    found = set(names_search(model.objects.all(), word).values_list("name", flat=True))
    expected = {n for n in model.objects.values_list("name", flat=True) if word in n}
    assert found == expected
    assert found or word == "心局"  # the organizations' names have no 局


@pytest.mark.parametrize("word", ["养老", "老人", "ABC"])
def test_a_demand_is_found_by_the_two_characters_of_its_organization_name_only(named, word):
    _no_sequential_scan()
    unit = PurchaserUnitFactory(name="测试区第一局")
    by_org = {
        name: DemandFactory(
            unit=unit,
            title="社区助餐项目",
            service_targets="居民",
            qualification="无",
            awarded_org=SocialOrganization.objects.get(name=name),
            status="awarded",
        ).pk
        for name in NAMES
    }
    found = set(
        selectors.demands_search(selectors.public_demands().filter(unit=unit), word).values_list(
            "pk", flat=True
        )
    )
    assert found == {pk for name, pk in by_org.items() if word.lower() in name.lower()}


@pytest.mark.skipif(not IS_POSTGRES, reason="the bigram indexes exist on PostgreSQL only")
@pytest.mark.parametrize(
    ("text", "pieces"),
    [("养老服务社", ["养老", "老服", "服务", "务社"]), ("ab养", ["ab", "b养"]), ("养", []), ("", [])],
)
def test_portal_bigrams_are_the_pairs_of_neighbouring_characters(text, pieces):
    with connection.cursor() as cursor:
        cursor.execute("SELECT portal_bigrams(%s)", [text])
        assert cursor.fetchone()[0] == pieces
