"""Recovery and account hygiene (issue #14): the administrator's one-time password, the e-mail reset
for verified addresses only (in Chinese, never mentioning registration, the same answer for an
unknown address), other sessions ending on a password change, and the last login with the failed
attempts since, on 我的工作台."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from accounts.models import LoginEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Xin-mima-2026-abc"


def url(user):
    return f"/admin/accounts/user/{user.pk}/reset-password/"


def logged_in(user):
    browser = Client()
    assert browser.post("/accounts/login/", {"login": user.username, "password": PASSWORD}).status_code == 302
    return browser


# --- the administrator's one-time password ---------------------------------------------------------


def test_a_district_administrator_resets_a_password_in_its_district(login, hp_admin, hp_purchaser):
    other_session = logged_in(hp_purchaser)
    client = login(hp_admin)
    assert "重置密码" in client.get(f"/admin/accounts/user/{hp_purchaser.pk}/change/").content.decode()
    assert client.get(url(hp_purchaser)).status_code == 200
    response = client.post(url(hp_purchaser))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert password in response.content.decode()
    hp_purchaser.refresh_from_db()
    assert hp_purchaser.check_password(password) and hp_purchaser.must_change_password
    record = hp_purchaser.history.latest()
    assert record.history_user == hp_admin and "管理员重置密码" in record.history_change_reason
    assert password not in str(record.__dict__)
    # Every session of the account ended; the one-time password leads to the forced change.
    assert not other_session.get("/workbench/").wsgi_request.user.is_authenticated
    fresh = Client()
    fresh.post("/accounts/login/", {"login": hp_purchaser.username, "password": password})
    assert fresh.get("/demands/mine/")["Location"] == "/accounts/password/change/"


def test_the_one_time_password_is_shown_once(login, hp_admin, hp_purchaser):
    client = login(hp_admin)
    first = client.post(url(hp_purchaser)).context["password"]
    assert first not in client.get(url(hp_purchaser)).content.decode()
    assert first not in client.get(f"/admin/accounts/user/{hp_purchaser.pk}/change/").content.decode()


@pytest.mark.parametrize(
    "actor, target",
    [
        ("hp_admin", "xh_purchaser"),
        ("hp_admin", "xh_admin"),
        ("hp_admin", "city_admin"),
        ("xh_admin", "hp_org_user"),
    ],
)
def test_out_of_scope_password_resets_answer_404(request, login, actor, target):
    actor, target = request.getfixturevalue(actor), request.getfixturevalue(target)
    client = login(actor)
    assert client.get(url(target)).status_code == 404
    assert client.post(url(target)).status_code == 404
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


def test_the_city_resets_a_district_administrators_password(login, city_admin, hp_admin):
    response = login(city_admin).post(url(hp_admin))
    hp_admin.refresh_from_db()
    assert hp_admin.check_password(response.context["password"])


@pytest.mark.parametrize("who", ["hp_purchaser", "hp_org_user", "monitor"])
def test_non_administrators_cannot_reset_passwords(request, login, who, xh_purchaser):
    response = login(request.getfixturevalue(who)).post(url(xh_purchaser))
    assert response.status_code in (302, 404)
    xh_purchaser.refresh_from_db()
    assert xh_purchaser.check_password(PASSWORD)


def test_an_sso_account_has_no_password_to_reset(login, hp_admin, hp_org_user):
    hp_org_user.sso_code = "YZT-1"
    hp_org_user.set_unusable_password()
    hp_org_user.save()
    response = login(hp_admin).post(url(hp_org_user), follow=True)
    assert "没有本地密码" in response.content.decode()
    hp_org_user.refresh_from_db()
    assert not hp_org_user.has_usable_password()


# --- the e-mail reset ------------------------------------------------------------------------------


def verified(user, email):
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)


def test_the_email_reset_works_for_a_verified_address_in_chinese(client, hp_purchaser):
    verified(hp_purchaser, "wujing@example.org")
    page = client.get("/accounts/password/reset/").content.decode()
    assert "忘记密码" in page and "注册" not in page
    response = client.post("/accounts/password/reset/", {"email": "wujing@example.org"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.startswith("【供需对接平台】") and "重置密码" in message.subject
    body = message.body
    assert (
        body.startswith("您好")
        and "Hello" not in body
        and "注册" not in body
        and "sign up" not in body.lower()
    )
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", body).group(1)
    form_page = client.get(link, follow=True)
    assert "设置新密码" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    hp_purchaser.refresh_from_db()
    assert hp_purchaser.check_password(NEW_PASSWORD)
    assert "密码已修改" in client.get("/accounts/password/reset/key/done/").content.decode()


@pytest.mark.parametrize(
    "address", ["nobody@example.org", "unverified@example.org", "plain-field@example.org"]
)
def test_an_unknown_or_unverified_address_gets_the_same_answer_and_no_email(client, hp_purchaser, address):
    EmailAddress.objects.create(user=hp_purchaser, email="unverified@example.org", verified=False)
    hp_purchaser.email = "plain-field@example.org"  # the account's e-mail field alone is not verified
    hp_purchaser.save()
    known = Client()
    verified(hp_purchaser, "known@example.org")
    answer_known = known.post("/accounts/password/reset/", {"email": "known@example.org"})
    mail.outbox.clear()
    answer = client.post("/accounts/password/reset/", {"email": address})
    assert (answer.status_code, answer["Location"]) == (answer_known.status_code, answer_known["Location"])
    assert mail.outbox == []


def test_a_malformed_address_gets_a_chinese_message(client):
    response = client.post("/accounts/password/reset/", {"email": "不是邮箱"})
    assert response.status_code == 200 and "提交的内容有问题" in response.content.decode()


def test_the_email_page_is_in_chinese_and_linked_from_the_workbench(login, hp_purchaser):
    client = login(hp_purchaser)
    workbench = client.get("/workbench/").content.decode()
    assert 'href="/accounts/email/"' in workbench and 'href="/accounts/password/change/"' in workbench
    assert 'href="/accounts/2fa/"' in workbench
    page = client.get("/accounts/email/").content.decode()
    assert "<title>电子邮箱" in page and "Email" not in page.split("<main")[1]


# --- sessions and login history --------------------------------------------------------------------


def test_changing_the_password_ends_the_accounts_other_sessions(hp_purchaser):
    here, elsewhere = logged_in(hp_purchaser), logged_in(hp_purchaser)
    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert here.get("/workbench/").wsgi_request.user == hp_purchaser
    assert not elsewhere.get("/workbench/").wsgi_request.user.is_authenticated


def test_the_workbench_shows_the_last_login_and_the_failed_attempts_since(hp_purchaser):
    logged_in(hp_purchaser)
    stranger = Client()
    for _ in range(2):
        stranger.post(
            "/accounts/login/",
            {"login": hp_purchaser.username, "password": "guess"},
            REMOTE_ADDR="203.0.113.9",
        )
    page = logged_in(hp_purchaser).get("/workbench/").content.decode()
    assert "上次登录：" in page and "此后有 2 次密码错误的登录尝试" in page and "203.0.113.9" in page
    # Seen once: after the next login, those attempts are before the last login.
    page = logged_in(hp_purchaser).get("/workbench/").content.decode()
    assert "此后没有密码错误的登录尝试" in page
    assert LoginEvent.objects.filter(user=hp_purchaser, kind="failure").count() == 2


def test_the_first_login_says_so(hp_purchaser):
    assert "这是本账号第一次登录" in logged_in(hp_purchaser).get("/workbench/").content.decode()
