"""R-SUB-3: the 严重失信名单 with dates and reasons; listing removes eligibility, leaving restores it;
every step keeps who and when (R-GEN-2)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from accounts import services
from portal.errors import ServiceError

pytestmark = pytest.mark.django_db

D = datetime.date


def test_listing_makes_an_organization_ineligible_and_delisting_restores_it(hp_org, hp_admin):
    assert hp_org.is_eligible and hp_org.credit_status == "正常"
    entry = services.organization_list_serious(
        organization=hp_org, by=hp_admin, listed_on=D(2026, 3, 2), reason="提供虚假年检材料"
    )
    hp_org.refresh_from_db()
    assert hp_org.on_serious_list and not hp_org.is_eligible
    assert hp_org.credit_status == "列入严重失信名单"
    assert entry.listed_by == hp_admin and entry.is_open

    services.organization_delist_serious(
        entry=entry, by=hp_admin, removed_on=D(2027, 3, 2), reason="信用修复完成"
    )
    hp_org.refresh_from_db()
    entry.refresh_from_db()
    assert hp_org.is_eligible and not entry.is_open
    assert entry.removed_by == hp_admin and entry.removal_reason == "信用修复完成"
    # Both steps are in the entry's history with the acting user; the entry itself is kept.
    assert [h.history_user for h in entry.history.all()] == [hp_admin, hp_admin]
    assert hp_org.dishonesty_entries.count() == 1


def test_a_reason_is_required_both_ways(hp_org, hp_admin):
    with pytest.raises(ServiceError, match="必须填写原因"):
        services.organization_list_serious(
            organization=hp_org, by=hp_admin, listed_on=D(2026, 1, 1), reason=" "
        )
    entry = services.organization_list_serious(
        organization=hp_org, by=hp_admin, listed_on=D(2026, 1, 1), reason="x"
    )
    with pytest.raises(ServiceError, match="必须填写原因"):
        services.organization_delist_serious(entry=entry, by=hp_admin, removed_on=D(2026, 2, 1), reason="")


def test_an_organization_cannot_be_listed_twice_at_once(hp_org, hp_admin):
    services.organization_list_serious(organization=hp_org, by=hp_admin, listed_on=D(2026, 1, 1), reason="x")
    with pytest.raises(ServiceError, match="已在严重失信名单中"):
        services.organization_list_serious(
            organization=hp_org, by=hp_admin, listed_on=D(2026, 2, 1), reason="y"
        )


def test_removal_date_cannot_precede_listing_date(hp_org, hp_admin):
    entry = services.organization_list_serious(
        organization=hp_org, by=hp_admin, listed_on=D(2026, 5, 1), reason="x"
    )
    with pytest.raises(ServiceError, match="不能早于"):
        services.organization_delist_serious(entry=entry, by=hp_admin, removed_on=D(2026, 4, 1), reason="y")


def test_a_district_admin_cannot_list_another_districts_organization(xh_org, hp_admin, city_admin):
    with pytest.raises(PermissionDenied):
        services.organization_list_serious(
            organization=xh_org, by=hp_admin, listed_on=D(2026, 1, 1), reason="x"
        )
    xh_org.refresh_from_db()
    assert not xh_org.on_serious_list
    services.organization_list_serious(
        organization=xh_org, by=city_admin, listed_on=D(2026, 1, 1), reason="x"
    )
    xh_org.refresh_from_db()
    assert xh_org.on_serious_list


def test_a_revoked_registration_also_makes_an_organization_ineligible(hp_org):
    hp_org.registration_status = hp_org.RegistrationStatus.REVOKED
    assert not hp_org.is_eligible
    assert hp_org.credit_status == "登记已注销或撤销"
