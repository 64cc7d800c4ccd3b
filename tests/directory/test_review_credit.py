"""Reviewers see the credit history beside a self-recommendation (issue 18, R-DIR-3, R-SUP-4, R-SUB-3):
today the page says “信用状态 正常” for an organization with a 失信记录. At district and city review the
page lists its 失信记录 and its stays on the 严重失信名单, with dates and reasons."""

import pytest

from accounts.services import organization_delist_serious
from supervision import findings
from tests.directory.conftest import district_pass, review_url, submitted, today
from tests.offerings.helpers import OfferingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(settings, monitor, hp_org, hp_offers, list_serious, hp_admin):
    """A confirmed 虚假/夸大 finding (so a 失信记录) and a past stay on the 严重失信名单."""
    settings.FINDING_ANSWER_WORKING_DAYS = 0
    old = OfferingFactory(organization=hp_org, title="乐龄往年项目")
    finding = findings.open_finding(
        by=monitor, target_type="offering", target_id=old.pk, kind="false", description="服务人次夸大"
    )
    findings.close_finding(finding=finding, by=monitor, result="confirmed", result_text="夸大服务人次属实")
    entry = list_serious(hp_org)
    organization_delist_serious(entry=entry, by=hp_admin, removed_on=today(), reason="整改完成，信用修复")
    return finding


@pytest.fixture
def application(history, edition, hp_org_user, hp_offers):
    return submitted(hp_org_user, hp_offers, edition)


def test_the_district_reviewer_sees_the_credit_record_and_the_list_history(as_role, application, history):
    page = as_role("hp_admin").get(review_url(application)).content.decode()
    assert "有 1 条失信记录" in page
    assert "夸大服务人次属实" in page and history.number in page
    assert "虚假申报项目材料" in page  # why it was listed
    assert "整改完成，信用修复" in page  # why it left
    assert "曾 1 次列入严重失信名单" in page


def test_the_city_reviewer_sees_them_too(as_role, application, hp_admin, history):
    district_pass(application, hp_admin)
    page = as_role("city_admin").get(review_url(application)).content.decode()
    assert "有 1 条失信记录" in page and "整改完成，信用修复" in page


def test_a_clean_organization_says_so(as_role, edition, hp_org_user, hp_offers):
    application = submitted(hp_org_user, hp_offers, edition)
    page = as_role("hp_admin").get(review_url(application)).content.decode()
    assert "无失信记录" in page and "从未列入严重失信名单" in page
    assert "条失信记录" not in page
