"""Behind a reverse proxy (issue #14): every rate limit (login, 留言区, exports) takes the client
address from X-Forwarded-For only when the request comes from a proxy in TRUSTED_PROXIES (empty by
default); a forged header from anywhere else changes nothing."""

import pytest
from django.test import RequestFactory

from portal.http import client_ip

pytestmark = pytest.mark.django_db


def ip(remote, xff=None):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return client_ip(RequestFactory().get("/", **meta))


def test_by_default_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert ip("203.0.113.7", "198.51.100.1") == "203.0.113.7"


@pytest.mark.parametrize(
    "remote, xff, expected",
    [
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),  # from the proxy: the client it names
        ("10.0.0.2", "1.1.1.1, 198.51.100.1", "198.51.100.1"),  # the client may prepend anything
        ("10.0.0.2", "198.51.100.1, 10.0.0.3", "198.51.100.1"),  # two proxies of ours in a row
        ("10.0.0.2", "10.0.0.9", "10.0.0.2"),  # only proxies: the nearest one
        ("10.0.0.2", "not-an-address", "10.0.0.2"),
        ("10.0.0.2", "", "10.0.0.2"),
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # not from the proxy: forged, ignored
        ("2001:db8::5", "198.51.100.1", "2001:db8::5"),
    ],
)
def test_only_a_trusted_proxy_names_the_client(settings, remote, xff, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert ip(remote, xff) == expected


LIMITED = "登录失败次数过多"


def leave_message(client, subject, **meta):
    from tests.notices.conftest import MESSAGES, fresh_token, message_data

    token = fresh_token(client)
    return client.post(MESSAGES, message_data(token, subject=subject), **meta)


def clients_behind(remote_addr, count):
    """The addresses of `count` requests from `remote_addr`, each naming another client in X-Forwarded-For."""
    return [{"REMOTE_ADDR": remote_addr, "HTTP_X_FORWARDED_FOR": f"198.51.100.{i}"} for i in range(count)]


def failed_logins_from(client, user, remote_addr):
    """The pages of five failed logins from `remote_addr`, each naming another client."""
    wrong = {"login": user.username, "password": "wrong"}
    return [
        client.post("/accounts/login/", wrong, **meta).content.decode()
        for meta in clients_behind(remote_addr, 5)
    ]


def test_a_forged_header_does_not_escape_the_login_limit(client, settings, hp_purchaser):
    settings.TRUSTED_PROXIES = []
    settings.LOGIN_LIMITS = {**settings.LOGIN_LIMITS, "address": (3, 60)}
    pages = failed_logins_from(client, hp_purchaser, "203.0.113.7")
    assert LIMITED not in pages[0] and LIMITED in pages[-1]


def test_behind_the_trusted_proxy_each_client_has_its_own_login_limit(client, settings, hp_purchaser):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    settings.LOGIN_LIMITS = {**settings.LOGIN_LIMITS, "address": (3, 60)}
    pages = failed_logins_from(client, hp_purchaser, "10.0.0.2")
    assert not any(LIMITED in page for page in pages)


def test_the_message_board_limit_ignores_a_forged_header(client, settings):
    settings.TRUSTED_PROXIES = []
    settings.MESSAGE_RATE_LIMIT = (2, 600)
    for i, meta in enumerate(clients_behind("203.0.113.7", 3)):
        leave_message(client, f"留言{i}", **meta)
    from notices.models import Message

    assert Message.objects.count() == 2


def test_behind_the_trusted_proxy_the_message_board_counts_each_client(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    settings.MESSAGE_RATE_LIMIT = (2, 600)
    for i, meta in enumerate(clients_behind("10.0.0.2", 3)):
        leave_message(client, f"留言{i}", **meta)
    from notices.models import Message

    assert Message.objects.count() == 3


def test_the_export_limit_ignores_a_forged_header(client, settings):
    settings.TRUSTED_PROXIES = []
    settings.EXPORT_RATE_LIMIT = (2, 600)
    codes = [
        client.get("/demands/export.xlsx", **meta).status_code for meta in clients_behind("203.0.113.7", 3)
    ]
    assert codes == [200, 200, 429]


def test_behind_the_trusted_proxy_exports_count_each_client(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.EXPORT_RATE_LIMIT = (2, 600)
    codes = [client.get("/demands/export.xlsx", **meta).status_code for meta in clients_behind("10.1.2.3", 3)]
    assert codes == [200, 200, 200]
