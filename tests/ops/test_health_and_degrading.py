"""Production as it will run (issue 16 §2): health checks for the load balancer, and pages that degrade
instead of failing when a service they use is down.

- `/healthz` answers without touching anything; `/readyz` says which of database, cache and broker
  answer, as machine-readable JSON with no details, and 503 when one does not.
- With the cache (Redis) down, login, the rate limits, the home page and the forms still work.
- With the database down, pages answer 503 with Retry-After and a Chinese page, not 500.
"""

import json
from unittest import mock

import pytest
from django.core.cache import caches
from django.db.backends.utils import CursorWrapper
from django.db.utils import OperationalError

from tests.factories import PASSWORD
from tests.helpers import redis_for_tests
from tests.ops.conftest import closed_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_up(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache_backends.ResilientRedisCache",
            "LOCATION": redis_for_tests("cache"),
        }
    }
    yield
    caches["default"].clear()


def body(response):
    return json.loads(response.content)


def test_healthz_answers_without_the_database(client):
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert body(response) == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_each_dependency_and_leaks_nothing(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert body(response) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "not_configured"},
    }
    assert response.content.isascii()


def test_readyz_says_503_while_the_database_is_down(client):
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("connection refused")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert body(response)["checks"]["database"] == "fail"
    assert body(response)["status"] == "fail"
    assert response["Retry-After"] == "30"
    assert b"refused" not in response.content


def test_readyz_says_503_while_the_cache_is_down(client, cache_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert body(response)["checks"] == {"database": "ok", "cache": "fail", "broker": "not_configured"}


def test_readyz_checks_a_configured_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/14"
    assert body(client.get("/readyz"))["checks"]["broker"] == "ok"
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503 and body(response)["checks"]["broker"] == "fail"


def test_the_real_redis_cache_is_used_when_up(redis_up):
    cache = caches["default"]
    assert cache.add("k", 1, 10) is True and cache.add("k", 1, 10) is False
    assert cache.incr("k") == 2 and cache.get("k") == 2
    cache.ping()


def test_with_the_cache_down_the_database_cache_answers_instead(cache_down):
    cache = caches["default"]
    assert cache.get("x", "default") == "default"
    assert cache.add("x", 1, 10) is True and cache.add("x", 1, 10) is False
    assert cache.incr("x") == 2 and cache.get("x") == 2  # counted, so rate limits still apply
    assert cache.get_many(["a", "b"]) == {}
    assert cache.get_or_set("y", lambda: 42, 10) == 42
    cache.set("z", 1)
    cache.delete("z")
    assert cache.get("z") is None
    with pytest.raises(Exception):  # noqa: B017 - the readiness check must see the failure
        cache.ping()


def test_with_the_cache_down_people_can_still_log_in_and_use_the_site(client, cache_down, hp_purchaser):
    assert client.get("/").status_code == 200
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"login": "hp_buyer", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/workbench/").status_code == 200
    assert client.get("/demands/new/").status_code == 200
    assert client.get("/data/").status_code == 200


def test_with_the_cache_down_a_wrong_password_is_still_refused(client, cache_down, hp_purchaser):
    for _ in range(3):
        response = client.post("/accounts/login/", {"login": "hp_buyer", "password": "wrong-password"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session


def test_with_the_database_down_pages_answer_503_in_chinese(client):
    client.raise_request_exception = False
    with mock.patch.object(
        CursorWrapper, "execute", side_effect=OperationalError("server closed the connection")
    ):
        response = client.get("/demands/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "平台暂时无法访问" in html and "不会丢失" in html
    assert "server closed" not in html


def test_another_error_is_still_a_500(client):
    client.raise_request_exception = False
    with mock.patch("home.views.selectors.home_context", side_effect=ValueError("boom")):
        response = client.get("/")
    assert response.status_code == 500
    assert "系统暂时出错" in response.content.decode()
