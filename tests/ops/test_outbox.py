"""E-mail through an outbox (issue 16 §1): each message is a row written in the transaction of the change
that caused it, delivered by a task with retries and backoff, never twice; a message that keeps failing
is visible to the city administrator; nothing is lost while the mail server or the broker is down.
The last test runs a real celery worker against the Redis on 127.0.0.1.
"""

import contextlib
import datetime
import smtplib
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from inbox import mail as outbox
from inbox.models import Kind, Notification, OutgoingEmail
from inbox.services import notify
from inbox.tasks import flush_outbox
from portal.celery import app as celery_app
from tests.factories import PASSWORD
from tests.helpers import redis_for_tests

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def through_the_outbox(settings):
    settings.EMAIL_BACKEND = "inbox.mail.OutboxBackend"
    settings.OUTBOX_DELIVERY_BACKEND = LOCMEM
    settings.OUTBOX_MAX_ATTEMPTS = 3


def smtp_down():
    return mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError("refused")
    )


def tell(user):
    return notify(
        users=[user],
        kind=Kind.REMINDER,
        title="请补录承接信息",
        body="您的项目已开始实施。",
        link="/demands/1/",
    )


def test_the_row_is_written_with_the_change_and_sent_after_the_commit(
    django_capture_on_commit_callbacks, hp_purchaser
):
    hp_purchaser.email = "buyer@hp.example.gov.cn"
    hp_purchaser.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tell(hp_purchaser)
        row = OutgoingEmail.objects.get()
        assert row.to == ["buyer@hp.example.gov.cn"] and row.status == OutgoingEmail.Status.PENDING
        assert "查看详情：http" in row.body
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.SENT and row.attempts == 1 and row.sent_at is not None
    assert [m.to for m in mail.outbox] == [["buyer@hp.example.gov.cn"]]
    assert mail.outbox[0].subject == "【供需对接平台】请补录承接信息"


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks, hp_purchaser):
    hp_purchaser.email = "buyer@hp.example.gov.cn"
    hp_purchaser.save()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                tell(hp_purchaser)
                raise RuntimeError("the change failed")
    assert OutgoingEmail.objects.count() == 0 and Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_message_is_never_sent_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("主题", "正文", None, ["a@example.org"])
    row = OutgoingEmail.objects.get()
    assert outbox.deliver(row.pk) == OutgoingEmail.Status.SENT
    assert outbox.flush_due() == 0
    assert len(mail.outbox) == 1


def test_the_mail_server_down_delays_but_loses_nothing(django_capture_on_commit_callbacks):
    with smtp_down(), django_capture_on_commit_callbacks(execute=True):
        send_mail("主题", "正文", None, ["a@example.org"])
    row = OutgoingEmail.objects.get()
    assert (row.status, row.attempts, row.last_error) == (OutgoingEmail.Status.PENDING, 1, "OSError")
    assert row.next_attempt_at > timezone.now()
    assert outbox.flush_due() == 0  # not due yet: backoff
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    with smtp_down():
        assert outbox.flush_due() == 0
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at - timezone.now() > datetime.timedelta(minutes=1)
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    assert outbox.flush_due() == 1
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.SENT and row.attempts == 3


def test_a_message_that_keeps_failing_is_shown_to_the_city_only(
    client, django_capture_on_commit_callbacks, city_admin, hp_admin
):
    with smtp_down(), django_capture_on_commit_callbacks(execute=True):
        send_mail("无法送达的邮件", "正文", None, ["a@example.org"])
        for _ in range(5):
            OutgoingEmail.objects.update(next_attempt_at=None)
            outbox.flush_due()
    row = OutgoingEmail.objects.get()
    assert row.status == OutgoingEmail.Status.FAILED and row.attempts == 3
    client.login(username=city_admin.username, password=PASSWORD)
    page = client.get("/admin/inbox/outgoingemail/?status=failed")
    assert page.status_code == 200 and "无法送达的邮件" in page.content.decode()
    # The city sends it again once the mail server is back.
    response = client.post(
        "/admin/inbox/outgoingemail/", {"action": "retry", "_selected_action": [row.pk]}, follow=True
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.SENT and len(mail.outbox) == 1
    client.logout()
    client.login(username=hp_admin.username, password=PASSWORD)
    assert client.get("/admin/inbox/outgoingemail/").status_code == 403


def test_the_broker_down_keeps_the_message_for_beat(django_capture_on_commit_callbacks):
    with (
        mock.patch("inbox.tasks.deliver_email.delay", side_effect=BrokerDown("Connection refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_mail("主题", "正文", None, ["a@example.org"])
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.PENDING and mail.outbox == []
    from inbox.tasks import flush_outbox

    assert flush_outbox.apply().get() == 1  # what beat runs every minute
    assert len(mail.outbox) == 1


def test_beat_schedules_the_outbox_the_reminders_and_the_cleanup():
    tasks = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert tasks == {
        "inbox.flush_outbox",
        "portal.send_reminders",
        "portal.cleanup_imports",
        "portal.send_subscriptions",
    }
    celery_app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    assert set(tasks) <= set(celery_app.tasks)


@contextlib.contextmanager
def real_worker():
    """Celery's own test worker (a thread of this process) consuming from the Redis on 127.0.0.1."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("this test needs the Redis on 127.0.0.1:6379 (it runs on every machine here)")
    from celery.contrib.testing.worker import start_worker

    def fresh_connections():
        # Connections made under the settings of other tests must not be reused for this broker.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager", "result_backend")}
    celery_app.conf.update(
        broker_url=redis_for_tests("worker"),
        task_always_eager=False,
        result_backend=redis_for_tests("worker"),
    )
    fresh_connections()
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        celery_app.conf.update(saved)
        fresh_connections()


def wait_for(row, *statuses, attempts=None):
    for _ in range(80):
        time.sleep(0.25)
        row.refresh_from_db()
        if row.status in statuses and (attempts is None or row.attempts >= attempts):
            return row
    return row


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_delivers_through_the_redis_broker(django_capture_on_commit_callbacks):
    with real_worker():
        send_mail("主题", "正文", None, ["worker@example.org"])  # autocommit: queued at once
        row = wait_for(OutgoingEmail.objects.get(), OutgoingEmail.Status.SENT)
    assert row.status == OutgoingEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [["worker@example.org"]]


class FlakySMTP(BaseEmailBackend):
    """A mail server that is down until `up` is set."""

    up = False

    def send_messages(self, messages):
        if not FlakySMTP.up:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        mail.outbox.extend(messages)
        return len(messages)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_retries_a_message_the_mail_server_refused_and_sends_it_once(settings):
    settings.OUTBOX_DELIVERY_BACKEND = f"{__name__}.FlakySMTP"
    FlakySMTP.up = False
    with real_worker():
        send_mail("主题", "正文", None, ["retry@example.org"])
        row = wait_for(OutgoingEmail.objects.get(), OutgoingEmail.Status.PENDING, attempts=1)
        assert (row.status, row.attempts, row.last_error) == ("pending", 1, "SMTPServerDisconnected")
        assert row.next_attempt_at > timezone.now()  # backed off, not lost
        FlakySMTP.up = True
        OutgoingEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())  # now due
        flush_outbox.delay()  # what beat sends every minute, through the broker
        flush_outbox.delay()  # twice: the row is sent once all the same
        row = wait_for(row, OutgoingEmail.Status.SENT)
    assert (row.status, row.attempts) == ("sent", 2)
    assert [m.to for m in mail.outbox] == [["retry@example.org"]]


def test_every_attempt_of_one_message_carries_the_same_message_id(
    settings, django_capture_on_commit_callbacks
):
    """At least once is all SMTP allows (a crash between the server's acceptance and the row's commit
    means one more attempt); a repeat has the same Message-ID, so the reader's mail client shows it once."""
    settings.OUTBOX_DELIVERY_BACKEND = f"{__name__}.FlakySMTP"
    FlakySMTP.up = True
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("主题", "正文", None, ["once@example.org"])
    row = OutgoingEmail.objects.get()
    assert row.status == OutgoingEmail.Status.SENT
    first = mail.outbox[-1].message()["Message-ID"]
    OutgoingEmail.objects.filter(pk=row.pk).update(status=OutgoingEmail.Status.PENDING)  # as after a crash
    outbox.deliver(row.pk)
    assert len(mail.outbox) == 2
    assert mail.outbox[-1].message()["Message-ID"] == first == outbox.message_id(row)
