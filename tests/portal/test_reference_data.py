"""Reference data is loaded by migrations so that a fresh database has it."""

import pytest

from portal.models import Category, District, PurchaseType

pytestmark = pytest.mark.django_db


def test_the_16_districts_with_their_codes():
    assert District.objects.count() == 16
    assert District.objects.get(code="310101").name == "黄浦区"
    assert District.objects.get(code="310151").name == "崇明区"


def test_two_level_categories():
    top = Category.objects.filter(parent=None)
    assert top.count() == 13
    assert Category.objects.filter(parent__isnull=False).count() == 38
    elderly = Category.objects.get(code="01")
    assert elderly.name == "养老服务" and elderly.level == 1
    assert {c.name for c in elderly.children.all()} >= {"居家养老服务", "老年助餐服务"}
    assert str(Category.objects.get(code="0103")) == "养老服务 / 老年助餐服务"


def test_purchase_types_outside_scope_carry_the_reason():
    refused = PurchaseType.objects.filter(allowed=False)
    assert {p.code for p in refused} == {"auxiliary", "subsidy"}
    assert all("第四条" in p.note for p in refused)
    assert PurchaseType.objects.filter(allowed=True).count() == 5
