"""Issue 18: the 街镇 list follows the chosen 区 wherever a 街镇 is chosen (the demand form, the account
application, the unit admin). The page marks the 街镇 <select> with the 区 <select> it follows and
groups its options under the 区's name (static/js/portal.js keeps the chosen group); without
JavaScript every 街镇 stays listed and the server refuses a 街镇 of another 区 with a message.
The browser side is tests/e2e/test_street_follows_district.py."""

import re

import pytest

from demands.models import Demand
from tests.demands.lifecycle_helpers import demand_form

pytestmark = pytest.mark.django_db


def street_select(html, name):
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, name
    return match.group(0)


def test_the_demand_forms_street_select_follows_the_district_select(login, hp_purchaser, xh_street):
    html = login(hp_purchaser).get("/demands/new/").content.decode()
    select = street_select(html, "street")
    assert 'data-street-for="id_district"' in select
    assert 'id="id_district"' in html
    assert '<optgroup label="黄浦区">' in select and '<optgroup label="徐汇区">' in select


def test_the_account_applications_street_select_follows_its_district(client, hp_street):
    html = client.get("/accounts/apply/").content.decode()
    select = street_select(html, "street_choice")
    assert 'data-street-for="id_district"' in select and '<optgroup label="黄浦区">' in select


def test_the_unit_admins_street_select_follows_its_district(login, city_admin, hp_street):
    client = login(city_admin)
    html = client.get("/admin/accounts/purchaserunit/add/").content.decode()
    select = street_select(html, "street")
    assert 'data-street-for="id_district"' in select and '<optgroup label="黄浦区">' in select
    assert "/static/js/portal.js" in html


def test_the_unit_admin_refuses_a_street_of_another_district(login, city_admin, huangpu, xh_street):
    from accounts.models import PurchaserUnit

    response = login(city_admin).post(
        "/admin/accounts/purchaserunit/add/",
        {
            "name": "某街道办事处",
            "level": "street",
            "district": str(huangpu.pk),
            "street": str(xh_street.pk),
            "uscc": "",
            "business_line": "",
            "contact_person": "",
            "contact_phone": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "所选街镇不属于所选的区" in response.content.decode()
    assert not PurchaserUnit.objects.filter(name="某街道办事处").exists()


def test_without_javascript_a_street_of_another_district_is_refused_with_a_message(
    login, hp_purchaser, hp_street, xh_street
):
    client = login(hp_purchaser)
    data = {**demand_form(hp_street, title="跨区街镇的需求"), "street": str(xh_street.pk)}
    response = client.post("/demands/new/", data)
    assert response.status_code == 200
    assert "所选街镇不属于所选的服务区域" in response.content.decode()
    assert not Demand.objects.filter(title="跨区街镇的需求").exists()
