"""Due process for findings (第十七、十八条, R-SUP-3, R-SUP-4, issue 18): closing a finding as 属实 needs
the publisher's answer or the end of an answer period of FINDING_ANSWER_WORKING_DAYS (5) working days,
shown to the publisher with its date. 不属实 may be closed at any time."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inbox.models import Notification
from portal.workdays import add_working_days
from supervision import findings
from supervision.models import CreditRecord, Finding, FindingStatus
from tests.offerings.helpers import OfferingFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 30)


@pytest.fixture
def finding(monitor, hp_org):
    offer = OfferingFactory(organization=hp_org, title="乐龄长者助餐服务")
    return findings.open_finding(
        by=monitor, target_type="offering", target_id=offer.pk, kind="false", description="服务人次夸大"
    )


def opened_days_ago(finding, days):
    Finding.objects.filter(pk=finding.pk).update(opened_at=timezone.now() - datetime.timedelta(days=days))
    finding.refresh_from_db()
    return finding


def close(monitor, finding, result="confirmed"):
    return findings.close_finding(finding=finding, by=monitor, result=result, result_text="虚假宣传属实")


# --- working days -------------------------------------------------------------------------------


def test_five_working_days_skip_the_weekend():
    assert add_working_days(MONDAY, 5) == datetime.date(2026, 12, 7)  # Monday → next Monday
    assert add_working_days(datetime.date(2026, 12, 4), 1) == datetime.date(2026, 12, 7)  # Friday → Monday


def test_holidays_and_makeup_days_are_settings(settings):
    settings.PORTAL_HOLIDAYS = ["2026-12-01"]
    assert add_working_days(MONDAY, 5) == datetime.date(2026, 12, 8)
    settings.PORTAL_MAKEUP_WORKDAYS = ["2026-12-05"]  # a Saturday worked
    assert add_working_days(MONDAY, 5) == datetime.date(2026, 12, 7)


# --- the rule -----------------------------------------------------------------------------------


def test_an_unanswered_finding_cannot_be_confirmed_within_the_answer_period(monitor, finding):
    """The issue's defect: today a 虚假/夸大 finding closed at once as 属实 becomes a 失信记录."""
    with pytest.raises(ValidationError) as caught:
        close(monitor, finding)
    assert f"答复期限至 {finding.answer_due:%Y-%m-%d}" in str(caught.value)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    assert not CreditRecord.objects.exists()


def test_it_may_be_closed_as_unfounded_at_once(monitor, finding):
    close(monitor, finding, result="unfounded")
    finding.refresh_from_db()
    assert finding.is_closed and finding.result == "unfounded"


def test_once_answered_it_may_be_confirmed(monitor, hp_org_user, finding):
    findings.answer_finding(finding=finding, by=hp_org_user, answer="已核实，服务人次已更正。")
    close(monitor, finding)
    assert CreditRecord.objects.filter(finding=finding).exists()


def test_after_the_answer_period_it_may_be_confirmed_without_an_answer(monitor, finding):
    opened_days_ago(finding, 10)  # 10 calendar days hold at least 6 working days
    assert timezone.localdate() > finding.answer_due
    close(monitor, finding)
    assert CreditRecord.objects.filter(finding=finding).exists()


def test_the_period_is_a_setting(settings, monitor, finding):
    settings.FINDING_ANSWER_WORKING_DAYS = 0
    close(monitor, finding)
    assert Finding.objects.get(pk=finding.pk).is_closed


def test_the_monitors_form_says_why_and_changes_nothing(login, monitor, finding):
    client = login(monitor)
    response = client.post(
        f"/supervision/findings/{finding.pk}/",
        {"action": "close", "result": "confirmed", "result_text": "属实"},
        follow=True,
    )
    assert "发布方尚未答复" in response.content.decode()
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.OPEN


def test_the_publisher_is_told_the_date_by_message_and_on_the_page(login, hp_org_user, finding):
    due = f"{finding.answer_due:%Y-%m-%d}"
    note = Notification.objects.get(recipient=hp_org_user)
    assert f"于 {due} 前" in note.body and "5个工作日" in note.body
    page = login(hp_org_user).get(f"/supervision/findings/{finding.pk}/").content.decode()
    assert (
        f"答复期限：{finding.answer_due.year}年{finding.answer_due.month}月{finding.answer_due.day}日" in page
    )
