"""Bad input to the open-data endpoints (R-GEN-3): a bad parameter is a 400 with a Chinese `error` and the
parameter's name, a missing or hidden record a 404, anything but GET a 405, all in JSON; never a 500.
And the headers every answer carries: CORS for any origin, cacheable for five minutes."""

import re

import pytest

from .conftest import get_json

pytestmark = pytest.mark.django_db

DEMANDS, OFFERINGS, DIRECTORY = "/api/v1/demands/", "/api/v1/offerings/", "/api/v1/directory/"
ALL_LISTS = (DEMANDS, OFFERINGS, DIRECTORY)

COMMON_BAD = [
    ("page", "abc"),
    ("page", "0"),
    ("page", "-1"),
    ("page", "1.5"),
    ("page", "１"),  # a full-width digit
    ("page_size", "10000"),
    ("page_size", "101"),
    ("page_size", "0"),
    ("page_size", "ten"),
    # Spaces are not part of an integer: the description (generated) says integer, so the API refuses.
    ("page_size", " 5 "),
    ("category", "99"),
    ("category", "abc"),
    ("category", "0101" * 10),
    ("category", "<script>"),
    ("district", "火星区"),
    ("district", "999999"),
    ("district", "黄" * 100),
    ("q", "养" * 51),
]
DEMAND_BAD = [
    ("year", "xyz"),
    ("year", "20260"),
    ("year", "26"),
    ("status", "draft"),
    ("status", "whatever"),
    ("status", "published,draft"),
    ("status", "published,"),
    ("level", "province"),
    ("budget_min", "abc"),
    ("budget_min", "-1"),
    ("budget_max", "NaN"),
    ("budget_max", "Infinity"),
    ("budget_max", "1e999999"),
    ("updated_since", "yesterday"),
    ("updated_since", "2026-13-45"),
    ("updated_since", "2026-02-30T25:00:00"),
    ("sort", "price"),
]
OFFERING_BAD = [
    ("previously_purchased", "yes"),
    ("directory_member", "maybe"),
    ("updated_since", "0000-00-00"),
    ("sort", "budget_desc"),
]
DIRECTORY_BAD = [("year", "xyz"), ("year", "２０２６")]

CASES = (
    [(url, name, value) for url in ALL_LISTS for name, value in COMMON_BAD]
    + [(DEMANDS, name, value) for name, value in DEMAND_BAD]
    + [(OFFERINGS, name, value) for name, value in OFFERING_BAD]
    + [(DIRECTORY, name, value) for name, value in DIRECTORY_BAD]
)


@pytest.mark.parametrize(("url", "name", "value"), CASES)
def test_a_bad_parameter_answers_400_with_a_chinese_message(client, db, url, name, value):
    data = get_json(client, url, {name: value}, status=400)
    assert re.search(r"[\u4e00-\u9fff]", data["error"]), data
    assert data["parameter"] == name


@pytest.mark.parametrize("url", ALL_LISTS)
def test_a_parameter_given_twice_answers_400(client, db, url):
    response = client.get(f"{url}?page=1&page=2")
    assert response.status_code == 400
    assert "只能出现一次" in response.json()["error"]


@pytest.mark.parametrize("url", ALL_LISTS)
def test_unknown_parameters_and_odd_but_harmless_values_are_accepted(client, world, url):
    for params in (
        {"_": "1712345678"},
        {"q": "养老\x00"},
        {"q": "   "},
        {"q": "%' OR 1=1 --"},
    ):
        get_json(client, url, params)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/demands/999999999/",
        "/api/v1/demands/99999999999999999999999/",
        "/api/v1/offerings/999999999/",
        "/api/v1/demands/abc/",
        "/api/v1/nothing-here/",
        "/api/v1/demands/1/extra/",
    ],
)
def test_a_missing_record_or_path_answers_404_in_json(client, db, path):
    data = get_json(client, path, status=404)
    assert re.search(r"[\u4e00-\u9fff]", data["error"])


def test_a_missing_slash_is_added(client, db):
    response = client.get("/api/v1/demands?category=01")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/demands/?category=01"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", [*ALL_LISTS, "/api/v1/openapi.json"])
def test_anything_but_get_answers_405_in_json(client, db, url, method):
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert response.json()["error"] == "开放数据接口只支持 GET 请求。"


def test_a_cors_preflight_is_answered(client, db):
    response = client.options(
        DEMANDS, HTTP_ORIGIN="https://example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (DEMANDS, 200),
        (OFFERINGS, 200),
        (DIRECTORY, 200),
        ("/api/v1/openapi.json", 200),
        (f"{DEMANDS}?page=abc", 400),
        (f"{DEMANDS}999999/", 404),
    ],
)
def test_every_answer_is_utf8_json_readable_from_any_origin_and_cacheable(client, db, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=300"


def test_chinese_is_written_as_it_is_not_as_escapes(client, world):
    body = client.get(DEMANDS).content.decode("utf-8")
    assert "养老" in body and "\\u" not in body
