"""Logs that reach someone (issue 16 §2): a request id on every line, JSON lines when LOG_FORMAT=json.

`RequestIdMiddleware` takes the balancer's `X-Request-ID` when it is a plain token (letters, digits,
`-`, at most 64), or makes one, keeps it for the request's thread, and returns it as `X-Request-ID`, so
that a user's report ("编号 …") finds every line of that request on every host.
"""

import contextvars
import json
import logging
import re
import uuid

_request_id = contextvars.ContextVar("request_id", default="-")
TOKEN = re.compile(r"^[A-Za-z0-9-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if TOKEN.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
