"""Errors reach someone (issue 16 §2): a request id on every log line and response, JSON lines with
LOG_FORMAT=json, 500s mailed to ADMINS through the outbox."""

import json
import logging

import pytest
from django.core import mail

from portal.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_request_id(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]


def test_the_balancers_request_id_is_kept_when_it_is_a_plain_token(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234-abcd")["X-Request-ID"] == "lb-1234-abcd"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="x\r\nSet-Cookie: a=b")["X-Request-ID"]
    assert "\n" not in forged and len(forged) == 32


def test_log_lines_in_json_carry_the_request_id(client, caplog):
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(JsonFormatter().format(record))

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("portal.health")
    logger.addHandler(handler)
    try:
        from unittest import mock

        from django.db.backends.utils import CursorWrapper
        from django.db.utils import OperationalError

        with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("down")):
            response = client.get("/readyz", HTTP_X_REQUEST_ID="req-42")
    finally:
        logger.removeHandler(handler)
    line = json.loads(seen[0])
    assert line["request_id"] == "req-42" == response["X-Request-ID"]
    assert line["level"] == "WARNING" and "database" in line["message"]


def test_a_500_is_mailed_to_the_admins(client, settings, django_capture_on_commit_callbacks):
    settings.ADMINS = [("值班", "oncall@example.gov.cn")]
    client.raise_request_exception = False
    from unittest import mock

    with mock.patch("home.views.selectors.home_context", side_effect=ValueError("boom")):
        assert client.get("/").status_code == 500
    assert [m.to for m in mail.outbox] == [["oncall@example.gov.cn"]]
