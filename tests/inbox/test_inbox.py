"""站内信 (issue #7, part 3): the in-site inbox every user has, with unread counts in the header and
an e-mail copy, through which reminders (R-SUP-1, R-SUP-2) and content findings and credit records
(R-SUP-3, R-SUP-4) reach their readers. A `dedupe_key` makes a delivery idempotent."""

from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inbox import services
from inbox.models import Kind, Notification
from tests.html import text

pytestmark = pytest.mark.django_db
LIST = "/inbox/"
READ_ALL = "/inbox/read-all/"


def send(user, title="请补充需求信息：社区居家养老服务", kind=Kind.REMINDER, **extra):
    """One notification to `user` through the service (setup)."""
    created = services.notify(
        users=[user], kind=kind, title=title, body="请登录平台补录承接社会组织。", **extra
    )
    assert len(created) == 1
    return created[0]


def titles_on(response):
    return [n.title for n in response.context["page"].object_list]


def detail(note):
    return f"/inbox/{note.pk}/"


# --- each user reads only their own -----------------------------------------------------------------


def test_a_user_sees_only_their_own_notifications(login, hp_purchaser, xh_purchaser):
    """R-SUP-1: a reminder reaches the publisher it is meant for, and nobody else."""
    mine = send(hp_purchaser, "黄浦区的提醒")
    theirs = send(xh_purchaser, "徐汇区的提醒")
    client = login(hp_purchaser)
    response = client.get(LIST)
    assert response.status_code == 200
    assert titles_on(response) == ["黄浦区的提醒"]
    assert "徐汇区的提醒" not in text(response)
    assert client.get(detail(mine)).status_code == 200
    # Someone else's notification does not exist for this user, and opening it marks nothing read.
    assert client.get(detail(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_visitors_are_sent_to_login(client, hp_purchaser):
    note = send(hp_purchaser)
    for url in (LIST, detail(note)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client.post(READ_ALL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    note.refresh_from_db()
    assert note.read_at is None


def test_opening_a_notification_marks_it_read(login, hp_purchaser):
    note = send(hp_purchaser, "请补充服务项目信息", link="/offerings/")
    client = login(hp_purchaser)
    assert "未读" in text(client.get(LIST))
    response = client.get(detail(note))
    assert response.status_code == 200
    html = text(response)
    assert "请补充服务项目信息" in html and "请登录平台补录承接社会组织。" in html
    assert 'href="/offerings/"' in html
    note.refresh_from_db()
    first_read = note.read_at
    assert first_read is not None
    # Opening again keeps the first reading time.
    client.get(detail(note))
    note.refresh_from_db()
    assert note.read_at == first_read
    assert client.get(LIST, {"show": "unread"}).context["total"] == 0


def test_a_link_to_another_site_is_not_offered(login, hp_purchaser):
    """Only links inside the portal become the 查看相关页面 button."""
    note = send(hp_purchaser, link="https://evil.example.com/phish")
    html = text(login(hp_purchaser).get(detail(note)))
    assert "evil.example.com" not in html and "查看相关页面" not in html


def test_read_all_marks_only_the_users_own_unread_notifications(login, hp_purchaser, xh_purchaser):
    for n in range(3):
        send(hp_purchaser, f"提醒{n}")
    already = send(hp_purchaser, "早已读过")
    services.mark_read(already)
    read_at = Notification.objects.get(pk=already.pk).read_at
    other = send(xh_purchaser, "徐汇的提醒")
    client = login(hp_purchaser)
    response = client.post(READ_ALL, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert "已将 3 条站内信标为已读。" in text(response)
    assert not Notification.objects.filter(recipient=hp_purchaser, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=already.pk).read_at == read_at
    other.refresh_from_db()
    assert other.read_at is None
    response = client.post(READ_ALL, follow=True)
    assert "没有未读的站内信。" in text(response)


def test_read_all_is_a_post(login, hp_purchaser):
    note = send(hp_purchaser)
    assert login(hp_purchaser).get(READ_ALL).status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


# --- the header -------------------------------------------------------------------------------------


def test_the_header_shows_the_unread_count(login, hp_purchaser, xh_purchaser):
    send(hp_purchaser, "一")
    send(hp_purchaser, "二")
    services.mark_read(send(hp_purchaser, "已读"))
    for _ in range(5):
        send(xh_purchaser)  # someone else's unread notifications are not counted
    client = login(hp_purchaser)
    html = text(client.get("/"))
    assert 'aria-label="站内信，2 条未读"' in html
    assert '<span class="badge rounded-pill text-bg-danger" aria-hidden="true">2</span>' in html
    client.post(READ_ALL)
    html = text(client.get("/"))
    assert 'href="/inbox/"' in html  # the link stays, the count goes
    assert "条未读" not in html and 'aria-hidden="true">0<' not in html


def test_visitors_have_no_inbox_in_the_header(client, hp_purchaser):
    send(hp_purchaser)
    html = text(client.get("/"))
    assert 'href="/inbox/"' not in html and "条未读" not in html


# --- filters and pages ------------------------------------------------------------------------------


def test_filters_by_kind_and_unread(login, hp_org_user):
    send(hp_org_user, "提醒一", kind=Kind.REMINDER)
    services.mark_read(send(hp_org_user, "提醒二（已读）", kind=Kind.REMINDER))
    send(hp_org_user, "内容监测问题", kind=Kind.FINDING)
    client = login(hp_org_user)
    assert client.get(LIST).context["total"] == 3
    assert sorted(titles_on(client.get(LIST, {"kind": "reminder"}))) == ["提醒一", "提醒二（已读）"]
    assert titles_on(client.get(LIST, {"kind": "finding"})) == ["内容监测问题"]
    assert sorted(titles_on(client.get(LIST, {"show": "unread"}))) == ["内容监测问题", "提醒一"]
    assert titles_on(client.get(LIST, {"show": "unread", "kind": "reminder"})) == ["提醒一"]
    # An unknown kind is ignored, not an error.
    response = client.get(LIST, {"kind": "nonsense", "page": "abc"})
    assert response.status_code == 200 and response.context["total"] == 3


def test_thirty_notifications_are_paged_by_twenty_newest_first(login, hp_purchaser):
    for n in range(30):
        send(hp_purchaser, f"第{n:02d}条")
    client = login(hp_purchaser)
    first = titles_on(client.get(LIST))
    second = titles_on(client.get(LIST, {"page": 2}))
    assert len(first) == 20 and len(second) == 10
    assert first[0] == "第29条" and second[-1] == "第00条"


# --- e-mail -----------------------------------------------------------------------------------------


def test_an_email_goes_to_users_with_an_address(
    django_capture_on_commit_callbacks, settings, login, hp_purchaser, xh_purchaser
):
    settings.PORTAL_BASE_URL = "https://gxpt.example.gov.cn"
    hp_purchaser.email = "buyer@hp.example.gov.cn"
    hp_purchaser.save()
    assert xh_purchaser.email == ""
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            users=[hp_purchaser, xh_purchaser],
            kind=Kind.REMINDER,
            title="请补充需求信息：社区助餐",
            body="实施已开始，未补录承接社会组织。",
            link="/demands/1/",
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["buyer@hp.example.gov.cn"]
    assert "请补充需求信息：社区助餐" in message.subject
    assert "实施已开始，未补录承接社会组织。" in message.body
    assert "https://gxpt.example.gov.cn/demands/1/" in message.body
    sent = Notification.objects.get(recipient=hp_purchaser)
    unsent = Notification.objects.get(recipient=xh_purchaser)
    assert sent.emailed_at is not None and unsent.emailed_at is None
    assert "已同时发送邮件" in text(login(hp_purchaser).get(detail(sent)))


def test_the_email_waits_for_the_commit(django_capture_on_commit_callbacks, hp_purchaser):
    hp_purchaser.email = "buyer@hp.example.gov.cn"
    hp_purchaser.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(hp_purchaser)
    assert mail.outbox == [] and len(callbacks) == 1


def test_a_mail_server_failure_keeps_the_notification(django_capture_on_commit_callbacks, hp_purchaser):
    hp_purchaser.email = "buyer@hp.example.gov.cn"
    hp_purchaser.save()
    with mock.patch("inbox.services.send_mail", side_effect=OSError("connection refused")):
        with django_capture_on_commit_callbacks(execute=True):
            note = send(hp_purchaser)
    note.refresh_from_db()
    assert note.emailed_at is None


# --- idempotence ------------------------------------------------------------------------------------


def test_the_same_dedupe_key_is_delivered_once_per_user(
    django_capture_on_commit_callbacks, hp_purchaser, xh_purchaser
):
    hp_purchaser.email = "buyer@hp.example.gov.cn"
    hp_purchaser.save()
    args = dict(kind=Kind.REMINDER, title="提醒", body="正文", dedupe_key="auto:demand:1:abc:100")
    with django_capture_on_commit_callbacks(execute=True):
        assert len(services.notify(users=[hp_purchaser], **args)) == 1
        assert services.notify(users=[hp_purchaser], **args) == []
        # A second user gets the same key once too.
        assert [n.recipient for n in services.notify(users=[hp_purchaser, xh_purchaser], **args)] == [
            xh_purchaser
        ]
    assert Notification.objects.filter(recipient=hp_purchaser).count() == 1
    assert Notification.objects.filter(recipient=xh_purchaser).count() == 1
    assert len(mail.outbox) == 1
    # Without a key, or with another key, each call delivers.
    services.notify(users=[hp_purchaser], kind=Kind.REMINDER, title="无键", body="正文")
    services.notify(users=[hp_purchaser], kind=Kind.REMINDER, title="无键", body="正文")
    services.notify(users=[hp_purchaser], **{**args, "dedupe_key": "auto:demand:1:abc:101"})
    assert Notification.objects.filter(recipient=hp_purchaser).count() == 4


def test_inactive_users_get_nothing(hp_purchaser):
    hp_purchaser.is_active = False
    hp_purchaser.save()
    assert services.notify(users=[hp_purchaser, None], kind=Kind.REMINDER, title="提醒", body="正文") == []
    assert not Notification.objects.exists()


# --- query counts -----------------------------------------------------------------------------------


def queries_for(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_the_inbox_page_costs_the_same_queries_for_5_and_30_notifications(login, hp_purchaser):
    client = login(hp_purchaser)
    for n in range(5):
        send(hp_purchaser, f"第{n}条", kind=Kind.FINDING if n % 2 else Kind.REMINDER)
    client.get(LIST)  # warm the session and the site's cached settings
    small = queries_for(client, LIST)
    for n in range(5, 30):
        send(hp_purchaser, f"第{n}条", kind=Kind.FINDING if n % 2 else Kind.REMINDER)
    assert queries_for(client, LIST) == small
    assert queries_for(client, LIST, show="unread", kind="finding") == small
