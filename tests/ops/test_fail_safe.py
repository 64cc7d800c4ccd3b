"""Degrade, don't fail (issue 16 §2), from outside: with the cache (Redis) down or the task broker down,
login, the rate limits, the home page, 数据概览 and every form (留言, 申请开通账号, demand edit) still work.

- Rate limits fail SAFE: with Redis down they count in the database cache (portal/cache_backends.py),
  so five wrong passwords still stop a username, the 留言 limit still stops an address, and nobody else
  is locked out.
- With the broker down an e-mail is not lost: its outbox row stays pending and is sent by the next
  flush (what beat runs every minute), once.
"""

import time

import pytest
from django.core import mail

from inbox import mail as outbox
from inbox.models import OutgoingEmail
from notices.models import Message
from tests.accounts.test_account_applications import street_unit_form, submit
from tests.demands.lifecycle_helpers import form_of
from tests.factories import PASSWORD, AccountApplicationFactory, DemandFactory
from tests.notices.conftest import post_message

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LIMITED = "登录失败次数过多"


@pytest.fixture
def through_the_outbox(settings):
    settings.EMAIL_BACKEND = "inbox.mail.OutboxBackend"
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def pages_answer(client):
    return {path: client.get(path).status_code for path in ("/", "/data/", "/messages/", "/accounts/apply/")}


def every_form_works(client, login, hp_purchaser, huangpu, hp_street):
    """留言, 申请开通账号 and a demand edit, each saved; the home page and 数据概览 answer."""
    assert set(pages_answer(client).values()) == {200}
    assert post_message(client).status_code == 302
    assert Message.objects.count() == 1
    response = submit(client, street_unit_form(huangpu, hp_street))
    assert response.status_code == 302, response.content.decode()[:500]
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit, street=hp_street)
    response = login(hp_purchaser).post(
        f"/demands/{demand.pk}/edit/", form_of(demand, title="调整后的项目名称", reason="服务人数增加")
    )
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.title == "调整后的项目名称"


# --- the cache down ----------------------------------------------------------------------------------


def test_with_the_cache_down_five_wrong_passwords_still_stop_a_username(client, cache_down, hp_purchaser):
    for _ in range(5):
        client.post(LOGIN, {"login": "hp_buyer", "password": "wrong-password"})
    response = client.post(LOGIN, {"login": "hp_buyer", "password": PASSWORD})
    assert LIMITED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_with_the_cache_down_nobody_else_is_locked_out(client, cache_down, hp_purchaser, xh_purchaser):
    for _ in range(5):
        client.post(LOGIN, {"login": "hp_buyer", "password": "wrong-password"})
    response = client.post(LOGIN, {"login": "xh_buyer", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(xh_purchaser.pk)


def test_with_the_cache_down_the_message_limit_still_applies_per_address(client, cache_down, settings):
    settings.MESSAGE_RATE_LIMIT = (2, 600)
    assert [post_message(client).status_code for _ in range(3)] == [302, 302, 200]
    assert Message.objects.count() == 2
    assert post_message(client, REMOTE_ADDR="10.1.2.3").status_code == 302  # another address
    assert Message.objects.count() == 3


def test_with_the_cache_down_every_form_and_page_works(
    client, login, cache_down, hp_purchaser, huangpu, hp_street
):
    every_form_works(client, login, hp_purchaser, huangpu, hp_street)


def test_with_the_cache_down_figures_are_cached_and_redis_is_not_asked_at_every_call(
    client, cache_down, settings, monkeypatch
):
    settings.OVERVIEW_CACHE_SECONDS = 300
    assert client.get("/data/").status_code == 200  # finds Redis down; the figures go to the fallback
    from django.core.cache import caches

    cache = caches["default"]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM portal_cache")
        assert cursor.fetchone()[0] > 0  # the figures, kept in the database cache meanwhile
    monkeypatch.setattr(cache._cache, "get_client", lambda *a, **k: pytest.fail("Redis asked again"))
    assert client.get("/data/").status_code == 200
    assert client.get("/").status_code == 200


# --- the broker down ---------------------------------------------------------------------------------


def test_with_the_broker_down_every_form_and_page_works(
    client, login, broker_down, hp_purchaser, huangpu, hp_street
):
    every_form_works(client, login, hp_purchaser, huangpu, hp_street)


def test_with_the_broker_down_an_e_mail_waits_in_the_outbox_and_is_sent_once(
    login, broker_down, through_the_outbox, hp_admin, django_capture_on_commit_callbacks
):
    application = AccountApplicationFactory(contact_email="jd@example.gov.cn")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(hp_admin).post(
            f"/accounts/applications/{application.pk}/",
            {"action": "reject", "reason": "统一社会信用代码与单位名称不符"},
        )
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    row = OutgoingEmail.objects.get()
    assert row.status == OutgoingEmail.Status.PENDING and row.to == ["jd@example.gov.cn"]
    assert mail.outbox == []
    print(f"the request with the broker down took {elapsed:.2f} s")  # a figure, not a limit
    from inbox.tasks import flush_outbox

    assert flush_outbox.apply().get() == 1  # what beat runs every minute once the broker is back
    assert outbox.flush_due() == 0
    assert [m.to for m in mail.outbox] == [["jd@example.gov.cn"]]
