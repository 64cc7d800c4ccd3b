"""One reference-data lookup for every import (issue 17 §4): the Excel uploads' widgets and the data
link (`import_external_projects`) both find 项目类别, 区, 街镇 and 购买服务类型 through
`portal.import_widgets.ReferenceData`, with the tolerance docs/external-import.md documents: exact
names or codes, full-/half-width, spaces and case alike; never a guess (R-DEM-3, R-OFF-3, R-INT-1).
"""

import pytest

from demands.external import _Lookups
from portal.import_widgets import (
    CategoryWidget,
    DistrictWidget,
    PurchaseTypeWidget,
    ReferenceData,
    StreetWidget,
)
from portal.models import Category

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("养老服务/居家养老服务", "0101"),
        (" 养老服务 / 居家养老服务 ", "0101"),
        ("0101", "0101"),
        ("０１０１", "0101"),  # full-width digits
        ("居家养老服务", "0101"),  # the 二级 name alone, when it is unique
    ],
)
def test_a_category_is_found_by_label_code_or_unique_name(typed, code):
    assert ReferenceData().category(typed).code == code
    assert CategoryWidget().clean(typed).code == code


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("养老", "无法对应本平台的项目类别"),
        ("养老服务", "是一级类别，请填写具体的二级类别"),
        ("01", "是一级类别"),
    ],
)
def test_a_category_that_is_not_one_is_refused_in_chinese(typed, message):
    with pytest.raises(ValueError, match=message):
        ReferenceData().category(typed)


def test_a_second_level_name_used_twice_asks_for_the_full_label():
    home = Category.objects.get(code="0101")
    Category.objects.create(code="0299", name=home.name, parent=Category.objects.get(code="02"))
    with pytest.raises(ValueError, match="对应本平台多个二级类别"):
        ReferenceData().category(home.name)
    assert ReferenceData().category("养老服务/居家养老服务") == home


def test_an_inactive_category_is_refused():
    Category.objects.filter(code="0104").update(is_active=False)
    with pytest.raises(ValueError, match="已停用"):
        CategoryWidget().clean("养老服务/认知症照护")


@pytest.mark.parametrize("typed", ["黄浦区", " 黄浦区", "310101"])
def test_a_district_is_found_by_name_or_code(typed):
    assert DistrictWidget().clean(typed).name == "黄浦区"


def test_a_district_outside_shanghai_is_refused():
    with pytest.raises(ValueError, match="不是上海市的区"):
        DistrictWidget().clean("朝阳区")


@pytest.mark.parametrize(
    "typed", ["基本公共服务", "basic_public", "BASIC_PUBLIC", "ｂａｓｉｃ＿ｐｕｂｌｉｃ"]
)
def test_a_purchase_type_is_found_by_name_or_code(typed):
    assert PurchaseTypeWidget().clean(typed).code == "basic_public"


def test_an_unknown_purchase_type_lists_the_ones_there_are():
    with pytest.raises(ValueError, match="可填：基本公共服务、"):
        PurchaseTypeWidget().clean("政府采购")


def test_a_street_is_found_within_its_district_only(hp_street):
    widget = StreetWidget()
    assert widget.clean(f" {hp_street.name}", row={"district": "310101"}) == hp_street
    with pytest.raises(ValueError, match="不是本平台登记的徐汇区街镇"):
        widget.clean(hp_street.name, row={"district": "徐汇区"})
    with pytest.raises(ValueError, match="请先填写正确的区"):
        widget.clean(hp_street.name, row={"district": ""})


def test_empty_cells_are_left_empty():
    for widget in (CategoryWidget(), DistrictWidget(), PurchaseTypeWidget(), StreetWidget()):
        assert widget.clean("", row={}) is None and widget.clean(None, row={}) is None


def test_the_data_link_uses_the_same_lookup(django_assert_num_queries):
    """One class, so one tolerance: the data link's lookups are ReferenceData (plus its subjects)."""
    lookups = _Lookups()
    assert isinstance(lookups, ReferenceData)
    assert lookups.category("居家养老服务") == CategoryWidget().clean("居家养老服务")
    with django_assert_num_queries(0):  # each table is read once, on first use
        lookups.category("0102")
