"""留言区 (R-NOT-3): anyone leaves a message, protected against spam; it appears after an administrator
approves it with a public reply; the contact is never public; bad input is refused in Chinese (R-GEN-3)."""

import pytest

from notices.models import Message
from portal import caching
from tests.html import text

from .conftest import (
    LOGIN,
    MESSAGES,
    MODERATION,
    assert_refused_in_chinese,
    challenge_answer,
    fresh_token,
    message_data,
    post_message,
)

pytestmark = pytest.mark.django_db

CONTACT = "13912345678"
SUBJECT = "建议增加按街道筛选"


def moderate_url(message):
    return f"/notices/messages/{message.pk}/"


def status_page(client, number):
    return client.get("/messages/status/", {"number": number})


@pytest.fixture
def left_message(client, huangpu):
    """A visitor's message about 黄浦区 with a name and a contact, as posted through the form (the
    district's administrator moderates it, tests/notices/test_message_districts.py)."""
    response = post_message(client, name="张阿姨", contact=CONTACT, subject=SUBJECT, district=str(huangpu.pk))
    assert response.status_code == 302 and response["Location"] == "/messages/done/"
    return Message.objects.get()


def test_a_visitor_leaves_a_message_and_gets_a_number(client):
    """R-NOT-3: no login, name and contact optional; the visitor is shown the message number."""
    response = post_message(client)
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.status == Message.Status.PENDING
    assert message.name == "" and message.contact == ""
    assert message.number.startswith("LY") and len(message.number) == 10

    done = client.get(response["Location"])
    assert done.status_code == 200 and message.number in text(done)
    assert f"/messages/status/?number={message.number}" in text(done)


def test_a_pending_message_is_not_public(client, left_message):
    """R-NOT-3: until moderated the message is not on /messages/."""
    page = text(client.get(MESSAGES))
    assert SUBJECT not in page and "暂无公开的留言" in page


def test_an_approved_message_appears_with_its_reply_and_never_its_contact(as_role, left_message, hp_admin):
    """R-NOT-3: a district administrator approves with a reply; the message and reply are public,
    the contact never is (neither on the board nor on the status page)."""
    client = as_role("hp_admin")
    moderation = text(client.get(MODERATION))
    assert left_message.number in moderation
    assert CONTACT in text(client.get(moderate_url(left_message)))  # administrators see it

    response = client.post(
        moderate_url(left_message), {"decision": "approve", "reply": "感谢建议，下一版本将增加街道筛选。"}
    )
    assert response.status_code == 302
    left_message.refresh_from_db()
    assert left_message.status == Message.Status.APPROVED and left_message.replied_by == hp_admin
    assert left_message.replied_at is not None

    visitor = as_role("visitor")
    board = text(visitor.get(MESSAGES))
    assert SUBJECT in board and "感谢建议，下一版本将增加街道筛选。" in board and "张阿姨" in board
    assert CONTACT not in board

    status = text(status_page(visitor, left_message.number))
    assert "已公开" in status and "感谢建议" in status
    assert CONTACT not in status

    # The history records who decided, and leaves the contact out.
    latest = left_message.history.latest("history_date")
    assert latest.history_user == hp_admin and latest.status == Message.Status.APPROVED
    assert not hasattr(latest, "contact")


def test_the_visitor_sees_the_status_of_a_pending_message_by_number(client, left_message):
    """R-NOT-3: /messages/status/?number=... shows 待审核 before moderation; case does not matter."""
    status = text(status_page(client, left_message.number.lower()))
    assert "待审核" in status and SUBJECT in status and CONTACT not in status
    assert "没有找到" in text(status_page(client, "LY00000000"))


@pytest.mark.parametrize("number", ["", "\x00", "x" * 500, "<script>", "LY' OR 1=1"])
def test_the_status_page_survives_any_number(client, number):
    """R-GEN-3: a bad number is a polite 'not found', never a 500."""
    assert status_page(client, number).status_code == 200


def test_a_rejected_message_stays_hidden(as_role, left_message, city_admin):
    """R-NOT-3: the city rejects; the message never appears; the visitor sees 不予公开 and no reply."""
    response = as_role("city_admin").post(moderate_url(left_message), {"decision": "reject", "reply": ""})
    assert response.status_code == 302
    left_message.refresh_from_db()
    assert left_message.status == Message.Status.REJECTED

    visitor = as_role("visitor")
    assert SUBJECT not in text(visitor.get(MESSAGES))
    assert "不予公开" in text(status_page(visitor, left_message.number))


def test_approving_without_a_reply_is_refused(as_role, left_message, hp_admin):
    """R-NOT-3, R-GEN-3: a public message needs a public reply; Chinese message, nothing changes."""
    response = as_role("hp_admin").post(moderate_url(left_message), {"decision": "approve", "reply": "   "})
    assert_refused_in_chinese(response, "回复")
    left_message.refresh_from_db()
    assert left_message.status == Message.Status.PENDING and left_message.replied_by is None


def test_a_reply_with_markup_is_refused(as_role, left_message, hp_admin):
    """R-GEN-3: replies are plain text."""
    response = as_role("hp_admin").post(
        moderate_url(left_message), {"decision": "approve", "reply": "<script>alert(1)</script>"}
    )
    assert_refused_in_chinese(response)
    left_message.refresh_from_db()
    assert left_message.status == Message.Status.PENDING


@pytest.mark.parametrize("user", ["hp_purchaser", "hp_org_user", "monitor"])
def test_only_administrators_moderate(as_role, left_message, user):
    """R-NOT-3, R-ACC-5: purchasers, organizations and the monitor get 403 on the moderation pages."""
    client = as_role(user)
    assert client.get(MODERATION).status_code == 403
    assert client.get(moderate_url(left_message)).status_code == 403
    response = client.post(moderate_url(left_message), {"decision": "approve", "reply": "越权回复"})
    assert response.status_code == 403
    left_message.refresh_from_db()
    assert left_message.status == Message.Status.PENDING and left_message.reply == ""


def test_visitors_are_sent_to_login_from_the_moderation_pages(client, left_message):
    """R-NOT-3: moderation needs a login."""
    for path in (MODERATION, moderate_url(left_message)):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- bad input and spam ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "您好<script>alert(1)</script>",
        '请看<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">链接</a>',
        "<b>加粗</b>的留言",
    ],
)
def test_a_message_with_markup_is_refused(client, body):
    """R-NOT-3, R-GEN-3: script, event handlers and any HTML in the body are refused in Chinese."""
    response = post_message(client, body=body)
    assert_refused_in_chinese(response)
    assert "body" in response.context["form"].errors
    assert Message.objects.count() == 0


def test_a_very_long_message_is_refused(client):
    """R-GEN-3: 10,000 characters are refused (the limit is 2000), nothing saved."""
    response = post_message(client, body="很长的留言" * 2000)
    assert_refused_in_chinese(response)
    assert "body" in response.context["form"].errors
    assert Message.objects.count() == 0


def test_a_wrong_challenge_answer_is_refused(client):
    """R-NOT-3: the arithmetic question must be answered right."""
    token = fresh_token(client)
    wrong = str(challenge_answer(token) + 1)
    response = client.post(MESSAGES, message_data(token, answer=wrong))
    assert_refused_in_chinese(response, "计算结果不正确")
    assert Message.objects.count() == 0
    # A new question is offered.
    assert response.context["form"].new_token


def test_a_forged_challenge_token_is_refused(client):
    """R-NOT-3: the token is signed; a made-up one is refused."""
    response = client.post(
        MESSAGES, {**message_data(fresh_token(client)), "token": "12:forged", "answer": "12"}
    )
    assert_refused_in_chinese(response)
    assert Message.objects.count() == 0


def test_a_missing_answer_is_refused(client):
    """R-GEN-3: no answer, no message."""
    response = post_message(client, answer="")
    assert_refused_in_chinese(response)
    assert Message.objects.count() == 0


def test_the_honeypot_filled_in_is_refused(client):
    """R-NOT-3: a robot filling the hidden 网站 field is refused."""
    response = post_message(client, website="https://spam.example/")
    assert_refused_in_chinese(response)
    assert Message.objects.count() == 0


def test_a_subject_with_markup_or_missing_is_refused(client):
    """R-GEN-3: the subject is required plain text."""
    assert_refused_in_chinese(post_message(client, subject="<b>主题</b>"))
    assert_refused_in_chinese(post_message(client, subject=""))
    assert Message.objects.count() == 0


def test_fifty_messages_from_one_address_in_a_minute_save_only_the_limit(client, settings):
    """R-NOT-3: per address, only MESSAGE_RATE_LIMIT[0] messages are saved in the window; the rest
    get a Chinese message. Another address may still post."""
    settings.MESSAGE_RATE_LIMIT = (3, 600)
    refused = []
    for i in range(50):
        response = post_message(client, subject=f"刷屏留言{i}", REMOTE_ADDR="203.0.113.7")
        if response.status_code == 200:
            refused.append(response)
        else:
            assert response.status_code == 302
    assert Message.objects.count() == 3
    assert sorted(Message.objects.values_list("subject", flat=True)) == [
        "刷屏留言0",
        "刷屏留言1",
        "刷屏留言2",
    ]
    assert len(refused) == 47
    for response in refused:
        errors = response.context["form"].non_field_errors()
        assert any("频繁" in e for e in errors), errors
        assert "提交过于频繁" in text(response)

    response = post_message(client, subject="另一位市民的留言", REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302
    assert Message.objects.count() == 4


def test_the_board_survives_a_bad_page_number(client):
    """R-GEN-3: ?page=abc is a page, not a 500."""
    assert client.get(MESSAGES, {"page": "abc"}).status_code == 200


def test_the_tests_rate_windows_have_minutes_left():
    """tests/conftest.py starts the rate-limit clock a minute into a UTC day: every window (each
    divides a day) has minutes left, so the fifty messages above never straddle two windows."""
    assert all(caching.clock() % window < 120 for window in (300, 600, 900, 3600, 86400))
