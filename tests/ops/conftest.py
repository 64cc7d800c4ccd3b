"""Services that are not there, for the degrade-don't-fail tests: a port nothing listens on, the cache
(ResilientRedisCache) pointed at it, and the celery broker pointed at it (not eager)."""

import socket

import pytest
from django.core.cache import caches


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cache_down(settings):
    """The cache is a Redis that is not there."""
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache_backends.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    yield
    caches._settings = None  # the next test gets the configured cache again


@pytest.fixture
def broker_down(settings):
    """Tasks go to a broker that is not there (as in production, not run in-process)."""
    from portal.celery import app

    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_BROKER_URL = url
    app.conf.update(broker_url=url, task_always_eager=False)
    app._pool = None
    app.amqp._producer_pool = None
    yield url
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None
