"""The daily digest of subscriptions (issue 13 §4): new matching public records arrive as ONE 站内信 and
ONE e-mail per user per day, never twice for the same record; a second run the same day sends nothing;
each e-mail has a one-click unsubscribe link (signed, no login, GET confirms, POST unsubscribes,
List-Unsubscribe + List-Unsubscribe-Post of RFC 8058); bad tokens answer a Chinese 404; the SQL does not
grow with the number of records."""

import datetime
import re
from io import StringIO

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.utils import timezone

from inbox.models import Notification
from matching import digest, subscriptions
from matching.models import Subscription, SubscriptionDelivery
from portal import refdata
from tests.factories import DemandFactory, SocialOrganizationFactory, SubscriptionFactory
from tests.html import text
from tests.matching.conftest import category, offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_sub(hp_org_user):
    hp_org_user.email = "org@hp.example.org"
    hp_org_user.save()
    return SubscriptionFactory(user=hp_org_user, name="养老需求", filters={"category": ["01"]})


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(now=None):
        with django_capture_on_commit_callbacks(execute=True):
            return digest.send_daily(now)

    return _run


def notes(user):
    return list(Notification.objects.filter(recipient=user, dedupe_key__startswith="subscriptions:"))


def test_new_matching_demands_arrive_as_one_message_and_one_email(run, org_sub, hp_org_user, hp_unit):
    a = DemandFactory(unit=hp_unit, title="长者助餐点运营", category=category("0103"))
    b = DemandFactory(unit=hp_unit, title="居家养老上门服务", category=category("0101"))
    DemandFactory(unit=hp_unit, title="残疾人康复", category=category("0201"))  # another field
    DemandFactory(unit=hp_unit, title="养老草稿", category=category("0101"), status="draft")
    DemandFactory(unit=hp_unit, title="养老取消", category=category("0101"), status="cancelled")
    assert run() == (1, 2)
    (note,) = notes(hp_org_user)
    assert note.kind == "matching" and note.title == "订阅推送：2 条新信息"
    assert "【养老需求】2 条" in note.body
    assert "长者助餐点运营" in note.body and "居家养老上门服务" in note.body
    assert "残疾人康复" not in note.body and "草稿" not in note.body and "取消" not in note.body
    assert f"http://127.0.0.1:8000/demands/{a.pk}/" in note.body and note.link == "/subscriptions/#recent"
    assert sorted(SubscriptionDelivery.objects.values_list("record_id", flat=True)) == sorted([a.pk, b.pk])
    (message,) = mail.outbox
    assert message.to == ["org@hp.example.org"] and "订阅推送：2 条新信息" in message.subject
    assert "退订“养老需求”：http://127.0.0.1:8000/subscriptions/unsubscribe/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<http://127\.0\.0\.1:8000/subscriptions/unsubscribe/[^>]+/>",
        message.extra_headers["List-Unsubscribe"],
    )


def test_one_record_links_straight_to_it(run, org_sub, hp_org_user, hp_unit):
    d = DemandFactory(unit=hp_unit, category=category("0101"))
    run()
    assert notes(hp_org_user)[0].link == f"/demands/{d.pk}/"


def test_a_second_run_the_same_day_sends_nothing(run, org_sub, hp_org_user, hp_unit):
    DemandFactory(unit=hp_unit, category=category("0101"))
    assert run() == (1, 1)
    DemandFactory(unit=hp_unit, category=category("0101"))  # published later the same day
    assert run() == (0, 0)
    assert len(notes(hp_org_user)) == 1 and len(mail.outbox) == 1
    # The next day: only the record not yet told.
    assert run(timezone.now() + datetime.timedelta(days=1)) == (1, 1)
    assert len(notes(hp_org_user)) == 2 and SubscriptionDelivery.objects.count() == 2


def test_a_record_is_never_sent_twice_to_the_same_user_even_by_two_subscriptions(
    run, org_sub, hp_org_user, hp_unit
):
    SubscriptionFactory(user=hp_org_user, name="助餐", q="助餐")
    DemandFactory(unit=hp_unit, title="老年助餐", category=category("0103"))
    assert run() == (1, 1)
    (note,) = notes(hp_org_user)
    assert note.body.count("老年助餐") == 1
    assert run(timezone.now() + datetime.timedelta(days=1)) == (0, 0)


def test_the_digest_is_one_message_per_user_with_each_subscription(run, org_sub, hp_org_user, hp_unit):
    SubscriptionFactory(user=hp_org_user, name="残疾人服务", filters={"category": ["02"]})
    DemandFactory(unit=hp_unit, title="居家养老", category=category("0101"))
    DemandFactory(unit=hp_unit, title="残疾人托养", category=category("0202"))
    assert run() == (1, 2)
    (note,) = notes(hp_org_user)
    assert "【养老需求】1 条" in note.body and "【残疾人服务】1 条" in note.body
    assert len(mail.outbox) == 1 and mail.outbox[0].body.count("退订“") == 2


def test_records_published_before_the_subscription_are_not_new(run, org_sub, hp_org_user, hp_unit):
    DemandFactory(
        unit=hp_unit, category=category("0101"), published_at=org_sub.since - datetime.timedelta(hours=1)
    )
    assert run() == (0, 0) and notes(hp_org_user) == []


def test_paused_subscriptions_and_inactive_accounts_get_nothing(run, org_sub, hp_org_user, hp_unit):
    DemandFactory(unit=hp_unit, category=category("0101"))
    subscriptions.set_active(org_sub, False)
    assert run() == (0, 0)
    subscriptions.set_active(org_sub, True)  # resumes from now: the record published while paused stays out
    assert run() == (0, 0)
    hp_org_user.is_active = False
    hp_org_user.save()
    DemandFactory(unit=hp_unit, category=category("0101"))
    assert run() == (0, 0) and not SubscriptionDelivery.objects.exists()


def test_purchasers_receive_new_offers_of_eligible_organizations_only(
    run, hp_purchaser, hp_org, huangpu, list_serious
):
    SubscriptionFactory(user=hp_purchaser, name="康复服务", filters={"category": ["02"]})
    wanted = offer(hp_org, "0201", title="社区康复训练")
    listed = SocialOrganizationFactory(registration_district=huangpu)
    offer(listed, "0201", title="失信组织的康复项目")
    list_serious(listed)
    offer(hp_org, "0101", title="居家养老")
    assert run() == (1, 1)
    (note,) = notes(hp_purchaser)
    assert "社区康复训练" in note.body and "失信组织" not in note.body
    assert note.link == f"/offerings/{wanted.pk}/"


def test_the_management_command_and_its_output(org_sub, hp_unit, django_capture_on_commit_callbacks):
    DemandFactory(unit=hp_unit, category=category("0101"))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_subscriptions", stdout=out)
    assert out.getvalue().strip() == "向 1 个用户推送了 1 条订阅的新信息。"


def test_the_beat_task_runs_the_command(org_sub, hp_unit, settings):
    from portal.tasks import send_subscriptions

    assert settings.CELERY_BEAT_SCHEDULE["daily-subscriptions"]["task"] == "portal.send_subscriptions"
    DemandFactory(unit=hp_unit, category=category("0101"))
    send_subscriptions.apply()
    assert Notification.objects.filter(dedupe_key__startswith="subscriptions:").count() == 1


def test_the_email_goes_through_the_outbox_with_its_headers(run, settings, org_sub, hp_unit):
    from inbox.models import OutgoingEmail

    settings.EMAIL_BACKEND = "inbox.mail.OutboxBackend"
    DemandFactory(unit=hp_unit, category=category("0101"))
    run()
    (row,) = OutgoingEmail.objects.all()
    assert row.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert row.headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/subscriptions/unsubscribe/")


@pytest.mark.parametrize("records", [2, 12])
def test_the_digest_costs_the_same_queries_whatever_the_number_of_records(
    records,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
    org_sub,
    hp_purchaser,
    hp_org,
    hp_unit,
):
    SubscriptionFactory(user=org_sub.user, name="助餐", q="助餐")
    SubscriptionFactory(user=hp_purchaser, name="康复", filters={"category": ["0201"]})
    DemandFactory.create_batch(records, unit=hp_unit, title="老年助餐", category=category("0103"))
    for _ in range(records):
        offer(hp_org, "0201")
    refdata.version()  # the reference data's version exists in the shared cache (portal/refdata.py)
    # A few per user and per subscription, none per record. The categories: outside a request each
    # filter compares the reference data's version (one cache read each, portal/refdata.py) and the
    # first reads the table into the process's memo: 22 (was 21: one read of the table per filter).
    with django_capture_on_commit_callbacks(execute=True):
        with django_assert_num_queries(22):
            assert digest.send_daily() == (2, 2 * records)


# --- unsubscribe --------------------------------------------------------------------------------


def unsubscribe_link(user, subs):
    return subscriptions.unsubscribe_path(user, subs)


def test_the_unsubscribe_link_asks_first_then_turns_the_subscription_off(client, org_sub, hp_org_user):
    link = unsubscribe_link(hp_org_user, [org_sub])
    page = client.get(link)  # no login
    assert page.status_code == 200 and "确认退订" in text(page) and "养老需求" in text(page)
    org_sub.refresh_from_db()
    assert org_sub.is_active  # a GET (a mail scanner following links) changes nothing
    done = client.post(link)
    assert done.status_code == 200 and "已退订" in text(done)
    org_sub.refresh_from_db()
    assert not org_sub.is_active
    assert client.post(link).status_code == 200  # twice is harmless


def test_one_click_unsubscribe_from_a_mail_client_needs_no_csrf_token(org_sub, hp_org_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        unsubscribe_link(hp_org_user, [org_sub]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    org_sub.refresh_from_db()
    assert not org_sub.is_active


def test_the_header_link_unsubscribes_every_subscription_of_the_email(client, org_sub, hp_org_user):
    other = SubscriptionFactory(user=hp_org_user)
    client.post(unsubscribe_link(hp_org_user, [org_sub, other]))
    assert not Subscription.objects.filter(is_active=True).exists()


def tampered(token):
    value, signature = token.rsplit(":", 1)
    return f"{value}:{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "x" * 2000,
        "%00",
        signing.dumps({"u": 1, "s": [1]}, salt="another.salt"),
        signing.dumps({"u": "x", "s": "y"}, salt=subscriptions.UNSUBSCRIBE_SALT),
        signing.dumps([1, 2], salt=subscriptions.UNSUBSCRIBE_SALT),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_bad_tokens_answer_a_chinese_404(client, org_sub, token, method):
    response = getattr(client, method)(f"/subscriptions/unsubscribe/{token}/")
    assert response.status_code == 404 and "页面不存在" in text(response)
    org_sub.refresh_from_db()
    assert org_sub.is_active


def test_a_tampered_token_cannot_reach_another_users_subscription(client, org_sub, hp_org_user, xh_org_user):
    theirs = SubscriptionFactory(user=xh_org_user)
    token = subscriptions.unsubscribe_token(hp_org_user, [org_sub])
    assert client.post(f"/subscriptions/unsubscribe/{tampered(token)}/").status_code == 404
    # A valid token names the user: another user's subscription ids in it are not found.
    forged = signing.dumps({"u": hp_org_user.pk, "s": [theirs.pk]}, salt=subscriptions.UNSUBSCRIBE_SALT)
    assert client.post(f"/subscriptions/unsubscribe/{forged}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_the_link_of_a_deleted_subscription_says_so(client, org_sub, hp_org_user):
    link = unsubscribe_link(hp_org_user, [org_sub])
    org_sub.delete()
    response = client.get(link)
    assert response.status_code == 404 and "已被删除" in text(response)
