"""内容监测 (R-SUP-1…3), the acceptance journey: the 内容监测员 opens a finding on a published record, the
publisher is told and answers, the registration authority closes it with a result."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from inbox.models import Kind, Notification
from supervision import findings
from supervision.models import CreditRecord, Finding, FindingStatus
from tests.html import text
from tests.supervision.closed_at_once import no_answer_period  # noqa: F401
from tests.supervision.findings_helpers import (
    LIST,
    NEW,
    close_by_service,
    finding_notes,
    finding_url,
    new_url,
    open_by_service,
)

pytestmark = pytest.mark.django_db


# --- the acceptance journey -------------------------------------------------------------------------


def test_a_finding_travels_to_the_organization_and_its_district_and_becomes_a_credit_record(
    client, monitor, hp_org, hp_org_user, hp_admin, xh_admin, city_admin, hp_offer
):
    """Issue #7 acceptance: opened by the monitor, told to the organization and its 区民政局, answered,
    closed as 属实, and found in the year's 失信记录 export (R-SUP-3, R-SUP-4)."""
    client.force_login(monitor)
    offer_page = text(client.get(f"/offerings/{hp_offer.pk}/"))
    assert f'href="{NEW}?type=offering&amp;id={hp_offer.pk}"' in offer_page
    page = client.get(new_url("offering", hp_offer.pk))
    assert page.status_code == 200 and hp_offer.title in text(page)
    response = client.post(
        new_url("offering", hp_offer.pk),
        {"kind": "false", "description": "宣传服务对象3000人，实际不足300人。"},
    )
    finding = Finding.objects.get()
    assert response.status_code == 302 and response["Location"] == finding_url(finding)
    assert (finding.target_type, finding.target_id, finding.organization, finding.unit) == (
        "offering",
        hp_offer.pk,
        hp_org,
        None,
    )
    assert finding.authority_district == hp_org.registration_district
    assert finding.status == FindingStatus.OPEN and finding.number.startswith("JC")

    # The organization and its registration authority are told; nobody else.
    for user in (hp_org_user, hp_admin):
        (note,) = finding_notes(user)
        assert note.link == finding_url(finding) and hp_offer.title in note.title
        assert "宣传服务对象3000人，实际不足300人。" in note.body
    assert finding_notes(xh_admin) == [] and finding_notes(city_admin) == [] and finding_notes(monitor) == []

    # The organization reads it from its inbox and answers.
    client.force_login(hp_org_user)
    assert client.get(f"/inbox/{finding_notes(hp_org_user)[0].pk}/").status_code == 200
    assert finding.number in text(client.get(LIST))
    response = client.post(
        finding_url(finding), {"action": "answer", "answer": "已核实，已将服务人数改为280人。"}
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ANSWERED and finding.answered_by == hp_org_user
    assert len(finding_notes(monitor)) == 1 and len(finding_notes(hp_admin)) == 2

    # The monitor closes it as 属实.
    client.force_login(monitor)
    response = client.post(
        finding_url(finding),
        {"action": "close", "result": "confirmed", "result_text": "虚假宣传属实，已责令整改。"},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.result == "confirmed"
    assert finding.closed_by == monitor and finding.closed_at is not None
    record = CreditRecord.objects.get()
    assert record.organization == hp_org and record.finding == finding
    assert record.recorded_on == timezone.localdate() and "虚假宣传属实，已责令整改。" in record.record
    assert len(finding_notes(hp_org_user)) == 2 and "属实" in finding_notes(hp_org_user)[-1].body
    # The 失信记录 itself is told separately, as a 信用记录 notification, to the organization and its district.
    for user in (hp_org_user, hp_admin):
        (credit_note,) = Notification.objects.filter(recipient=user, kind=Kind.CREDIT)
        assert "失信记录" in credit_note.title and hp_org.name in credit_note.body
    assert not Notification.objects.filter(recipient=xh_admin, kind=Kind.CREDIT).exists()

    # The city and the district export it for the 年检.
    year = timezone.localdate().year
    for admin in (city_admin, hp_admin):
        client.force_login(admin)
        response = client.get("/supervision/credit/", {"year": year, "format": "xlsx"})
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert any(hp_org.name in row for row in rows[1:])
        assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_each_step_is_in_the_history_with_its_reason_and_user(
    client, monitor, hp_org_user, hp_admin, hp_finding
):
    """R-SUP-3 'findings have their own … history', R-GEN-2 (who, when, what)."""
    client.force_login(hp_org_user)
    client.post(finding_url(hp_finding), {"action": "answer", "answer": "已修改服务简介。"})
    client.force_login(monitor)
    client.post(finding_url(hp_finding), {"action": "close", "result": "unfounded", "result_text": ""})
    history = [
        (h.history_change_reason, h.history_user, h.status)
        for h in hp_finding.history.order_by("history_date", "history_id")
    ]
    assert history[1:] == [
        ("发布方答复", hp_org_user, "answered"),
        ("办结：不属实", monitor, "closed"),
    ]
    assert history[0][0] == "发起内容监测" and history[0][2] == "open"
    client.force_login(hp_admin)
    html = text(client.get(finding_url(hp_finding)))
    for fragment in (
        "办理记录",
        "发起内容监测",
        "发布方答复",
        "办结：不属实",
        hp_org_user.display_name,
        monitor.display_name,
    ):
        assert fragment in html


def test_opening_through_the_page_records_the_monitor(client, monitor, hp_offer):
    client.force_login(monitor)
    client.post(new_url("offering", hp_offer.pk), {"kind": "other", "description": "联系电话无法接通"})
    (entry,) = Finding.objects.get().history.all()
    assert (entry.history_change_reason, entry.history_user) == ("发起内容监测", monitor)


def test_the_services_record_who_acted_without_a_request(monitor, hp_org_user, hp_offer):
    """R-GEN-2: every change keeps who; the services must not rely on the request middleware."""
    finding = open_by_service(monitor, "offering", hp_offer)
    findings.answer_finding(finding=finding, by=hp_org_user, answer="已整改")
    close_by_service(monitor, finding)
    users = [h.history_user for h in finding.history.order_by("history_date", "history_id")]
    assert users == [monitor, hp_org_user, monitor]
    assert CreditRecord.objects.get().history.get().history_user == monitor
