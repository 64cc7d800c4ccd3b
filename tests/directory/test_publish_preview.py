"""Publishing a new edition tells the city administrator, before confirming, what changes for the public:
which members of the current directory lose their 推荐目录 mark (issue 18, R-DIR-3, R-DIR-4)."""

import pytest

from directory.models import Application, AppStatus, EditionStatus
from directory.selectors import marks_lost_on_publishing
from tests.directory.conftest import EDITION_CHANGELIST, make_edition, today
from tests.factories import SocialOrganizationFactory

pytestmark = pytest.mark.django_db


def member_of(edition, org, status=AppStatus.APPROVED):
    return Application.objects.create(edition=edition, organization=org, status=status)


@pytest.fixture
def editions(hp_org, xh_org):
    """Last year's published directory with 黄浦 and 徐汇 organizations; this year's in review, where
    only the 黄浦 one (and a newcomer) are approved."""
    last = make_edition(year=today().year - 1, status=EditionStatus.PUBLISHED)
    member_of(last, hp_org)
    member_of(last, xh_org)
    this = make_edition(year=today().year, status=EditionStatus.REVIEWING)
    member_of(this, hp_org)
    member_of(this, SocialOrganizationFactory(name="新入选的社会组织"))
    member_of(this, SocialOrganizationFactory(name="未入选的社会组织"), status=AppStatus.REJECTED)
    return last, this


def test_the_members_losing_their_mark_are_listed(editions, xh_org):
    _, this = editions
    assert [a.organization for a in marks_lost_on_publishing(this)] == [xh_org]


def test_the_publish_action_asks_first_and_names_them(login, city_admin, editions, xh_org, hp_org):
    _, this = editions
    client = login(city_admin)
    response = client.post(EDITION_CHANGELIST, {"action": "publish", "_selected_action": [str(this.pk)]})
    page = response.content.decode()

    assert response.status_code == 200
    assert "确认发布推荐目录" in page
    assert xh_org.name in page and "不再标记为推荐目录成员" in page
    assert hp_org.name not in page
    this.refresh_from_db()
    assert this.status == EditionStatus.REVIEWING  # nothing published yet

    client.post(
        EDITION_CHANGELIST, {"action": "publish", "_selected_action": [str(this.pk)], "confirm": "yes"}
    )
    this.refresh_from_db()
    assert this.status == EditionStatus.PUBLISHED
    assert not Application.objects.members().filter(organization=xh_org).exists()


def test_nothing_lost_says_so(login, city_admin, hp_org):
    last = make_edition(year=today().year - 1, status=EditionStatus.PUBLISHED)
    member_of(last, hp_org)
    this = make_edition(year=today().year, status=EditionStatus.REVIEWING)
    member_of(this, hp_org)
    response = login(city_admin).post(
        EDITION_CHANGELIST, {"action": "publish", "_selected_action": [str(this.pk)]}
    )
    assert "没有组织失去推荐目录标记" in response.content.decode()
