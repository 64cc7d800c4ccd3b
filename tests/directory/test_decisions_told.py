"""Every directory decision told (issue 18, R-DIR-1, R-DIR-3): the organization's accounts receive a
站内信 (and e-mail where they have an address) for a self-recommendation passed, returned, approved or
rejected, with the opinion; eligible organizations hear that an edition is open."""

import pytest

from accounts.models import Role
from directory.models import EditionStatus
from inbox.models import Kind, Notification
from tests.directory.conftest import advance, city_decide, district_pass, make_edition, submitted
from tests.factories import SocialOrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def told(user):
    return list(Notification.objects.filter(recipient=user, kind=Kind.DIRECTORY).order_by("pk"))


@pytest.fixture
def hp_application(edition, hp_org_user, hp_offers):
    return submitted(hp_org_user, hp_offers, edition)


def test_passing_at_district_tells_the_organization(hp_application, hp_org_user, hp_admin):
    district_pass(hp_application, hp_admin, opinion="材料齐全")
    (note,) = told(hp_org_user)
    assert "已通过区级审核" in note.title
    assert "黄浦区民政局" in note.body and "审核意见：材料齐全" in note.body
    assert note.link == "/directory/mine/"


def test_returning_tells_the_reason_and_the_deadline(hp_application, hp_org_user, hp_admin, edition):
    from directory import services

    services.district_review(
        application=hp_application, by=hp_admin, passed=False, opinion="推荐意见表未盖章"
    )
    (note,) = told(hp_org_user)
    assert "退回修改" in note.title
    assert "审核意见：推荐意见表未盖章" in note.body
    assert f"{edition.deadline.year}年{edition.deadline.month}月{edition.deadline.day}日" in note.body


@pytest.mark.parametrize(("approved", "word"), [(True, "已入选"), (False, "未入选")])
def test_the_citys_decision_is_told_with_its_opinion(
    hp_application, hp_org_user, hp_admin, city_admin, approved, word
):
    district_pass(hp_application, hp_admin)
    city_decide(
        hp_application, city_admin, approved=approved, opinion="服务成效突出" if approved else "佐证不足"
    )
    last = told(hp_org_user)[-1]
    assert word in last.title
    assert ("审核意见：服务成效突出" if approved else "审核意见：佐证不足") in last.body


def test_a_decision_is_also_e_mailed(
    hp_application, hp_org_user, hp_admin, mailoutbox, django_capture_on_commit_callbacks
):
    hp_org_user.email = "org@example.org"
    hp_org_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        district_pass(hp_application, hp_admin, opinion="同意报送")
    assert [m.to for m in mailoutbox] == [["org@example.org"]]
    assert "同意报送" in mailoutbox[0].body


def test_nobody_else_is_told(hp_application, hp_admin, xh_org_user):
    district_pass(hp_application, hp_admin)
    assert told(xh_org_user) == []


def test_opening_an_edition_tells_eligible_organizations_only(
    city_admin, hp_org_user, xh_org_user, list_serious
):
    listed = SocialOrganizationFactory()
    listed_user = UserFactory(role=Role.ORGANIZATION, organization=listed)
    list_serious(listed)
    purchaser = UserFactory(role=Role.PURCHASER)
    edition = make_edition(year=2031, status=EditionStatus.PREPARING)

    advance(edition, city_admin, EditionStatus.COLLECTING)

    for user in (hp_org_user, xh_org_user):
        (note,) = told(user)
        assert "开始征集" in note.title and "2031" in note.title
        assert f"{edition.deadline:%Y-%m-%d}" in note.body
        assert note.link == "/directory/apply/"
    assert told(listed_user) == [] and told(purchaser) == []
