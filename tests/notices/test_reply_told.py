"""留言 answered (issue 18, R-NOT-3): the reply goes by e-mail to the contact address when it is one."""

import pytest

from notices import services
from notices.models import Message

pytestmark = pytest.mark.django_db


def message(contact):
    return Message.objects.create(
        name="张阿姨", contact=contact, subject="建议增加按街道筛选", body="希望能按街道筛选。"
    )


def moderate(by, msg, approve=True, reply="感谢建议，下一版本将增加街道筛选。"):
    return services.message_moderate(message=msg, by=by, approve=approve, reply=reply)


def test_the_reply_is_e_mailed_to_the_contact_address(
    city_admin, mailoutbox, django_capture_on_commit_callbacks
):
    msg = message("zhang@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        moderate(city_admin, msg)
    (mail,) = mailoutbox
    assert mail.to == ["zhang@example.com"]
    assert "感谢建议，下一版本将增加街道筛选。" in mail.body and msg.number in mail.body
    assert "/messages/" in mail.body


@pytest.mark.parametrize("contact", ["13912345678", ""])
def test_no_mail_without_an_address(city_admin, contact, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        moderate(city_admin, message(contact))
    assert mailoutbox == []


def test_a_message_not_published_without_a_reply_sends_nothing(
    city_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        moderate(city_admin, message("zhang@example.com"), approve=False, reply="")
    assert mailoutbox == []
