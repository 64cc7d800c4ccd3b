"""The admin site's permission rules, changing (R-ROLE-2, R-ACC-5): another district's rows cannot be
changed by POST, and units and accounts are added only in the administrator's own district. Each
refusal has a matching positive case, so an invalid payload cannot pass as "refused"."""

import pytest

from accounts.models import PurchaserUnit, Role, User
from tests.accounts.admin_helpers import (
    NEW_PASSWORD,
    Pk,
    admin_url,
    assert_refused_without_data,
    form_errors,
    new_user_form,
    org_form,
    resolve,
    unit_form,
    user_form,
)
from tests.factories import uscc

pytestmark = pytest.mark.django_db

# --- 3. changing another district's rows by POST ---------------------------------------------------------


CHANGE_CASES = [
    ("hp_unit", unit_form, "name"),
    ("xh_unit", unit_form, "name"),
    ("hp_org", org_form, "name"),
    ("xh_org", org_form, "name"),
    ("hp_purchaser", user_form, "full_name"),
    ("xh_purchaser", user_form, "full_name"),
]


@pytest.mark.parametrize("target, build_form, field", CHANGE_CASES)
def test_huangpu_admin_post_changes_only_huangpu_rows(request, login, hp_admin, target, build_form, field):
    obj = request.getfixturevalue(target)
    before = getattr(obj, field)
    client = login(hp_admin)

    response = client.post(admin_url(obj, "change"), build_form(obj, **{field: "已被黄浦区修改"}))

    obj.refresh_from_db()
    if target.startswith("hp_"):
        assert response.status_code == 302
        assert getattr(obj, field) == "已被黄浦区修改"
    else:
        assert_refused_without_data(client, response, before)
        assert getattr(obj, field) == before


def test_huangpu_admin_cannot_move_its_unit_into_xuhui(login, hp_admin, hp_unit, huangpu, xuhui, xh_street):
    response = login(hp_admin).post(
        admin_url(hp_unit, "change"), unit_form(hp_unit, district=xuhui.pk, street=xh_street.pk)
    )
    assert {"district", "street"} <= set(form_errors(response))
    hp_unit.refresh_from_db()
    assert hp_unit.district == huangpu


def test_huangpu_admin_cannot_pull_a_unit_moved_to_xuhui_back_through_its_old_version(
    login, hp_admin, unit_moved_to_xuhui, huangpu, hp_street, xuhui
):
    unit, old_version = unit_moved_to_xuhui
    login(hp_admin).post(old_version, unit_form(unit, district=huangpu.pk, street=hp_street.pk))
    unit.refresh_from_db()
    assert unit.district == xuhui


# --- 4. adding units and accounts ------------------------------------------------------------------------


def new_unit_form(name, district, unit_uscc, /, **changes):
    """The add form of a new district-level 民政 unit; `changes` may name any form field, district too."""
    return unit_form(
        PurchaserUnit(name=name, level="district", district=district, uscc=unit_uscc, business_line="民政"),
        **changes,
    )


def test_huangpu_admin_can_add_a_purchaser_unit_in_huangpu(login, hp_admin, huangpu, hp_street):
    data = new_unit_form("黄浦区民政局", huangpu, uscc("11310101"))
    response = login(hp_admin).post(admin_url(PurchaserUnit, "add"), data)
    assert response.status_code == 302
    assert PurchaserUnit.objects.get(name="黄浦区民政局").district == huangpu


@pytest.mark.parametrize(
    "crafted, error_field",
    [
        ({"district": Pk("xuhui")}, "district"),
        ({"level": "street", "street": Pk("xh_street")}, "street"),
        ({"level": "city", "district": ""}, "level"),
    ],
    ids=["district-xuhui", "street-in-xuhui", "city-level"],
)
def test_huangpu_admin_crafted_unit_outside_huangpu_is_refused(
    request, login, hp_admin, huangpu, xh_street, crafted, error_field
):
    data = new_unit_form("越权新建的单位", huangpu, uscc("11310104"), **resolve(request, crafted))
    response = login(hp_admin).post(admin_url(PurchaserUnit, "add"), data)
    assert error_field in form_errors(response)
    assert not PurchaserUnit.objects.filter(name="越权新建的单位").exists()


@pytest.mark.parametrize("district_field", ["left-empty", "huangpu"])
def test_huangpu_admin_can_create_a_purchaser_account_for_a_huangpu_unit(
    login, hp_admin, hp_unit, huangpu, district_field
):
    # The district field's help text says a purchaser's district follows its unit, so leaving it empty is normal.
    district = "" if district_field == "left-empty" else huangpu.pk
    response = login(hp_admin).post(
        admin_url(User, "add"), new_user_form(purchaser_unit=hp_unit.pk, district=district)
    )
    assert response.status_code == 302
    created = User.objects.get(username="hp_new_buyer")
    assert created.role == Role.PURCHASER
    assert created.purchaser_unit == hp_unit
    assert created.district == huangpu
    assert created.must_change_password is True
    assert created.is_staff is False
    assert created.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    "changes, error_field",
    [
        ({"purchaser_unit": Pk("xh_unit")}, "purchaser_unit"),
        ({"role": Role.ORGANIZATION, "organization": Pk("xh_org")}, "organization"),
        ({"role": Role.CITY_ADMIN}, "role"),
        ({"role": Role.DISTRICT_ADMIN, "district": Pk("huangpu")}, "role"),
        ({"role": Role.MONITOR}, "role"),
    ],
    ids=["purchaser-of-xuhui-unit", "user-of-xuhui-org", "city-admin", "district-admin", "monitor"],
)
def test_huangpu_admin_cannot_create_accounts_outside_its_remit(
    request, login, hp_admin, changes, error_field
):
    response = login(hp_admin).post(admin_url(User, "add"), new_user_form(**resolve(request, changes)))
    assert error_field in form_errors(response)
    assert not User.objects.filter(username="hp_new_buyer").exists()


def test_city_admin_can_create_a_district_admin(login, city_admin, xuhui):
    response = login(city_admin).post(
        admin_url(User, "add"),
        new_user_form(username="xh_admin_new", role=Role.DISTRICT_ADMIN, district=xuhui.pk),
    )
    assert response.status_code == 302
    created = User.objects.get(username="xh_admin_new")
    assert (created.role, created.district, created.is_staff) == (Role.DISTRICT_ADMIN, xuhui, True)
