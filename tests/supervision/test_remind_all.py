"""全部提醒 on the 信息完备性监测 list (issue 18, R-SUP-1): an administrator reminds the publishers of
every incomplete record in its scope at once; each record at most once a day; out of scope untouched."""

import datetime

import pytest
from django.utils import timezone

from inbox.models import Kind, Notification
from tests.factories import DemandFactory, UserFactory

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def late(hp_unit, xh_unit, hp_purchaser, xh_purchaser):
    return [
        DemandFactory(unit=hp_unit, title="黄浦逾期一", period_start=days(-31), period_end=days(300)),
        DemandFactory(unit=hp_unit, title="黄浦逾期二", period_start=days(-40), period_end=days(300)),
        DemandFactory(unit=xh_unit, title="徐汇逾期", period_start=days(-40), period_end=days(300)),
    ]


def reminders_of(user):
    return Notification.objects.filter(recipient=user, kind=Kind.REMINDER).count()


def test_a_district_admin_reminds_every_incomplete_record_of_its_district(
    login, hp_admin, late, hp_purchaser, xh_purchaser
):
    client = login(hp_admin)
    page = client.get("/supervision/incomplete/").content.decode()
    assert "全部提醒（2 条）" in page

    response = client.post("/supervision/remind/all/", follow=True)
    assert "已提醒 2 条信息的发布方" in response.content.decode()
    assert reminders_of(hp_purchaser) == 2
    assert reminders_of(xh_purchaser) == 0  # another district's

    response = client.post("/supervision/remind/all/", follow=True)
    assert "已提醒 0 条" in response.content.decode() and "另有 2 条今天已提醒过" in response.content.decode()
    assert reminders_of(hp_purchaser) == 2


def test_the_city_reminds_the_whole_city(login, city_admin, late, hp_purchaser, xh_purchaser):
    login(city_admin).post("/supervision/remind/all/")
    assert reminders_of(hp_purchaser) == 2 and reminders_of(xh_purchaser) == 1


@pytest.mark.parametrize("role", ["purchaser", "organization", "monitor"])
def test_others_cannot(client, late, hp_purchaser, role):
    client.force_login(UserFactory(role=role))
    assert client.post("/supervision/remind/all/").status_code in (403, 404)
    assert reminders_of(hp_purchaser) == 0


def test_it_answers_post_only(login, hp_admin):
    assert login(hp_admin).get("/supervision/remind/all/").status_code == 405
