"""Small readers and makers shared by the tests of every app: messages and form errors of a response,
the current values of an object's edit form,
dates relative to today, the files a user uploads, the files stored under MEDIA_ROOT."""

import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.models import Category
from tests import upload_samples

# Real files: the upload gate parses what it accepts (portal/uploads.py).
PDF_BYTES = upload_samples.PDF_BYTES
PNG_BYTES = upload_samples.PNG_BYTES
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program"

# The Redis databases the tests use on 127.0.0.1:6379, one per purpose; .ci/run gives its SQLite and its
# PostgreSQL pass different ones, since the two run at the same time.
REDIS_TEST_DBS = {"cache": "TEST_REDIS_CACHE_DB", "worker": "TEST_REDIS_WORKER_DB"}
REDIS_TEST_DB_DEFAULTS = {"cache": 13, "worker": 15}


def redis_for_tests(purpose):
    """The URL of the Redis database the tests use for `purpose` ("cache" or "worker")."""
    db = int(os.environ.get(REDIS_TEST_DBS[purpose]) or REDIS_TEST_DB_DEFAULTS[purpose])
    return f"redis://127.0.0.1:6379/{db}"


# --- what a response says ----------------------------------------------------------------------------


def messages_of(response):
    """The flash messages of the request, as strings."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def form_errors(response):
    """Every error of the page's form, as one list of strings (non-field errors first)."""
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    errors = list(form.non_field_errors())
    for name, field_errors in form.errors.items():
        if name != "__all__":
            errors.extend(field_errors)
    return errors


def current_values(obj, *fields):
    """What the edit form of `obj` shows for `fields` (model field names, a relation by its primary key),
    as the browser posts it: text, "" for none."""
    values = {}
    for name in fields:
        value = obj.serializable_value(name)
        values[name] = "" if value is None else str(value)
    return values


def chinese(message):
    """True when the message contains Chinese characters."""
    return bool(re.search(r"[\u4e00-\u9fff]", message))


# --- dates -------------------------------------------------------------------------------------------


def today():
    return timezone.localdate()


def days(n, base=None):
    """The date n days from today (or from `base`)."""
    return (base or today()) + datetime.timedelta(days=n)


def ago(n):
    """The moment n days ago."""
    return timezone.now() - datetime.timedelta(days=n)


# --- reference data and files ------------------------------------------------------------------------


def category(code):
    return Category.objects.get(code=code)


def upload(name, content, content_type="application/octet-stream"):
    """A file as a user picks it in a form."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_upload(name="附件.pdf", content=PDF_BYTES):
    return upload(name, content, "application/pdf")


def media_files():
    """Every file stored under MEDIA_ROOT (a fresh folder per test)."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def assert_login_redirect(response):
    """The response sends a visitor to the login page."""
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(reverse("account_login"))


# --- settings as a fresh process reads them -----------------------------------------------------------


def fresh_process_json(code, env, drop=()):
    """What `code` prints last, read as JSON, run by a fresh process in the repository with the
    environment of this one less the variables whose names start with one of `drop`, plus `env`."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(tuple(drop))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        env={**kept, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def cards_as_printed(template_name, reference, rows, cards):
    """A listing's cards (issue 15) rendered twice: by the `reference` markup (the card template that read
    each of `rows` itself, as `rows`) and by the card loop of the Jinja2 fragment `template_name`
    (templates_jinja2/) over `cards`. Returns both."""
    import re

    from django.conf import settings
    from django.template import engines
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    expected = engines["django"].from_string(reference).render({"rows": rows}, request)
    with open(settings.BASE_DIR / "templates_jinja2" / template_name, encoding="utf-8") as f:
        loop = re.search(r"\{% for c in cards %\}.*?\{% endfor %\}", f.read(), re.S).group(0)
    actual = engines["jinja2"].env.from_string(loop).render(cards=cards)
    return expected, actual
