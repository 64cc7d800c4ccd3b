"""Helpers shared by the offering tests: a factory, the 发布服务项目 form as a user fills it in,
and small readers of pages and history."""

from offerings.models import Offering
from portal.models import Category
from tests import factories as _factories
from tests import html as _html
from tests.factories import HUANGPU_CODE, XUHUI_CODE
from tests.helpers import current_values

# Moved to tests/factories.py and tests/html.py; kept here for tests written against the old path.
OfferingFactory = _factories.OfferingFactory
text = _html.text


def offering_form(**overrides):
    """A complete, valid 发布服务项目 form (serving 黄浦区 and 徐汇区, never purchased before)."""
    data = {
        "title": "社区长者助餐服务",
        "category": str(Category.objects.get(code="0103").pk),
        "summary": "为社区60周岁以上老人提供助餐、送餐服务，配备营养师，每日供应午餐。",
        "service_targets": "社区60周岁以上老人",
        "service_area": [HUANGPU_CODE, XUHUI_CODE],
        "contact_person": "李女士",
        "contact_phone": "021-54001234",
        "contact_email": "li@example.org",
        "purchaser_name": "",
        "purchase_amount": "",
        "implementation_place": "",
        "implementation_start": "",
        "implementation_end": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def purchase_fields(**overrides):
    """The 曾被政府购买 part of the form, ticked and complete."""
    data = {
        "previously_purchased": "on",
        "purchaser_name": "黄浦区民政局",
        "purchase_amount": "150000",
        "implementation_place": "黄浦区南京东路街道",
        "implementation_start": "2024-01-01",
        "implementation_end": "2024-12-31",
    }
    data.update(overrides)
    return data


EDIT_FIELDS = (
    "title category summary service_targets contact_person contact_phone contact_email "
    "purchaser_name purchase_amount implementation_place implementation_start "
    "implementation_end"
).split()


def edit_form(offering, **overrides):
    """The edit form of an existing offer, filled in with its current values."""
    data = current_values(offering, *EDIT_FIELDS)
    data["service_area"] = ["all"] if offering.citywide else offering.service_codes
    if offering.previously_purchased:
        data["previously_purchased"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def public_titles(client, **params):
    """The titles on the public listing (one page of 50)."""
    response = client.get("/offerings/", {"size": "50", **params})
    assert response.status_code == 200
    return {o.title for o in response.context["page"].object_list}


def history_of(offering):
    """[(user, reason, status)] oldest first."""
    return [
        (h.history_user, h.history_change_reason, h.status)
        for h in offering.history.order_by("history_date", "history_id")
    ]


def snapshot(offering):
    """The stored row and its history length: compare before and after a refused request."""
    return Offering.objects.filter(pk=offering.pk).values().get(), offering.history.count()
