"""Fixtures shared by the supervision tests: published records of each district and findings on them."""

import pytest

from tests.factories import DemandFactory, OfferingFactory
from tests.supervision.findings_helpers import open_by_service


@pytest.fixture
def hp_offer(hp_org):
    return OfferingFactory(organization=hp_org, title="乐龄长者助餐服务")


@pytest.fixture
def xh_offer(xh_org):
    return OfferingFactory(organization=xh_org, title="启明助残康复服务", service_district_codes="310104")


@pytest.fixture
def hp_demand(hp_unit):
    return DemandFactory(unit=hp_unit, title="南京东路街道居家养老服务")


@pytest.fixture
def hp_finding(monitor, hp_offer):
    return open_by_service(monitor, "offering", hp_offer)


@pytest.fixture
def xh_finding(monitor, xh_offer):
    return open_by_service(monitor, "offering", xh_offer, description="夸大了服务人次")


@pytest.fixture
def demand_finding(monitor, hp_demand):
    return open_by_service(monitor, "demand", hp_demand, description="预算与批复不一致")
