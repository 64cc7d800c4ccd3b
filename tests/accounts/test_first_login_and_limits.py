"""Issue 19 §4 (R-ACC-1, R-ACC-2): the first-login change refuses the initial password, the
username and common passwords; rate limits use fixed windows a client cannot extend by retrying;
the address-wide login ceiling is well above the per-username limit (one office NAT)."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Role
from portal import caching
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def newcomer(client, hp_unit):
    user = UserFactory(
        username="newcomer2026", role=Role.PURCHASER, purchaser_unit=hp_unit, must_change_password=True
    )
    client.post(LOGIN, {"login": "newcomer2026", "password": PASSWORD})
    return user


def change(client, new):
    return client.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": new, "password2": new}
    )


@pytest.mark.parametrize(
    "new,fragment",
    [
        (PASSWORD, "初始密码"),
        ("newcomer2026", "用户名"),
        ("NEWCOMER2026!x", "用户名"),
        ("password123", None),
        ("qwertyuiop", None),
    ],
    ids=["initial", "username", "username-in-it", "common-1", "common-2"],
)
def test_the_first_login_change_refuses_weak_choices(client, newcomer, new, fragment):
    response = change(client, new)
    assert response.status_code == 200
    if fragment:
        assert fragment in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.must_change_password is True and newcomer.check_password(PASSWORD)
    assert client.get("/workbench/").status_code == 302


def test_a_good_new_password_is_taken(client, newcomer):
    assert change(client, "Huangpu-riverside-77").status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.must_change_password is False


def test_rate_counters_use_fixed_windows_that_retrying_cannot_extend():
    cache.clear()
    window = 600
    start = 1_800_000_000 // window * window
    for second in (0, 100, 300, 599):  # retrying all through the window
        caching.increment("t-rate", window, now=start + second)
    assert cache.get(f"t-rate:{start}") == 4
    # The next window starts from nothing, however often the client retried in the last one.
    assert caching.increment("t-rate", window, now=start + window) == 1


def test_a_counter_expires_with_its_window_even_after_incr(monkeypatch):
    """The database cache's incr re-sets the default timeout; the counter is touched back to the
    window's end."""
    touched = []
    monkeypatch.setattr(cache, "touch", lambda key, timeout: touched.append(timeout) or True)
    window = 600
    start = 1_800_000_000 // window * window
    caching.increment("u-rate", window, now=start + 500)
    caching.increment("u-rate", window, now=start + 500)
    assert touched and touched[-1] <= 101


def test_the_address_wide_login_ceiling_is_higher_than_the_per_username_limit():
    # The cases are tried from the login page in tests/accounts/test_login_limits.py.
    limits = settings.LOGIN_LIMITS
    assert limits["address"][0] >= 10 * limits["username"][0] > 10 * limits["pair"][0] // 5
