"""The trigram indexes on organization and unit names (accounts/migrations/0007, issue 15; 0009's bigram
indexes beside them): on PostgreSQL a name looked up with `icontains` can be answered by them, with the
same rows as a substring match; SQLite has no such index and finds the same rows."""

import pytest
from django.db import connection

from accounts.models import PurchaserUnit, SocialOrganization
from portal.search import names_search
from tests.factories import PurchaserUnitFactory, SocialOrganizationFactory

pytestmark = pytest.mark.django_db

IS_POSTGRES = connection.vendor == "postgresql"
NAMES = ["上海市浦东新区社区服务中心", "徐汇区养老服务社", "ABC社区服务社", "abc助餐点", "静安区社工事务所"]


@pytest.fixture
def named():
    for name in NAMES:
        SocialOrganizationFactory(name=name)
        PurchaserUnitFactory(name=name + "局")


@pytest.mark.parametrize("word", ["社区服务", "养老", "服", "abc", "ABC社区", "事务所", "无此名称"])
@pytest.mark.parametrize("model", [SocialOrganization, PurchaserUnit])
def test_a_name_search_finds_every_name_containing_the_word(named, model, word):
    if IS_POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # the index answers, however few the rows
    found = set(names_search(model.objects.all(), word).values_list("name", flat=True))
    expected = {n for n in model.objects.values_list("name", flat=True) if word.lower() in n.lower()}
    assert found == expected


@pytest.mark.skipif(not IS_POSTGRES, reason="the name indexes exist on PostgreSQL only")
@pytest.mark.parametrize(
    ("model", "word", "index"),
    [
        (SocialOrganization, "社区服务", "org_name_trgm"),
        (PurchaserUnit, "社区服务", "unit_name_trgm"),
        # Two characters have no trigram: the bigram indexes of accounts/0009 answer them.
        (SocialOrganization, "养老", "org_name_bigrams"),
        (PurchaserUnit, "养老", "unit_name_bigrams"),
    ],
)
def test_on_postgresql_a_name_word_is_looked_up_in_its_index(named, model, word, index):
    with connection.cursor() as cursor:
        # Neither a sequential scan nor an index scan in the default order: the name is looked up in its index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        if model is SocialOrganization:
            # accounts/0008's covering index (id) INCLUDE (name, ...) can be read whole as a bitmap,
            # which on five rows costs less than any lookup (on the city-scale data the planner takes
            # org_name_trgm). Out of the way for this check; the test's transaction rolls the DROP back.
            cursor.execute("DROP INDEX org_name_cover")
    assert index in names_search(model.objects.order_by(), word).values("pk").explain()
