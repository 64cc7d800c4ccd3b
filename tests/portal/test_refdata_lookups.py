"""One tolerance for a typed district (issue 17): the import's (portal.import_widgets.norm: full- and
half-width alike, no spaces, no case; a name or a 区划代码), now also the open-data API's filters and
an offer's 服务区域, which matched the exact name (or, in the API, the exact code) before. The widest
was chosen so that every input any of them accepted stays accepted; “黄浦” still names no district."""

import pytest

from offerings.models import parse_service_area
from opendata.params import find_district
from portal import refdata
from portal.import_widgets import ReferenceData
from tests.factories import PurchaseTypeFactory, StreetFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["黄浦区", "310101", "３１０１０１", "黄浦区 "])
def test_every_caller_finds_the_district_as_the_import_does(huangpu, xuhui, typed):
    assert refdata.district_named(typed) == huangpu
    assert ReferenceData().district(typed) == huangpu
    assert find_district(typed) == huangpu  # the code was matched exactly before, "３１０１０１" refused
    assert parse_service_area(f"{typed}、徐汇区") == (False, [huangpu.code, xuhui.code])  # names only before


def test_spaces_as_each_caller_reads_them(huangpu):
    # In a file's cell any space is dropped; the API refuses what is not printable (a full-width
    # space, as before) and drops the others; in 服务区域 a space separates two districts.
    assert ReferenceData().district(" 黄浦区\u3000") == huangpu
    assert find_district("黄 浦 区") == huangpu and find_district("黄浦区\u3000") is None
    with pytest.raises(ValueError, match="不是上海市的区"):
        parse_service_area("黄 浦 区")


@pytest.mark.parametrize("typed", ["黄浦", "310100", "上海市黄浦区", ""])
def test_no_caller_guesses(huangpu, typed):
    assert refdata.district_named(typed) is None
    assert find_district(typed) is None
    with pytest.raises(ValueError, match="上海市的区"):
        ReferenceData().district(typed)
    if typed:
        with pytest.raises(ValueError, match="不是上海市的区"):
            parse_service_area(typed)


def test_a_street_and_a_purchase_type_by_the_same_tolerance(huangpu):
    street = StreetFactory(district=huangpu)
    assert refdata.street_named(f" {street.name}\u3000", huangpu) == street
    kind = PurchaseTypeFactory(code="basic_public")
    assert refdata.purchase_type_named(kind.code.upper()) == kind
    assert refdata.purchase_type_named(f"{kind.name} ") == kind


def test_attach_gives_a_row_its_category_with_its_parent_without_a_query(django_assert_num_queries):
    """Issue 15: the demand listing's and the 推荐目录 page's 项目类别 come from the memo, as
    select_related("category__parent") gave them (same names, same 养老服务 / 社区养老服务)."""
    from demands.models import Demand
    from tests.factories import DemandFactory
    from tests.helpers import category

    DemandFactory(category=category("0101"))
    joined = Demand.objects.select_related("category__parent").get()
    row = Demand.objects.only("category").get()
    with refdata.held():  # as in a request: the version compared once, at the first lookup
        refdata.categories()
        with django_assert_num_queries(0):
            refdata.attach([row], "category")
            assert (str(row.category), row.category.parent.name) == (str(joined.category), "养老服务")
    assert row.category == joined.category and row.category.parent == joined.category.parent
