"""Fixtures shared by the offering tests (我要提供服务, R-OFF-1…4)."""

import pytest

from accounts.models import Role
from tests.factories import UserFactory


@pytest.fixture
def hp_colleague(hp_org):
    """A second account of the same 黄浦区 organization."""
    return UserFactory(username="hp_org_2", role=Role.ORGANIZATION, organization=hp_org)
