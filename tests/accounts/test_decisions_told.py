"""Account applications told (issue 18, R-ACC-2): approval reaches the new account by 站内信 and e-mail;
a rejection reaches the applicant's address by e-mail, with the reason."""

import pytest

from accounts import services
from inbox.models import Kind, Notification
from tests.factories import AccountApplicationFactory

pytestmark = pytest.mark.django_db


def test_approval_tells_the_new_account(hp_admin, mailoutbox, django_capture_on_commit_callbacks):
    app = AccountApplicationFactory(contact_email="jd@example.gov.cn")
    with django_capture_on_commit_callbacks(execute=True):
        user, password = services.application_approve(application=app, by=hp_admin, username="waitan_jd")

    (note,) = Notification.objects.filter(recipient=user, kind=Kind.ACCOUNT)
    assert "账号已开通" in note.title
    assert app.number in note.body and "waitan_jd" in note.body
    assert password not in note.body  # the password is never sent
    assert [m.to for m in mailoutbox] == [["jd@example.gov.cn"]]
    assert password not in mailoutbox[0].body


def test_rejection_is_e_mailed_with_its_reason(hp_admin, mailoutbox, django_capture_on_commit_callbacks):
    app = AccountApplicationFactory(contact_email="jd@example.gov.cn")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(application=app, by=hp_admin, reason="统一社会信用代码与单位名称不符")

    (mail,) = mailoutbox
    assert mail.to == ["jd@example.gov.cn"]
    assert "未通过" in mail.subject
    assert "统一社会信用代码与单位名称不符" in mail.body and app.number in mail.body
    assert "/accounts/apply/status/" in mail.body


def test_a_rejection_without_an_address_sends_nothing(
    hp_admin, mailoutbox, django_capture_on_commit_callbacks
):
    app = AccountApplicationFactory(contact_email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(application=app, by=hp_admin, reason="材料不全")
    assert mailoutbox == []
