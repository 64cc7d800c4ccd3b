"""A member given a 失信记录 for false evidence is flagged to the city; the city removes a member from a
published edition with a reason (issue 18, 第十七条, R-DIR-4, R-GEN-2). Never deleted: kept in the
history and shown publicly as removed with its date; a removed member drops out of every member rule."""

import pytest
from django.utils import timezone

from directory import services
from directory.models import Application, AppStatus, EditionStatus
from inbox.models import Kind, Notification
from supervision import findings
from tests.directory.conftest import advance, city_decide, district_pass, edition_url, submitted
from tests.offerings.helpers import OfferingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(edition, hp_org_user, hp_offers, hp_admin, city_admin):
    application = submitted(hp_org_user, hp_offers, edition)
    district_pass(application, hp_admin)
    city_decide(application, city_admin)
    advance(edition, city_admin, EditionStatus.REVIEWING)
    advance(edition, city_admin, EditionStatus.PUBLISHED)
    application.refresh_from_db()
    return application


def confirm_false(monitor, offer):
    finding = findings.open_finding(
        by=monitor, target_type="offering", target_id=offer.pk, kind="false", description="服务人次夸大"
    )
    return findings.close_finding(finding=finding, by=monitor, result="confirmed", result_text="夸大属实")


def remove_url(application):
    return f"/directory/members/{application.pk}/remove/"


# --- flagged to the city -------------------------------------------------------------------------


def test_false_evidence_of_a_member_is_flagged_to_the_city(settings, member, monitor, city_admin, hp_offers):
    settings.FINDING_ANSWER_WORKING_DAYS = 0
    finding = confirm_false(monitor, hp_offers[0])
    flags = Notification.objects.filter(
        recipient=city_admin, kind=Kind.CREDIT, title__startswith="推荐目录成员"
    )
    (flag,) = flags
    assert member.organization.name in flag.title
    assert finding.number in flag.body
    assert flag.link == remove_url(member)


def test_false_information_elsewhere_is_not_flagged_as_evidence(
    settings, member, monitor, city_admin, hp_org
):
    settings.FINDING_ANSWER_WORKING_DAYS = 0
    confirm_false(monitor, OfferingFactory(organization=hp_org, title="非佐证项目"))
    assert not Notification.objects.filter(recipient=city_admin, title__startswith="推荐目录成员").exists()


# --- removal ---------------------------------------------------------------------------------------


def test_the_city_removes_a_member_with_a_reason(login, client, member, city_admin, hp_org_user):
    response = login(city_admin).post(remove_url(member), {"reason": "佐证项目存在虚假信息"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == AppStatus.REMOVED and member.removal_reason == "佐证项目存在虚假信息"
    assert member.removed_by == city_admin
    assert Application.objects.filter(pk=member.pk).exists()  # never deleted
    assert "移出目录：佐证项目存在虚假信息" in member.history.first().history_change_reason
    assert Notification.objects.filter(recipient=hp_org_user, title__startswith="已移出推荐目录").exists()

    client.logout()
    page = client.get(edition_url(member.edition)).content.decode()
    today = timezone.localdate()
    assert "已移出目录" in page
    assert f"{member.organization.name}：于 {today.year}年{today.month}月{today.day}日" in page
    assert "佐证项目存在虚假信息" not in page  # the reason is for the administrators


def test_a_removed_member_drops_out_of_every_member_rule(member, city_admin):
    assert member.is_member and Application.objects.members().filter(pk=member.pk).exists()
    services.member_remove(application=member, by=city_admin, reason="失信")
    member.refresh_from_db()
    assert not member.is_member
    assert not Application.objects.members().filter(pk=member.pk).exists()
    assert not Application.objects.published_members().filter(pk=member.pk).exists()


def test_a_reason_is_required(login, member, city_admin):
    response = login(city_admin).post(remove_url(member), {"reason": "  "})
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.status == AppStatus.APPROVED


@pytest.mark.parametrize("who", ["hp_admin", "monitor", "hp_org_user", "hp_purchaser"])
def test_only_the_city_removes(request, login, member, who):
    client = login(request.getfixturevalue(who))
    assert client.get(remove_url(member)).status_code == 404
    assert client.post(remove_url(member), {"reason": "越权"}).status_code == 404
    member.refresh_from_db()
    assert member.status == AppStatus.APPROVED


def test_an_application_of_an_unpublished_edition_cannot_be_removed(
    login, edition, hp_org_user, hp_offers, city_admin
):
    application = submitted(hp_org_user, hp_offers, edition)
    assert login(city_admin).get(remove_url(application)).status_code == 404
