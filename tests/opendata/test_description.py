"""The OpenAPI description is generated from the code (django-ninja, issue 17 §5): it names every
endpoint and every parameter the API reads, admits an empty value for each (which the API takes as
"not given"), and states the limits of `year`, `category` and `district` as the API enforces them."""

import re

import pytest

from demands.filters import category_choices
from portal.models import District

from .conftest import get_json

pytestmark = pytest.mark.django_db

LISTS = ("/api/v1/demands/", "/api/v1/offerings/", "/api/v1/directory/")


@pytest.fixture
def spec(client, db):
    return get_json(client, "/api/v1/openapi.json")


def query_parameters(spec, path):
    return {p["name"]: p for p in spec["paths"][path]["get"]["parameters"] if p["in"] == "query"}


def admits_empty(schema):
    if "enum" in schema:
        return "" in schema["enum"]
    if "anyOf" in schema:
        return any(s.get("const") == "" for s in schema["anyOf"])
    if "pattern" in schema:
        return re.search(schema["pattern"], "") is not None
    return schema.get("type") == "string" and not schema.get("minLength")


def test_the_description_is_openapi_3_1_with_every_endpoint(spec):
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) >= {
        "/api/v1/demands/",
        "/api/v1/demands/{pk}/",
        "/api/v1/offerings/",
        "/api/v1/offerings/{pk}/",
        "/api/v1/directory/",
        "/api/v1/ocds/{year}.json",
        "/api/v1/ocds/demands/{pk}.json",
    }


@pytest.mark.parametrize("path", LISTS)
def test_every_query_parameter_admits_an_empty_value_and_the_api_takes_it_as_absent(
    client, world, spec, path
):
    parameters = query_parameters(spec, path)
    assert {"page", "page_size", "updated_since", "cursor"} <= set(parameters)
    for name, parameter in parameters.items():
        assert admits_empty(parameter["schema"]), name
    everything = get_json(client, path, {"page_size": "100"})
    blank = get_json(
        client, path, {name: "" for name in parameters if name != "page_size"} | {"page_size": "100"}
    )
    assert blank["results"] == everything["results"]


@pytest.mark.parametrize("path", ["/api/v1/demands/", "/api/v1/directory/"])
def test_the_limits_of_year_are_those_enforced(client, world, spec, path):
    (number,) = [
        s for s in query_parameters(spec, path)["year"]["schema"]["anyOf"] if s.get("type") == "integer"
    ]
    assert (number["minimum"], number["maximum"]) == (1000, 9999)
    get_json(client, path, {"year": "1000"})
    get_json(client, path, {"year": "9999"})
    for outside in ("999", "10000"):
        assert get_json(client, path, {"year": outside}, status=400)["parameter"] == "year"


@pytest.mark.parametrize("path", LISTS)
def test_category_and_district_list_exactly_the_values_accepted(client, world, spec, path):
    parameters = query_parameters(spec, path)
    codes = [code for _group, options in category_choices() for code, _label in options]
    assert parameters["category"]["schema"]["enum"] == ["", *codes]
    for code in codes:
        get_json(client, path, {"category": code})
    districts = parameters["district"]["schema"]["enum"]
    assert set(districts) == {""} | set(District.objects.values_list("code", flat=True)) | set(
        District.objects.values_list("name", flat=True)
    )
    for value in districts[1:4] + districts[-3:]:
        get_json(client, path, {"district": value})


def test_the_answers_are_described_field_by_field(spec):
    demand = spec["components"]["schemas"]["Demand"]
    assert demand["additionalProperties"] is False
    assert {"id", "title", "status", "budget", "award", "evaluation", "updated_at"} <= set(
        demand["properties"]
    )
    assert not any("contact" in name or "phone" in name for name in demand["properties"])


@pytest.mark.parametrize(
    "parameter, shown",
    [
        ({"schema": {"examples": ["养老"]}}, "养老"),  # the schema's list
        ({"schema": {}, "examples": {"example0": {"value": 2026}}}, "2026"),  # OpenAPI 3.1 Example Objects
        ({"schema": {}, "examples": ["01"]}, "01"),  # a list beside the schema (older django-ninja)
        ({"schema": {"examples": [True]}}, "true"),
        ({"schema": {}}, ""),
    ],
)
def test_the_page_shows_each_parameters_first_example_in_whichever_form_the_description_gives_it(
    parameter, shown
):
    """django-ninja 1.8 writes a parameter's examples as a map of Example Objects: read as a list, the
    /api/ page answered 500 (KeyError: 0) on every request."""
    from opendata.views import _example

    assert _example(parameter) == shown
