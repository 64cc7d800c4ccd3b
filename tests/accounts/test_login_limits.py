"""Issue 19 §4 (R-ACC-1): wrong passwords are limited per (address, username) pair, with a much higher
ceiling for an address as a whole (one office NAT of 200 staff is not locked out by one person
mistyping) and a per-username limit above the pair's (credential stuffing of one account from many
addresses). Fixed windows: retrying during a lockout does not push its end; the Chinese message says
when to try again. The admin site's login and the second-factor code step share the counters.
Everything seen from the login page."""

import re
import time

import pyotp
import pytest
from django.conf import settings as django_settings
from django.test import Client

from portal import caching
from tests.factories import PASSWORD, TOTP_SECRET, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LIMITED = "登录失败次数过多"
OFFICE = "203.0.113.50"


def attempt(client, username, password="wrong-password", address=OFFICE):
    return client.post(LOGIN, {"login": username, "password": password}, REMOTE_ADDR=address)


def logs_in(username, address=OFFICE):
    client = Client()
    response = attempt(client, username, PASSWORD, address)
    return response.status_code == 302 and "_auth_user_id" in client.session


def retry_time(response):
    match = re.search(r"请于 (\d\d:\d\d) 后再试", response.content.decode())
    return match and match.group(1)


@pytest.fixture
def staff(db):
    return [UserFactory(username=f"office{i:02}", role="purchaser") for i in range(12)]


def test_the_pair_is_locked_after_five_failures_with_a_chinese_time_to_retry(client, hp_purchaser):
    for _ in range(5):
        assert LIMITED not in attempt(client, "hp_buyer").content.decode()
    refused = attempt(client, "hp_buyer", PASSWORD)
    assert "_auth_user_id" not in client.session and LIMITED in refused.content.decode()
    assert retry_time(refused)
    # The same person from home (another address) is not locked by the office's pair.
    assert logs_in("hp_buyer", address="198.51.100.9")


def test_one_person_mistyping_does_not_lock_out_the_office(client, hp_purchaser, staff):
    for _ in range(8):
        attempt(client, "hp_buyer")
    assert all(logs_in(user.username) for user in staff)


def test_many_colleagues_mistyping_once_each_stay_below_the_office_ceiling(staff):
    client = Client()
    for _ in range(3):
        for user in staff:
            attempt(client, user.username)
    assert logs_in(staff[0].username)  # 36 failures from one address: far below the ceiling


def test_the_address_as_a_whole_has_a_higher_ceiling(settings, staff):
    settings.LOGIN_LIMITS = {**settings.LOGIN_LIMITS, "address": (10, 600)}
    client = Client()
    for user in staff[:10]:
        attempt(client, user.username)  # one failure per account: no pair is near its limit
    assert not logs_in(staff[11].username)
    assert LIMITED in attempt(client, staff[11].username, PASSWORD).content.decode()
    assert logs_in(staff[11].username, address="198.51.100.9")


def test_one_username_from_many_addresses_is_limited(settings, hp_purchaser):
    pair, _ = settings.LOGIN_LIMITS["pair"]
    per_username, _ = settings.LOGIN_LIMITS["username"]
    client = Client()
    for i in range(per_username):  # credential stuffing: each address tries fewer than the pair limit
        attempt(client, "hp_buyer", address=f"198.51.100.{i + 1}")
    assert not logs_in("hp_buyer", address="192.0.2.1")
    assert per_username > pair  # a single pair is stopped first


def test_the_limits_as_configured():
    limits = django_settings.LOGIN_LIMITS
    assert limits["pair"][0] == 5
    assert limits["address"][0] >= 200 > limits["username"][0] > limits["pair"][0]


def test_retrying_during_the_lockout_does_not_push_its_end(monkeypatch, client, hp_purchaser):
    window = django_settings.LOGIN_LIMITS["pair"][1]
    start = (time.time() // window + 1) * window  # the start of the next window, to know where we are
    clock = {"now": start + 10}
    monkeypatch.setattr(caching, "clock", lambda: clock["now"])
    for _ in range(5):
        attempt(client, "hp_buyer")
    first = retry_time(attempt(client, "hp_buyer", PASSWORD))
    for second in (60, 150, window - 5):  # retrying all through the window
        clock["now"] = start + second
        assert retry_time(attempt(client, "hp_buyer", PASSWORD)) == first
    clock["now"] = start + window + 1
    assert logs_in("hp_buyer")


def test_the_admin_login_is_the_limited_site_login(client, city_admin):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    response = client.post("/admin/login/?next=/admin/", {"username": "city_admin", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    for _ in range(5):
        attempt(client, "city_admin")
    assert LIMITED in attempt(client, "city_admin", PASSWORD).content.decode()


def code_step(client, username):
    response = attempt(client, username, PASSWORD)
    assert response.status_code == 302 and "/2fa/authenticate/" in response["Location"], response
    return response["Location"]


def test_wrong_second_factor_codes_count_with_wrong_passwords(client, city_admin):
    for _ in range(3):
        attempt(client, "city_admin")
    step = code_step(client, "city_admin")
    for _ in range(2):
        page = client.post(step, {"code": "000000"}, REMOTE_ADDR=OFFICE).content.decode()
        assert LIMITED not in page
    # Five failures in all: even the right code is refused now, and the password too.
    page = client.post(step, {"code": pyotp.TOTP(TOTP_SECRET).now()}, REMOTE_ADDR=OFFICE).content.decode()
    assert LIMITED in page and "_auth_user_id" not in client.session
    assert LIMITED in attempt(Client(), "city_admin", PASSWORD).content.decode()


def test_the_code_step_after_a_good_password_is_limited_on_its_own(client, city_admin):
    step = code_step(client, "city_admin")
    for _ in range(5):
        client.post(step, {"code": "123456"}, REMOTE_ADDR=OFFICE)
    page = client.post(step, {"code": pyotp.TOTP(TOTP_SECRET).now()}, REMOTE_ADDR=OFFICE).content.decode()
    assert LIMITED in page and re.search(r"请于 \d\d:\d\d 后再试", page)
    assert "_auth_user_id" not in client.session
