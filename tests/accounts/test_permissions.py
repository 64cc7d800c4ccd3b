"""accounts.permissions: the one module that scopes rows to an administrator's district (R-ACC-5)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts import permissions
from accounts.models import PurchaserUnit, SocialOrganization
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_city_admin_sees_all_units(city_admin, hp_unit, xh_unit, city_unit):
    assert set(permissions.scope_to(city_admin, PurchaserUnit.objects.all())) == {hp_unit, xh_unit, city_unit}


def test_district_admin_sees_only_its_districts_units(hp_admin, hp_unit, xh_unit, city_unit):
    assert list(permissions.scope_to(hp_admin, PurchaserUnit.objects.all())) == [hp_unit]
    assert permissions.in_scope(hp_admin, hp_unit)
    assert not permissions.in_scope(hp_admin, xh_unit)
    assert not permissions.in_scope(hp_admin, city_unit)


def test_organizations_are_scoped_by_their_registration_authority(hp_admin, hp_org, xh_org, city_org):
    # city_org is located in 黄浦区 but registered with the city: the district does not administer it.
    assert list(permissions.scope_to(hp_admin, SocialOrganization.objects.all())) == [hp_org]


@pytest.mark.parametrize("who", ["hp_purchaser", "hp_org_user", "monitor"])
def test_other_roles_administer_nothing(request, who, hp_unit, hp_org):
    user = request.getfixturevalue(who)
    assert not permissions.scope_to(user, PurchaserUnit.objects.all()).exists()
    assert not permissions.in_scope(user, hp_unit)
    assert not permissions.is_admin(user)


def test_visitor_administers_nothing(hp_unit):
    visitor = AnonymousUser()
    assert not permissions.scope_to(visitor, PurchaserUnit.objects.all()).exists()
    assert not permissions.is_admin(visitor)


def test_get_in_scope_or_404_hides_other_districts_rows(hp_admin, xh_unit):
    with pytest.raises(Http404):
        permissions.get_in_scope_or_404(hp_admin, PurchaserUnit.objects.all(), pk=xh_unit.pk)
    with pytest.raises(Http404):
        permissions.get_in_scope_or_404(hp_admin, PurchaserUnit.objects.all(), pk="not-a-number")


def test_a_users_district_follows_its_unit_or_organization(hp_purchaser, xh_org_user, huangpu, xuhui):
    assert hp_purchaser.district == huangpu
    assert xh_org_user.district == xuhui


def test_district_admin_manages_purchaser_and_organization_accounts_only(hp_admin, hp_purchaser, huangpu):
    other_admin = UserFactory(username="hp_admin2", role="district_admin", district=huangpu)
    assert permissions.can_manage_user(hp_admin, hp_purchaser)
    assert not permissions.can_manage_user(hp_admin, other_admin)
    assert set(permissions.assignable_roles(hp_admin)) == {"purchaser", "organization"}


def test_only_administrators_use_the_admin_site(city_admin, hp_admin, hp_purchaser, monitor):
    assert city_admin.is_staff and hp_admin.is_staff
    assert not hp_purchaser.is_staff and not monitor.is_staff
