"""内容监测 (R-SUP-2/3): the publisher answers, the registration authority closes with a result; each
step only once, only by whom it belongs to, with history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from supervision import findings
from supervision.models import CreditRecord, FindingStatus
from tests.html import text
from tests.supervision.closed_at_once import no_answer_period  # noqa: F401
from tests.supervision.findings_helpers import (
    close_by_service,
    finding_notes,
    finding_url,
    open_by_service,
    snapshot,
)

pytestmark = pytest.mark.django_db


# --- answering and closing ----------------------------------------------------------------------------


def test_closing_twice_is_refused(login, monitor, hp_finding):
    close_by_service(monitor, hp_finding)
    before = snapshot(hp_finding)
    with pytest.raises(ValidationError):
        close_by_service(monitor, hp_finding, result="unfounded", result_text="改判")
    response = login(monitor).post(
        finding_url(hp_finding),
        {"action": "close", "result": "unfounded", "result_text": "改判"},
        follow=True,
    )
    assert response.status_code == 200
    assert "该问题已经办结，不能重复办结或再答复。" in text(response)
    assert snapshot(hp_finding) == before
    assert CreditRecord.objects.count() == 1


def test_an_unfounded_finding_cannot_be_closed_again_as_confirmed(login, monitor, hp_finding):
    close_by_service(monitor, hp_finding, result="unfounded", result_text="")
    before = snapshot(hp_finding)
    response = login(monitor).post(
        finding_url(hp_finding),
        {"action": "close", "result": "confirmed", "result_text": "属实"},
        follow=True,
    )
    assert "不能重复办结" in text(response)
    assert snapshot(hp_finding) == before and not CreditRecord.objects.exists()


def test_a_closed_finding_cannot_be_answered(login, monitor, hp_org_user, hp_finding):
    close_by_service(monitor, hp_finding, result="unfounded", result_text="")
    before = snapshot(hp_finding)
    with pytest.raises(ValidationError):
        findings.answer_finding(finding=hp_finding, by=hp_org_user, answer="迟到的答复")
    response = login(hp_org_user).post(
        finding_url(hp_finding), {"action": "answer", "answer": "迟到的答复"}, follow=True
    )
    assert "已经办结" in text(response)
    assert snapshot(hp_finding) == before


@pytest.mark.parametrize("result_text", ["", "   "])
def test_confirmed_without_a_result_is_refused(login, monitor, hp_finding, result_text):
    before = snapshot(hp_finding)
    response = login(monitor).post(
        finding_url(hp_finding), {"action": "close", "result": "confirmed", "result_text": result_text}
    )
    assert response.status_code == 200
    assert response.context["close_form"].errors["result_text"] == ["核查属实的，必须填写处理结果。"]
    assert "核查属实的，必须填写处理结果。" in text(response)
    with pytest.raises(ValidationError) as excinfo:
        close_by_service(monitor, hp_finding, result_text=result_text)
    assert "result_text" in excinfo.value.message_dict
    assert snapshot(hp_finding) == before


def test_a_result_must_be_chosen(login, monitor, hp_finding):
    before = snapshot(hp_finding)
    response = login(monitor).post(
        finding_url(hp_finding), {"action": "close", "result": "maybe", "result_text": "x"}
    )
    assert response.status_code == 200 and "result" in response.context["close_form"].errors
    with pytest.raises(ValidationError):
        close_by_service(monitor, hp_finding, result="maybe")
    assert snapshot(hp_finding) == before


def test_unfounded_needs_no_result_and_creates_no_credit_record(login, monitor, hp_org_user, hp_finding):
    response = login(monitor).post(
        finding_url(hp_finding), {"action": "close", "result": "unfounded", "result_text": ""}
    )
    assert response.status_code == 302
    hp_finding.refresh_from_db()
    assert hp_finding.is_closed and hp_finding.result == "unfounded" and hp_finding.result_text == ""
    assert not CreditRecord.objects.exists()
    assert "核查结论：不属实" in finding_notes(hp_org_user)[-1].body


@pytest.mark.parametrize("kind", ["secret", "other"])
def test_only_false_information_becomes_a_credit_record(monitor, hp_offer, kind):
    finding = open_by_service(monitor, "offering", hp_offer, kind=kind)
    close_by_service(monitor, finding, result="confirmed", result_text="已删除相关内容")
    finding.refresh_from_db()
    assert finding.is_closed and finding.result == "confirmed"
    assert not CreditRecord.objects.exists()


def test_the_publisher_answers_again_before_closing(login, hp_org_user, hp_finding):
    client = login(hp_org_user)
    client.post(finding_url(hp_finding), {"action": "answer", "answer": "第一次答复"})
    client.post(finding_url(hp_finding), {"action": "answer", "answer": "补充：已修改简介"})
    hp_finding.refresh_from_db()
    assert hp_finding.answer == "补充：已修改简介" and hp_finding.status == FindingStatus.ANSWERED
    response = client.post(finding_url(hp_finding), {"action": "answer", "answer": "  "})
    assert response.status_code == 200 and "answer" in response.context["answer_form"].errors


def test_an_administrator_cannot_answer_for_the_organization(login, hp_admin, hp_finding):
    before = snapshot(hp_finding)
    assert (
        login(hp_admin).post(finding_url(hp_finding), {"action": "answer", "answer": "代答"}).status_code
        == 403
    )
    assert snapshot(hp_finding) == before
    with pytest.raises(PermissionDenied):
        findings.answer_finding(finding=hp_finding, by=hp_admin, answer="代答")


@pytest.mark.parametrize("who", ["hp_org_user", "hp_admin", "city_admin"])
def test_only_the_monitor_closes(request, login, who, hp_finding):
    user = request.getfixturevalue(who)
    before = snapshot(hp_finding)
    response = login(user).post(
        finding_url(hp_finding), {"action": "close", "result": "unfounded", "result_text": ""}
    )
    assert response.status_code == 403
    assert snapshot(hp_finding) == before
    with pytest.raises(PermissionDenied):
        close_by_service(user, hp_finding, result="unfounded")


def test_another_organization_cannot_see_or_answer(login, xh_org_user, hp_finding):
    before = snapshot(hp_finding)
    client = login(xh_org_user)
    assert client.get(finding_url(hp_finding)).status_code == 404
    assert client.post(finding_url(hp_finding), {"action": "answer", "answer": "冒名答复"}).status_code == 404
    assert snapshot(hp_finding) == before


def test_an_unknown_action_is_not_found(login, monitor, hp_finding):
    before = snapshot(hp_finding)
    assert login(monitor).post(finding_url(hp_finding), {"action": "delete"}).status_code == 404
    assert snapshot(hp_finding) == before
