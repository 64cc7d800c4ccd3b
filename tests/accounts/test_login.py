"""R-ACC-1 / R-ACC-2: username + password login, no self-registration, rate-limited wrong
passwords (site and admin site), and a new password at first login."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_user_logs_in_with_username_and_password_and_lands_on_workbench(client, hp_purchaser):
    response = client.post(LOGIN, {"login": "hp_buyer", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench")
    page = client.get(reverse("workbench"))
    assert "黄浦区南京东路街道办事处" in page.content.decode()


def test_wrong_password_is_refused_with_a_chinese_message(client, hp_purchaser):
    response = client.post(LOGIN, {"login": "hp_buyer", "password": "wrong-password"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "用户名" in response.content.decode() and "不正确" in response.content.decode()


def test_signup_is_closed(client):
    response = client.get("/accounts/signup/")
    assert "平台不开放自行注册" in response.content.decode()
    response = client.post(
        "/accounts/signup/",
        {"username": "intruder", "password1": "Strong-pass-2026x", "password2": "Strong-pass-2026x"},
    )
    from accounts.models import User

    assert not User.objects.filter(username="intruder").exists()


def test_repeated_wrong_passwords_for_one_username_are_rate_limited(client, hp_purchaser):
    for _ in range(5):
        client.post(LOGIN, {"login": "hp_buyer", "password": "wrong-password"})
    # Even the right password is refused once the limit is reached.
    response = client.post(LOGIN, {"login": "hp_buyer", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()


def test_the_limit_is_per_username_so_other_users_can_still_log_in(client, hp_purchaser, xh_purchaser):
    for _ in range(5):
        client.post(LOGIN, {"login": "hp_buyer", "password": "wrong-password"})
    client.post(LOGIN, {"login": "xh_buyer", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(xh_purchaser.pk)


def test_the_admin_login_goes_through_the_rate_limited_site_login(client, city_admin):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    for _ in range(5):
        client.post(LOGIN, {"login": "city_admin", "password": "wrong-password"})
    client.post(LOGIN, {"login": "city_admin", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    # A POST straight at Django's own admin login form cannot bypass the limit either.
    client.post("/admin/login/", {"username": "city_admin", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_new_user_must_change_password_before_anything_else(client, hp_unit):
    user = UserFactory(
        username="newcomer", role=Role.PURCHASER, purchaser_unit=hp_unit, must_change_password=True
    )
    client.post(LOGIN, {"login": "newcomer", "password": PASSWORD})
    for path in ["/workbench/", "/", "/accounts/apply/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == reverse("account_change_password")
    page = client.get(reverse("account_change_password"))
    assert "第一次登录" in page.content.decode()

    new = "Fresh-secret-2026q"
    response = client.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": new, "password2": new}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.must_change_password is False
    assert user.check_password(new)
    assert client.get("/workbench/").status_code == 200


def test_weak_new_password_is_refused(client, hp_unit):
    UserFactory(username="newcomer", role=Role.PURCHASER, purchaser_unit=hp_unit, must_change_password=True)
    client.post(LOGIN, {"login": "newcomer", "password": PASSWORD})
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert client.get("/workbench/").status_code == 302


def test_logout_needs_a_post_and_ends_the_session(client, hp_purchaser):
    client.force_login(hp_purchaser)
    client.post("/accounts/logout/")
    assert client.get("/workbench/").status_code == 302
