"""Reminders to publishers: R-SUP-1 (第四条(二), incomplete records, an administrator's 发送提醒 and
the daily command) and R-SUP-2 (第四条(三), publishing deadlines). The command `send_reminders`
runs daily from cron: running it twice in a day sends nothing the second time."""

import datetime
import io

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from demands.models import Demand
from inbox.models import Kind, Notification
from offerings.models import Offering
from supervision import reminders
from tests.factories import DemandFactory, OfferingFactory, PurchaserUnitFactory, UserFactory
from tests.html import text

pytestmark = pytest.mark.django_db
INCOMPLETE = "/supervision/incomplete/"


def days(n, today=None):
    return (today or timezone.localdate()) + datetime.timedelta(days=n)


def remind_url(kind, record):
    return f"/supervision/remind/{kind}/{record.pk}/"


def reminders_of(user):
    return list(Notification.objects.filter(recipient=user, kind=Kind.REMINDER).order_by("pk"))


def run_command():
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


@pytest.fixture
def publishers(hp_purchaser, hp_org_user, xh_purchaser, xh_org_user):
    """The publishers' accounts, each with an e-mail address, and a second 黄浦 buyer without one."""
    for user, address in (
        (hp_purchaser, "buyer@hp.example.gov.cn"),
        (hp_org_user, "office@leling.example.org"),
        (xh_purchaser, "buyer@xh.example.gov.cn"),
        (xh_org_user, "office@qiming.example.org"),
    ):
        user.email = address
        user.save()
    colleague = UserFactory(
        username="hp_buyer_2", role=Role.PURCHASER, purchaser_unit=hp_purchaser.purchaser_unit
    )
    return {"hp_colleague": colleague}


@pytest.fixture
def late(hp_unit):
    """A 黄浦 demand published, whose implementation began 31 days ago, still without its award."""
    return DemandFactory(
        unit=hp_unit, title="黄浦社区助餐（逾期未补录承接方）", period_start=days(-31), period_end=days(300)
    )


@pytest.fixture
def short_offer(hp_org):
    """A published 黄浦 offer whose 项目简介 is too short (incomplete)."""
    return OfferingFactory(organization=hp_org, title="乐龄长者助浴（简介过短）", summary="助浴服务")


@pytest.fixture
def complete_records(hp_unit, xh_unit, hp_org, xh_org):
    return {
        "hp_demand": DemandFactory(unit=hp_unit, title="黄浦按期项目", period_start=days(10)),
        "xh_demand": DemandFactory(unit=xh_unit, title="徐汇按期项目", period_start=days(10)),
        "hp_offer": OfferingFactory(organization=hp_org, title="乐龄完整项目"),
        "xh_offer": OfferingFactory(organization=xh_org, title="启明完整项目"),
    }


# --- the list ---------------------------------------------------------------------------------------


def test_the_late_demand_and_incomplete_offer_appear_in_their_districts_list_only(
    login, hp_admin, xh_admin, late, short_offer, complete_records
):
    """R-SUP-1: the right district sees them, with what is missing and a 发送提醒 button each."""
    html = text(login(hp_admin).get(INCOMPLETE))
    assert late.title in html and short_offer.title in html
    assert "实施已开始，未补录承接社会组织" in html and "项目简介少于20字" in html
    assert f'action="{remind_url("demand", late)}"' in html
    assert f'action="{remind_url("offering", short_offer)}"' in html
    assert "黄浦按期项目" not in html and "乐龄完整项目" not in html
    html = text(login(xh_admin).get(INCOMPLETE))
    assert late.title not in html and short_offer.title not in html
    assert remind_url("demand", late) not in html and remind_url("offering", short_offer) not in html


# --- the daily command ------------------------------------------------------------------------------


def test_the_command_reminds_each_publisher_once_a_day(
    django_capture_on_commit_callbacks,
    publishers,
    late,
    short_offer,
    complete_records,
    hp_purchaser,
    hp_org_user,
    hp_admin,
    xh_purchaser,
    xh_org_user,
):
    """R-SUP-1/2: the publisher's accounts (the unit's buyers, the organization's users) get a 站内信
    and, when they have an address, an e-mail; a second run the same day sends nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        output = run_command()
    assert "提醒了 2 条信息的发布方，共发送 3 封站内信。" in output
    (buyer_note,) = reminders_of(hp_purchaser)
    assert buyer_note.link == f"/demands/{late.pk}/" and late.title in buyer_note.title
    assert "实施已开始，未补录承接社会组织" in buyer_note.body
    (colleague_note,) = reminders_of(publishers["hp_colleague"])
    assert colleague_note.link == buyer_note.link
    (org_note,) = reminders_of(hp_org_user)
    assert org_note.link == f"/offerings/{short_offer.pk}/" and "项目简介少于20字" in org_note.body
    assert Notification.objects.count() == 3  # nobody else: not the admins, not 徐汇
    assert not reminders_of(hp_admin) and not reminders_of(xh_purchaser) and not reminders_of(xh_org_user)
    assert sorted(m.to[0] for m in mail.outbox) == ["buyer@hp.example.gov.cn", "office@leling.example.org"]

    with django_capture_on_commit_callbacks(execute=True):
        output = run_command()
    assert "提醒了 0 条信息的发布方，共发送 0 封站内信。" in output
    assert Notification.objects.count() == 3
    assert len(mail.outbox) == 2


def test_a_record_still_incomplete_is_reminded_again_the_next_period(
    publishers, late, short_offer, hp_purchaser
):
    """R-SUP-1: after REMINDER_REPEAT_DAYS the same reminder goes out again."""
    today = timezone.localdate()
    assert reminders.send_due(today=today) == (2, 3, 0)
    assert reminders.send_due(today=today) == (0, 0, 0)
    later = days(settings.REMINDER_REPEAT_DAYS, today)
    assert reminders.send_due(today=later) == (2, 3, 0)
    assert reminders.send_due(today=later) == (0, 0, 0)
    assert len(reminders_of(hp_purchaser)) == 2


def test_mocking_the_date_gives_the_same_periods(publishers, late, hp_purchaser, monkeypatch):
    today = timezone.localdate()
    run_command()
    run_command()
    assert len(reminders_of(hp_purchaser)) == 1
    later = days(settings.REMINDER_REPEAT_DAYS, today)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    run_command()
    run_command()
    assert len(reminders_of(hp_purchaser)) == 2


def test_a_reminder_is_not_repeated_before_REMINDER_REPEAT_DAYS_have_passed(publishers, late, hp_purchaser):
    """R-SUP-1: 'reminded again the next period' means after REMINDER_REPEAT_DAYS days, not the next
    day when a calendar bucket happens to end."""
    today = timezone.localdate()
    # The last day of a bucket: the next day starts a new one.
    last = next(days(n, today) for n in range(7) if (days(n, today).toordinal() + 1) % 7 == 0)
    late.period_start = days(-31, last)
    late.save()
    assert reminders.send_due(today=last)[1] == 2
    assert reminders.send_due(today=days(1, last)) == (0, 0, 0)


def test_each_account_gets_one_message_listing_all_its_records(
    publishers, hp_unit, hp_purchaser, hp_org_user
):
    """One 站内信 per account per run, however many of its records are due."""
    DemandFactory(unit=hp_unit, title="逾期项目甲", period_start=days(-40))
    DemandFactory(unit=hp_unit, title="逾期项目乙", period_start=days(-35))
    assert reminders.send_due() == (2, 2, 0)  # two records, one message to each of the two buyers
    (note,) = reminders_of(hp_purchaser)
    assert "逾期项目甲" in note.body and "逾期项目乙" in note.body and "2" in note.title
    assert note.link == "/demands/mine/"
    assert reminders_of(hp_org_user) == []
    # A record newly due later in the same period is told alone; the two already told are not repeated.
    third = DemandFactory(unit=hp_unit, title="逾期项目丙", period_start=days(-33))
    assert reminders.send_due() == (1, 2, 0)
    latest = reminders_of(hp_purchaser)[-1]
    assert latest.link == f"/demands/{third.pk}/" and "逾期项目甲" not in latest.body


def test_a_changed_gap_is_a_new_reminder(publishers, short_offer, hp_org_user):
    """What the record lacks is part of the reminder: a new gap is told at once."""
    assert reminders.send_due()[1] == 1
    Offering.objects.filter(pk=short_offer.pk).update(
        previously_purchased=True, purchaser_name="", purchase_amount=None
    )
    assert reminders.send_due()[1] == 1
    latest = reminders_of(hp_org_user)[-1]
    assert "曾被政府购买，缺少购买方名称" in latest.body and "曾被政府购买，缺少购买金额" in latest.body


def test_unpublished_and_inactive_are_not_reminded(publishers, hp_org, hp_org_user, hp_unit, hp_purchaser):
    OfferingFactory(organization=hp_org, title="草稿", summary="短", status="draft")
    OfferingFactory(organization=hp_org, title="已下架", summary="短", status="withdrawn")
    DemandFactory(unit=hp_unit, title="已取消", status="cancelled", period_start=days(-60))
    assert reminders.send_due() == (0, 0, 0)
    DemandFactory(unit=hp_unit, title="逾期", period_start=days(-31))
    for user in (hp_purchaser, publishers["hp_colleague"]):
        user.is_active = False
        user.save()
    output = run_command()
    assert "1 条信息的发布方没有可用账号，未能提醒。" in output
    assert not Notification.objects.exists()


# --- publishing deadlines (R-SUP-2) ------------------------------------------------------------------


@pytest.fixture
def next_year():
    return timezone.localdate().year + 1


@pytest.fixture
def draft_plan(hp_unit, next_year):
    """A draft of next year's annual plan: due by 30 April of that year."""
    return DemandFactory(
        unit=hp_unit,
        title="年度计划草稿",
        status="draft",
        year=next_year,
        plan_type="annual",
        period_start=datetime.date(next_year, 7, 1),
        period_end=datetime.date(next_year, 12, 31),
    )


def test_a_draft_of_the_annual_plan_is_reminded_near_and_after_30_april(
    draft_plan, hp_purchaser, next_year, login, hp_admin
):
    """R-SUP-2 (第四条(三)): planned projects are published by 30 April."""
    assert reminders.send_due(today=datetime.date(next_year, 3, 1)) == (0, 0, 0)
    assert reminders.send_due(today=datetime.date(next_year, 4, 24)) == (1, 1, 0)
    (near,) = reminders_of(hp_purchaser)
    assert f"发布期限临近（应于 {next_year}-04-30 前发布）" in near.body
    assert near.link == f"/demands/{draft_plan.pk}/" and "年度计划草稿" in near.title
    assert reminders.send_due(today=datetime.date(next_year, 4, 24)) == (0, 0, 0)
    assert reminders.send_due(today=datetime.date(next_year, 5, 2)) == (1, 1, 0)
    overdue = reminders_of(hp_purchaser)[-1]
    assert f"已超过发布期限（应于 {next_year}-04-30 前发布），尚未发布" in overdue.body
    # Published in time, nothing more is said.
    Demand.objects.filter(pk=draft_plan.pk).update(status="published", published_at=timezone.now())
    assert reminders.send_due(today=datetime.date(next_year, 5, 20)) == (0, 0, 0)


def test_an_added_project_is_reminded_before_its_20_days_run_out(hp_unit, hp_purchaser):
    approved = timezone.localdate() + datetime.timedelta(days=40)
    DemandFactory(
        unit=hp_unit,
        title="年度新增草稿",
        status="draft",
        plan_type="added",
        year=approved.year,
        budget_approved_on=approved,
        period_start=approved + datetime.timedelta(days=60),
    )
    deadline = approved + datetime.timedelta(days=settings.DEMAND_ADDED_PUBLISH_DAYS)
    assert reminders.send_due(today=approved) == (0, 0, 0)
    assert reminders.send_due(today=deadline - datetime.timedelta(days=3)) == (1, 1, 0)
    assert f"应于 {deadline:%Y-%m-%d} 前发布" in reminders_of(hp_purchaser)[0].body


# --- 发送提醒 by hand ----------------------------------------------------------------------------------


def test_a_district_administrator_reminds_the_publisher_of_a_late_demand(
    django_capture_on_commit_callbacks, login, publishers, hp_admin, hp_purchaser, late
):
    """R-SUP-1: 'administrators … can notify the publisher'; once per record per day."""
    client = login(hp_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind_url("demand", late), follow=True)
    assert response.redirect_chain[-1][0] == INCOMPLETE
    assert "已向发布方的 2 个账号发送站内信提醒（有邮箱的同时发送邮件）。" in text(response)
    (note,) = reminders_of(hp_purchaser)
    assert note.link == f"/demands/{late.pk}/" and "实施已开始，未补录承接社会组织" in note.body
    assert [m.to for m in mail.outbox] == [["buyer@hp.example.gov.cn"]]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind_url("demand", late), follow=True)
    assert "今天已经提醒过该发布方，请勿重复发送。" in text(response)
    assert len(reminders_of(hp_purchaser)) == 1 and len(mail.outbox) == 1


def test_the_city_reminds_an_organization_of_its_incomplete_offer(
    login, city_admin, hp_org_user, short_offer
):
    response = login(city_admin).post(remind_url("offering", short_offer), follow=True)
    assert "已向发布方的 1 个账号发送站内信提醒" in text(response)
    (note,) = reminders_of(hp_org_user)
    assert note.link == f"/offerings/{short_offer.pk}/"
    assert "今天已经提醒过" in text(login(city_admin).post(remind_url("offering", short_offer), follow=True))


def test_a_manual_reminder_does_not_stop_the_daily_one(login, hp_admin, hp_purchaser, late):
    login(hp_admin).post(remind_url("demand", late))
    assert reminders.send_due()[1] == 1
    assert len(reminders_of(hp_purchaser)) == 2


def test_another_districts_record_is_not_found(login, xh_admin, hp_purchaser, hp_org_user, late, short_offer):
    client = login(xh_admin)
    assert client.post(remind_url("demand", late)).status_code == 404
    assert client.post(remind_url("offering", short_offer)).status_code == 404
    assert client.post("/supervision/remind/demand/999999/").status_code == 404
    assert not Notification.objects.exists()


@pytest.mark.parametrize("who", ["hp_purchaser", "hp_org_user", "monitor"])
def test_only_administrators_send_reminders(request, login, who, late, short_offer):
    client = login(request.getfixturevalue(who))
    assert client.post(remind_url("demand", late)).status_code == 403
    assert client.post(remind_url("offering", short_offer)).status_code == 403
    assert not Notification.objects.exists()


def test_visitors_are_sent_to_login(client, late):
    response = client.post(remind_url("demand", late))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Notification.objects.exists()


def test_reminding_is_a_post(login, hp_admin, hp_purchaser, late):
    assert login(hp_admin).get(remind_url("demand", late)).status_code == 405
    assert not Notification.objects.exists()


def test_a_complete_record_needs_no_reminder(login, hp_admin, hp_purchaser, hp_org_user, complete_records):
    client = login(hp_admin)
    for kind, record in (
        ("demand", complete_records["hp_demand"]),
        ("offering", complete_records["hp_offer"]),
    ):
        response = client.post(remind_url(kind, record), follow=True)
        assert response.redirect_chain[-1][0] == INCOMPLETE
        assert "该信息已经完备，无需提醒。" in text(response)
    assert not Notification.objects.exists()


def test_an_unknown_kind_is_refused_in_chinese(login, hp_admin, late):
    response = login(hp_admin).post(f"/supervision/remind/article/{late.pk}/", follow=True)
    assert response.status_code == 200 and "提醒对象无效。" in text(response)
    assert not Notification.objects.exists()


def test_a_publisher_without_accounts_is_to_be_phoned(login, hp_admin):
    unit = PurchaserUnitFactory(name="黄浦区无账号单位")
    demand = DemandFactory(unit=unit, title="无账号单位的逾期项目", period_start=days(-40))
    response = login(hp_admin).post(remind_url("demand", demand), follow=True)
    assert "发布方没有可用的账号，无法发送站内信，请电话联系。" in text(response)


def test_a_withdrawn_offer_is_not_reminded_by_hand(login, hp_admin, hp_org, hp_org_user):
    """R-SUP-1 covers published records: a withdrawn offer is on no list and gets no reminder."""
    withdrawn = OfferingFactory(organization=hp_org, title="已下架的项目", summary="短", status="withdrawn")
    response = login(hp_admin).post(remind_url("offering", withdrawn), follow=True)
    assert response.status_code in (200, 404)
    assert not Notification.objects.exists()
