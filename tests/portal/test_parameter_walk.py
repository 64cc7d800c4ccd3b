"""Issue 19 §3 (R-GEN-3): no parameter causes a 5xx. Every URL pattern of the project (walked with
django.urls' resolver) is requested with hostile values in its path and in every parameter name the
views read, by GET and by POST, as a visitor and as several roles in and out of their district."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import DemandFactory

pytestmark = pytest.mark.django_db

PARAMETERS = (
    "page",
    "year",
    "district",
    "street",
    "category",
    "q",
    "id",
    "pk",
    "evidence",
    "next",
    "sort",
    "order",
    "status",
    "kind",
    "type",
    "unit",
    "organization",
    "edition",
    "target",
    "target_type",
    "date_from",
    "date_to",
    "from",
    "to",
    "month",
    "format",
    "per_page",
    "page_size",
    "limit",
    "offset",
    "on",
    "budget_min",
    "budget_max",
    "score",
    "amount",
    "awarded_on",
    "evaluated_on",
    "publish_date",
    "demand",
    "offering",
    "action",
    "offering",
    "size",
    "tab",
    "show",
    "publisher",
    "number",
    "org_q",
    "table",
    "code",
    "p",
    "o",
)
HOSTILE = ("9" * 5000, "-1", "1e309", "１２", "٣", "2026-13-45\x00' OR 1=1--", "javascript:alert(1)", "../..")
PATH_VALUES = {
    "int": ("0", "9" * 30),
    "str": ("x" * 300, "..%2F"),
    "slug": ("x" * 300,),
    "uuid": ("00000000-0000-0000-0000-000000000000",),
}
SKIP = re.compile(r"^(admin/|static/|media/|__debug__/)")  # the admin site is walked separately below


def patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def fill(route, choice):
    """A concrete path for a route (path() converters, or a regex route with groups)."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\.", ".")

    def converter(match):
        kind = match.group(1) or "str"
        values = PATH_VALUES.get(kind, PATH_VALUES["str"])
        return values[choice % len(values)]

    path = re.sub(r"<(?:(\w+):)?\w+>", converter, route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    if any(ch in path for ch in "()[]*+?\\"):
        return None
    return "/" + path


ROUTES = sorted({r for r in patterns() if not SKIP.match(r.lstrip("^"))})
ROLES = ("visitor", "city_admin", "hp_admin", "hp_purchaser", "hp_org_user")


@pytest.fixture
def clients(request):
    def client_for(role):
        client = Client(raise_request_exception=False)
        if role != "visitor":
            client.force_login(request.getfixturevalue(role))
        return client

    return {role: client_for(role) for role in ROLES}


def server_errors(client, path):
    failures = []
    for value in HOSTILE:
        query = {name: value for name in PARAMETERS}
        for method in ("get", "post"):
            response = getattr(client, method)(path, query)
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {path} {value[:20]!r} → {response.status_code}")
                break
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_no_url_answers_5xx_to_hostile_parameters(role, clients, hp_purchaser):
    DemandFactory(unit=hp_purchaser.purchaser_unit)
    client = clients[role]
    failures = []
    for route in ROUTES:
        for choice in (0, 1):
            path = fill(route, choice)
            if path:
                failures += server_errors(client, path)
    assert not failures, "\n".join(failures)


def test_a_bad_parameter_answers_a_chinese_400_in_the_site_frame(client):
    response = client.get("/elder-mode/", {"next": "abc"})
    assert response.status_code == 302 and response["Location"] == "/"
    response = client.get("/search/", {"q": "养" * 60_000})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请求有误" in page and "过长" in page and "962200" in page


def test_the_api_answers_400_in_json(client):
    response = client.get("/api/demands/", {"q": "x" * 20_000})
    assert response.status_code == 400
    assert "过长" in response.json()["error"]


def test_the_admin_search_refuses_a_60000_character_query(client, city_admin):
    client.force_login(city_admin)
    response = client.get("/admin/demands/demand/", {"q": "养" * 60_000})
    assert response.status_code == 400


def test_a_csrf_failure_is_explained_in_chinese(city_admin):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/messages/", {"name": "张三", "subject": "咨询", "body": "你好"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "安全校验" in page and "刷新" in page
