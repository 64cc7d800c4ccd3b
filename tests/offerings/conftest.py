"""Fixtures shared by the offering tests (我要提供服务, R-OFF-1…4)."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.services import organization_delist_serious, organization_list_serious
from tests.factories import UserFactory


@pytest.fixture
def hp_colleague(hp_org):
    """A second account of the same 黄浦区 organization."""
    return UserFactory(username="hp_org_2", role=Role.ORGANIZATION, organization=hp_org)


@pytest.fixture
def list_serious(hp_admin):
    """list_serious(org) puts the organization on the 严重失信名单 through the service; returns the entry."""

    def _list(organization, by=None):
        return organization_list_serious(
            organization=organization,
            by=by or hp_admin,
            listed_on=timezone.localdate(),
            reason="虚假申报项目材料",
        )

    return _list


@pytest.fixture
def delist_serious(hp_admin):
    def _delist(entry, by=None):
        return organization_delist_serious(
            entry=entry,
            by=by or hp_admin,
            removed_on=timezone.localdate() + datetime.timedelta(days=1),
            reason="信用修复完成",
        )

    return _delist
