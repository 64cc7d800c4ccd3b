"""The optional read replica (issue 16 §2): public listing and search pages and the public API read from
`replica`; writes, other pages, and a browser's reads within REPLICA_PIN_SECONDS of its own write use the
primary. The replica here is Django's test mirror of `default` (tests/replica/conftest.py)."""

import time

import pytest
from django.db import connections, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from demands.models import Demand
from inbox.models import OutgoingEmail
from notices.models import Message
from portal import replica, shapes
from portal.replica import PIN_COOKIE, ReplicaRouter
from tests.factories import DemandFactory
from tests.notices.conftest import post_message

BOTH = pytest.mark.django_db(databases=["default", "replica"])


@pytest.fixture
def with_router(settings):
    settings.DATABASE_ROUTERS = ["portal.replica.ReplicaRouter"]
    settings.REPLICA_PIN_SECONDS = 10
    mirror = connections["replica"]
    if mirror.vendor == "sqlite":
        # The in-memory test database is shared between the two connections; the mirror reads what
        # the test case's (uncommitted) transaction wrote instead of waiting on its table locks.
        with mirror.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")


def request_for(path, method="get", cookies=None):
    request = getattr(RequestFactory(), method)(path)
    request.COOKIES.update(cookies or {})
    return request, resolve(path)


@pytest.mark.parametrize(
    "path",
    ["/demands/", "/offerings/", "/directory/", "/search/", "/policies/", "/downloads/", "/api/v1/demands/"],
)
def test_public_listings_and_the_api_read_from_the_replica(path):
    assert replica.reads_from_replica(*request_for(path))


@pytest.mark.parametrize("path", ["/", "/workbench/", "/demands/1/", "/demands/new/", "/messages/", "/data/"])
def test_other_pages_read_from_the_primary(path):
    assert not replica.reads_from_replica(*request_for(path))


def test_a_post_to_a_listing_reads_from_the_primary():
    assert not replica.reads_from_replica(*request_for("/demands/", method="post"))


def test_a_browser_that_wrote_recently_reads_from_the_primary():
    soon = f"{time.time() + 5:.0f}"
    assert not replica.reads_from_replica(*request_for("/demands/", cookies={PIN_COOKIE: soon}))
    past = f"{time.time() - 1:.0f}"
    assert replica.reads_from_replica(*request_for("/demands/", cookies={PIN_COOKIE: past}))
    assert replica.reads_from_replica(*request_for("/demands/", cookies={PIN_COOKIE: "garbage"}))


@BOTH
def test_the_router_sends_writes_and_reads_in_transactions_to_the_primary():
    router = ReplicaRouter()
    token = replica._use_replica.set(True)
    try:
        assert router.db_for_read(Demand) == "replica"
        assert router.db_for_write(Demand) == "default"
        with transaction.atomic():
            assert router.db_for_read(Demand) == "default"
        from django.contrib.sessions.models import Session

        assert router.db_for_read(Session) == "default"  # a login must be seen at once
        assert router.allow_migrate("replica", "demands") is False
        assert router.allow_migrate("default", "demands") is True
    finally:
        replica._use_replica.reset(token)
    assert router.db_for_read(Demand) == "default"  # outside a replica request (tasks, commands)


def queries_on(client, path):
    with CaptureQueriesContext(connections["default"]) as primary:
        with CaptureQueriesContext(connections["replica"]) as secondary:
            response = client.get(path)
    assert response.status_code == 200
    return len(primary), len(secondary)


@BOTH
def test_a_listing_reads_from_the_replica_until_the_same_browser_writes(client, with_router):
    DemandFactory()
    primary, secondary = queries_on(client, "/demands/")
    assert secondary > 0 and primary == 0  # the listing answers while the primary is away
    response = post_message(client)
    assert response.status_code == 302 and Message.objects.count() == 1
    assert PIN_COOKIE in response.cookies and response.cookies[PIN_COOKIE]["max-age"] == 10
    primary, secondary = queries_on(client, "/demands/")
    assert secondary == 0 and primary > 0
    # Another browser, which did not write, still reads from the replica.
    other = type(client)()
    assert queries_on(other, "/demands/")[1] > 0


@BOTH
def test_a_logged_in_write_pins_that_user_to_the_primary(as_role, with_router, hp_purchaser):
    client = as_role("hp_purchaser")
    assert queries_on(client, "/offerings/")[1] > 0  # (its session is read from the primary)
    response = client.post("/contrast-mode/", {"next": "/"})  # any POST counts as a write
    assert PIN_COOKIE in response.cookies
    assert queries_on(client, "/offerings/")[1] == 0


@BOTH
def test_a_get_that_saves_a_row_pins_the_browser(client, with_router):
    from inbox import mail

    request, _ = request_for("/demands/")
    middleware = replica.ReplicaMiddleware(lambda r: (mail.OutboxBackend().send_messages([]), _ok())[1])
    assert PIN_COOKIE not in middleware(request).cookies

    def writes(r):
        OutgoingEmail.objects.create(subject="s", body="b", from_email="a@b.c", to=["x@y.z"])
        return _ok()

    assert PIN_COOKIE in replica.ReplicaMiddleware(writes)(request).cookies


def _ok():
    from django.http import HttpResponse

    return HttpResponse("ok")


@BOTH
@pytest.mark.parametrize(
    "path", ["/demands/", "/offerings/", "/directory/", "/search/?q=养老", "/policies/", "/api/v1/demands/"]
)
def test_a_visitor_s_listing_asks_nothing_of_the_primary(client, with_router, path):
    DemandFactory()
    primary, secondary = queries_on(client, path)
    assert secondary > 0 and primary == 0


@BOTH
@pytest.mark.parametrize("path", ["/demands/?sort=oldest", "/demands/?q=养老", "/offerings/", "/directory/"])
def test_sql_kept_per_shape_runs_on_the_database_each_request_reads(client, with_router, path):
    """A listing's SQL is kept per shape and database (portal/shapes.py): the same shape read by a pinned
    browser from the primary, then by others from the replica, asks nothing of the other one."""
    DemandFactory()
    shapes.clear()
    for _ in range(2):
        assert queries_on(client, path)[0] == 0  # the replica only
    pinned = type(client)()
    pinned.cookies[PIN_COOKIE] = f"{time.time() + 60:.0f}"
    for _ in range(2):
        assert queries_on(pinned, path)[1] == 0  # the primary only
    assert queries_on(client, path)[0] == 0
