"""Shared set-up for the matching tests: offers, awarded and evaluated demands, directory
membership, the 严重失信名单 and 失信记录, all through the factories and the services."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.services import organization_list_serious
from directory.models import Application, AppStatus, Edition, EditionStatus
from portal.models import Category
from supervision import findings
from supervision.models import CreditRecord
from tests.factories import DemandFactory
from tests.offerings.helpers import OfferingFactory

THIS_YEAR = timezone.localdate().year


def category(code):
    return Category.objects.get(code=code)


def offer(organization, code="0101", *, districts="310101", citywide=False, **kwargs):
    return OfferingFactory(
        organization=organization,
        category=category(code),
        service_district_codes="" if citywide else districts,
        citywide=citywide,
        **kwargs,
    )


def awarded(organization, unit, code="0101", *, grade="", amount="300000.00", **kwargs):
    """A demand of `unit` awarded to `organization` (and evaluated when `grade` is given)."""
    status = "evaluated" if grade else "awarded"
    return DemandFactory(
        unit=unit,
        category=category(code),
        status=status,
        awarded_org=organization,
        award_amount=Decimal(amount),
        awarded_on=timezone.localdate() - datetime.timedelta(days=100),
        eval_grade=grade,
        eval_score=Decimal("95.00") if grade else None,
        evaluated_on=timezone.localdate() if grade else None,
        **kwargs,
    )


def member(organization, year=THIS_YEAR - 1):
    """An approved application of a published edition: the organization is a directory member."""
    edition, _ = Edition.objects.get_or_create(
        year=year,
        defaults={
            "starts_on": datetime.date(year, 1, 1),
            "deadline": datetime.date(year, 3, 1),
            "requirements": "征集要求",
            "status": EditionStatus.PUBLISHED,
        },
    )
    return Application.objects.create(edition=edition, organization=organization, status=AppStatus.APPROVED)


@pytest.fixture
def list_serious(hp_admin):
    def _list(organization):
        return organization_list_serious(
            organization=organization, by=hp_admin, listed_on=timezone.localdate(), reason="虚假申报项目材料"
        )

    return _list


@pytest.fixture
def credit_record(monitor):
    def _record(organization, text="服务人次夸大属实，已责令整改。"):
        target = OfferingFactory(organization=organization, title="被监测的服务项目")
        finding = findings.open_finding(
            by=monitor, target_type="offering", target_id=target.pk, kind="false", description="服务人次夸大"
        )
        findings.close_finding(finding=finding, by=monitor, result="confirmed", result_text=text)
        return CreditRecord.objects.get(finding=finding)

    return _record
