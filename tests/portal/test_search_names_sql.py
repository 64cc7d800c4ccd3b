"""A search word's names query (portal/search.py `_name_conditions`) is compiled once per shape of
word and reused with the next word's parameters (issue 15): the SQL and parameters it runs are those
Django compiles for that word, and it finds the same records."""

import pytest
from django.db import connections, router

from demands.models import Demand
from offerings.models import Offering
from portal import search, shapes
from tests.factories import DemandFactory, PurchaserUnitFactory

# (the word compiled first, the word that reuses its SQL): same shape, different words.
PAIRS = [
    ("养老", "浦东"),
    ("社区服务", "居家养老"),
    ("老", "区"),
    ("xyz", "abc"),
    ("q%_\\", "A%_b"),
    ("Ab", "5a"),
    ("养老a", "社区b"),
]


def by_fk(model):
    out = {}
    for path in model.SEARCH_NAMES:
        fk, _, lookup = path.partition("__")
        out.setdefault(fk, []).append(lookup)
    return out


@pytest.mark.parametrize("model", [Demand, Offering])
@pytest.mark.parametrize(("first", "word"), PAIRS)
def test_kept_sql_is_what_django_compiles_for_the_word(db, model, first, word):
    shapes.clear()
    fks = by_fk(model)
    search._joined_ids(model, first, fks)
    (kept,) = _names_kept()
    db_alias = router.db_for_read(model._meta.get_field(next(iter(fks))).related_model)
    query = search._names_query(model, word, fks)
    expected = query.query.get_compiler(db_alias).as_sql()
    assert kept.bind((word,), connections[db_alias]) == (expected[0], list(expected[1]))


def _names_kept():
    return [kept for key, kept in shapes.KEPT.items() if key[0] == "names"]


def test_a_reused_query_finds_the_records_of_its_word(db):
    shapes.clear()
    DemandFactory(unit=PurchaserUnitFactory(name="浦东新区民政局"))
    DemandFactory(unit=PurchaserUnitFactory(name="黄浦区养老服务中心"))
    fks = by_fk(Demand)
    assert search._joined_ids(Demand, "养老", fks) == dict(search._names_query(Demand, "养老", fks))
    assert len(_names_kept()) == 1
    assert search._joined_ids(Demand, "浦东", fks) == dict(search._names_query(Demand, "浦东", fks))
    assert len(_names_kept()) == 1  # the same shape: the SQL kept for 养老
