"""Fixtures shared by the account tests: one object of each scoped model in 黄浦区 and in 徐汇区."""

from datetime import date

import pytest

from accounts import services
from accounts.models import Role
from tests.accounts.admin_helpers import Pair, version_url
from tests.factories import AccountApplicationFactory, SocialOrganizationFactory, UserFactory


@pytest.fixture
def pairs(
    huangpu,
    xuhui,
    hp_unit,
    xh_unit,
    hp_org,
    xh_org,
    hp_purchaser,
    xh_purchaser,
    hp_street,
    xh_street,
    city_admin,
):
    hp_application = AccountApplicationFactory(unit_name="黄浦区外滩街道办事处", district=huangpu)
    xh_application = AccountApplicationFactory(unit_name="徐汇区湖南路街道办事处", district=xuhui)
    hp_listed = SocialOrganizationFactory(name="上海市黄浦区明德教育培训中心", registration_district=huangpu)
    xh_listed = SocialOrganizationFactory(name="上海市徐汇区华泰养老服务社", registration_district=xuhui)
    hp_entry = services.organization_list_serious(
        organization=hp_listed, by=city_admin, listed_on=date(2025, 3, 1), reason="提供虚假材料"
    )
    xh_entry = services.organization_list_serious(
        organization=xh_listed, by=city_admin, listed_on=date(2025, 3, 1), reason="提供虚假材料"
    )
    return {
        "purchaserunit": Pair(hp_unit, xh_unit, hp_unit.name, xh_unit.name),
        "socialorganization": Pair(hp_org, xh_org, hp_org.name, xh_org.name),
        "user": Pair(hp_purchaser, xh_purchaser, hp_purchaser.username, xh_purchaser.username),
        "accountapplication": Pair(
            hp_application, xh_application, hp_application.unit_name, xh_application.unit_name
        ),
        "street": Pair(hp_street, xh_street, hp_street.name, xh_street.name),
        "seriousdishonestyentry": Pair(hp_entry, xh_entry, hp_listed.name, xh_listed.name),
    }


@pytest.fixture
def hp_admin2(huangpu):
    return UserFactory(
        username="hp_admin2", full_name="黄浦区第二管理员", role=Role.DISTRICT_ADMIN, district=huangpu
    )


@pytest.fixture
def unit_moved_to_xuhui(hp_unit, xuhui, xh_street):
    """hp_unit after the city moved it to 徐汇区, and the URL of its version from when it was in 黄浦区."""
    old_version = version_url(hp_unit)
    hp_unit.district, hp_unit.street = xuhui, xh_street
    hp_unit.save()
    return hp_unit, old_version


@pytest.fixture(scope="module")
def provider():
    """法人一证通's OpenID provider (tests/accounts/idp), started once for a test module."""
    from tests.accounts import sso_helpers

    provider = sso_helpers.start_provider()
    yield provider
    provider.stop()


@pytest.fixture
def sso(settings, provider):
    settings.SOCIALACCOUNT_PROVIDERS = provider.app_settings()
    return provider
