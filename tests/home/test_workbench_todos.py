"""我的工作台 shows each role its to-dos with counts (issue 18): applications to review, findings to
answer or close, demands missing their award or evaluation, deadlines within 7 days. Fixed queries."""

import datetime

import pytest
from django.utils import timezone

from directory.models import AppStatus
from supervision import findings
from tests.directory.conftest import make_edition, submitted
from tests.factories import AccountApplicationFactory, DemandFactory
from tests.html import select, text_of
from tests.offerings.helpers import OfferingFactory

pytestmark = pytest.mark.django_db


def todo(page, label):
    """The count the 工作台 shows after the to-do item `label`."""
    counts = [
        int(text_of(item.cssselect("strong")[0]))
        for item in select(page, "li")
        if item.cssselect("a + strong") and text_of(item.cssselect("a")[0]) == label
    ]
    assert len(counts) == 1, label
    return counts[0]


def workbench(client):
    return client.get("/workbench/").content.decode()


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def test_a_purchaser_sees_overdue_awards_evaluations_and_drafts_due(login, hp_purchaser, hp_org):
    unit = hp_purchaser.purchaser_unit
    DemandFactory(unit=unit, period_start=days(-100))  # award overdue
    DemandFactory(
        unit=unit, status="awarded", awarded_org=hp_org, period_start=days(-500), period_end=days(-200)
    )
    DemandFactory(unit=unit, status="draft", plan_type="added", budget_approved_on=days(-15))
    DemandFactory(unit=unit)  # nothing due
    page = workbench(login(hp_purchaser))
    assert todo(page, "逾期未补录承接方的需求") == 1
    assert todo(page, "逾期未补录绩效评价的需求") == 1
    assert todo(page, "发布期限在 7 天内或已过的草稿") == 1
    assert todo(page, "待答复的内容监测问题") == 0


def test_an_organization_sees_findings_to_answer_and_returned_applications(
    login, monitor, hp_org_user, hp_admin
):
    offer = OfferingFactory(organization=hp_org_user.organization)
    findings.open_finding(
        by=monitor, target_type="offering", target_id=offer.pk, kind="other", description="核实"
    )
    edition = make_edition(deadline=days(5))
    application = submitted(hp_org_user, [offer], edition)
    from directory import services

    services.district_review(application=application, by=hp_admin, passed=False, opinion="补充材料")
    page = workbench(login(hp_org_user))
    assert todo(page, "待答复的内容监测问题") == 1
    assert todo(page, "被退回修改的自荐申请") == 1
    assert todo(page, "7 天内截止、尚未提交的推荐目录征集") == 1


def test_a_district_admin_sees_its_reviews_and_account_applications(login, hp_admin, xh_admin, hp_org_user):
    offer = OfferingFactory(organization=hp_org_user.organization)
    submitted(hp_org_user, [offer], make_edition())
    AccountApplicationFactory()  # 黄浦区
    page = workbench(login(hp_admin))
    assert todo(page, "待审核的推荐目录自荐申请") == 1
    assert todo(page, "待审核的账号开通申请") == 1
    page = workbench(login(xh_admin))
    assert todo(page, "待审核的推荐目录自荐申请") == 0
    assert todo(page, "待审核的账号开通申请") == 0


def test_the_city_sees_applications_forwarded_to_it(login, city_admin, hp_admin, hp_org_user):
    offer = OfferingFactory(organization=hp_org_user.organization)
    application = submitted(hp_org_user, [offer], make_edition())
    assert todo(workbench(login(city_admin)), "待审核的推荐目录自荐申请") == 0
    from directory import services

    services.district_review(application=application, by=hp_admin, passed=True, opinion="")
    application.refresh_from_db()
    assert application.status == AppStatus.CITY
    assert todo(workbench(login(city_admin)), "待审核的推荐目录自荐申请") == 1


def test_the_monitor_sees_findings_to_close(login, monitor, hp_org_user):
    offer = OfferingFactory(organization=hp_org_user.organization)
    finding = findings.open_finding(
        by=monitor, target_type="offering", target_id=offer.pk, kind="false", description="夸大"
    )
    findings.answer_finding(finding=finding, by=hp_org_user, answer="已更正")
    page = workbench(login(monitor))
    assert todo(page, "发布方已答复、待办结的问题") == 1
    assert todo(page, "答复期满未答复的问题") == 0


def test_the_workbench_keeps_a_fixed_number_of_queries(
    login, hp_purchaser, hp_org, django_assert_max_num_queries
):
    client = login(hp_purchaser)
    unit = hp_purchaser.purchaser_unit
    workbench(client)
    with django_assert_max_num_queries(12) as few:
        workbench(client)
    for _ in range(5):
        DemandFactory(unit=unit, period_start=days(-100))
        DemandFactory(unit=unit, status="draft")
    with django_assert_max_num_queries(len(few.captured_queries)):
        workbench(client)
