"""Issue 19 §3 (R-GEN-3), the forms: every form the site shows a role (found by following the links
of its pages, from the home page, 我的工作台 and the admin site's index, so a page added tomorrow is
walked too) is submitted with hostile values in every field it has (numbers of 5,000 digits, -1,
1e309, Arabic-Indic and full-width digits, NUL, ../, and javascript: as `next`), and every admin
changelist is searched with a 60,000-character `q` and a 9,000-character one (under the length
limit, so the database does see it). Nothing may answer 5xx, on SQLite and on PostgreSQL."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.factories import (
    ApplicationFactory,
    ArticleFactory,
    DemandFactory,
    DownloadFactory,
    EditionFactory,
    InterestFactory,
    MessageFactory,
    OfferingFactory,
)
from tests.html import select

pytestmark = pytest.mark.django_db

HOSTILE = (
    "9" * 5000,
    "-1",
    "1e309",
    "٣",
    "１２",
    "\x00",
    "../../etc/passwd",
    "javascript:alert(1)",
)
ROLES = ("visitor", "city_admin", "hp_admin", "hp_purchaser", "hp_org_user", "monitor")
SEEDS = ("/", "/workbench/", "/admin/", "/accounts/login/", "/accounts/apply/", "/messages/")
NEVER = ("/accounts/logout/", "/admin/logout/", "/static/", "/media/", "/api/v1/openapi", "/__debug__/")
MAX_PAGES = 160


@pytest.fixture
def world(hp_purchaser, hp_org_user, hp_org, hp_unit, xh_unit):
    demand = DemandFactory(unit=hp_unit)
    DemandFactory(unit=xh_unit)
    offer = OfferingFactory(organization=hp_org)
    InterestFactory(demand=demand, organization=hp_org, offering=offer)
    EditionFactory(year=2020)
    ApplicationFactory(edition=EditionFactory(collecting=True), organization=hp_org, status="draft")
    ArticleFactory()
    DownloadFactory()
    MessageFactory()


def client_for(request, role):
    client = Client(raise_request_exception=False)
    if role != "visitor":
        client.force_login(request.getfixturevalue(role))
    return client


def local(href, base):
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.netloc not in ("", "testserver") or any(parts.path.startswith(p) for p in NEVER):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def forms_of(page, base):
    """(method, action, field names) of each form on the page."""
    found = []
    for form in select(page, "form"):
        action = local(form.get("action") or base, base)
        names = sorted({e.get("name") for e in form.cssselect("input, select, textarea") if e.get("name")})
        if action and names:
            found.append(((form.get("method") or "get").lower(), action, tuple(names)))
    return found


def shape(path):
    """/admin/portal/category/17/change/ → /admin/portal/category/N/change/: one page of each kind."""
    return re.sub(r"/\d+/", "/N/", path)


def crawl(client):
    """Pages reached from the seeds (one page of each kind), and the forms on them."""
    seen, queue, forms, failures = set(), list(SEEDS), {}, []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        path = shape(urlsplit(url).path)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"GET {url} → {response.status_code}")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in select(response, "a[href]"):
            target = local(link.get("href"), url)
            if target and shape(urlsplit(target).path) not in seen:
                queue.append(target)
        for method, action, names in forms_of(response, url):
            forms.setdefault((method, shape(urlsplit(action).path), names), action)
    return forms, failures


def submit_hostile(client, forms):
    failures = []
    for (method, path, names), action in sorted(forms.items()):
        if path.startswith("/accounts/login") and method == "post":
            continue  # the login form's limits are walked in tests/accounts/test_login_limits_*.py
        for value in HOSTILE:
            data = {name: value for name in names if name != "csrfmiddlewaretoken"}
            data["next"] = "javascript:alert(1)" if value != HOSTILE[0] else value
            response = getattr(client, method)(action if method == "get" else urlsplit(action).path, data)
            if response.status_code >= 500:
                failures.append(
                    f"{method.upper()} {path} fields={names} {value[:12]!r} → {response.status_code}"
                )
                break
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_no_form_answers_5xx_to_hostile_values(role, request, world):
    client = client_for(request, role)
    forms, failures = crawl(client)
    assert len(forms) >= 3, sorted(forms)  # the walk did find forms (search, filters, the role's own)
    failures += submit_hostile(client, forms)
    assert not failures, "\n".join(failures)


def test_the_walk_reaches_the_recent_pages(request, world):
    """The forms added lately are among those walked: 承接意向, the organization's and unit's pages,
    the second factor's set-up, the application form, the admin changelists."""
    forms, _ = crawl(client_for(request, "hp_org_user"))
    paths = {path for _, path, _ in forms}
    assert any("/interest" in p for p in paths), sorted(paths)
    forms, _ = crawl(client_for(request, "visitor"))
    paths = {path for _, path, _ in forms}
    assert "/accounts/apply/" in paths and "/messages/" in paths, sorted(paths)
    forms, _ = crawl(client_for(request, "city_admin"))
    assert any(p.startswith("/admin/") and p.endswith("/add/") for _, p, _ in forms)


@pytest.mark.parametrize("role", ("city_admin", "hp_admin"))
def test_every_admin_changelist_survives_a_huge_search(role, request, world):
    client = client_for(request, role)
    failures = []
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for q, expected in (("养" * 60_000, {400}), ("1e309 ٣ \x00 " * 900, {200, 302, 403})):
            response = client.get(url, {"q": q, "p": "9" * 5000, "o": "-1", "e": "1"})
            if response.status_code >= 500 or (expected == {400} and response.status_code != 400):
                failures.append(f"{url} q={len(q)} chars → {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_past_version_page_with_a_non_numeric_id_is_a_404(request, world, hp_purchaser):
    """Found by the walk on PostgreSQL: /admin/accounts/user/<id>/history/password/ answered 500."""
    client = client_for(request, "city_admin")
    for version in ("password", "9" * 5000, "-1", "１２"):
        response = client.get(f"/admin/accounts/user/{hp_purchaser.pk}/history/{version}/")
        assert response.status_code == 404, (version, response.status_code)
