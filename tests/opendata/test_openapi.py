"""The OpenAPI description (/api/v1/openapi.json, opendata/openapi.py) kept in step with the views:

- every path under api/v1 in the URLconf is described, and nothing else is;
- every query parameter a view reads is documented, no other, and every documented example is accepted;
- real answers match the documented schemas exactly (no field missing, none undocumented);
- the human page /api/ shows every endpoint and parameter.
"""

import datetime
import re

import pytest
from django.urls import URLPattern, resolve

from opendata import openapi
from opendata import urls as opendata_urls

pytestmark = pytest.mark.django_db

SPEC = openapi.build("http://testserver")
UNDOCUMENTED = {"not_found"}  # the JSON 404 for any other path under api/v1


def documented_path(pattern):
    """api/v1/demands/<int:pk>/ → /api/v1/demands/{pk}/"""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))


def api_patterns():
    return [
        p
        for p in opendata_urls.urlpatterns
        if isinstance(p, URLPattern) and str(p.pattern).startswith("api/v1/") and p.name not in UNDOCUMENTED
    ]


def parameters(operation):
    return [openapi.resolve(SPEC, p) for p in operation.get("parameters", [])]


def test_every_api_path_in_the_urlconf_is_described_and_nothing_else():
    assert {documented_path(p) for p in api_patterns()} == set(SPEC["paths"])
    assert SPEC["openapi"] == "3.1.0"
    operation_ids = [item["get"]["operationId"] for item in SPEC["paths"].values()]
    assert len(set(operation_ids)) == len(operation_ids)


def test_every_path_parameter_is_documented():
    for pattern in api_patterns():
        operation = SPEC["paths"][documented_path(pattern)]["get"]
        in_path = {p["name"] for p in parameters(operation) if p["in"] == "path"}
        assert in_path == set(pattern.pattern.converters), documented_path(pattern)
        assert all(p["required"] for p in parameters(operation) if p["in"] == "path")


def test_the_query_parameters_each_view_reads_are_exactly_those_documented():
    for pattern in api_patterns():
        path = documented_path(pattern)
        documented = [p["name"] for p in parameters(SPEC["paths"][path]["get"]) if p["in"] == "query"]
        assert len(documented) == len(set(documented)), path
        assert set(documented) == set(pattern.callback.query_params), path


def test_every_local_reference_resolves():
    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                assert openapi.resolve(SPEC, node), node["$ref"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SPEC)


def concrete(path, world):
    return path.replace("{pk}", str(world.d_hp_home.pk if "demands" in path else world.o_hp_meals.pk))


def test_every_documented_example_is_accepted(client, world):
    for path, item in SPEC["paths"].items():
        for param in parameters(item["get"]):
            if param["in"] != "query":
                continue
            value = openapi.query_value(param["example"])
            response = client.get(concrete(path, world), {param["name"]: value})
            assert response.status_code == 200, (path, param["name"], response.content.decode()[:300])


# --- answers match the schemas -----------------------------------------------------------------------

TYPES = {
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def errors(schema, value, where="$"):
    """What is wrong with `value` under `schema` (the subset of JSON Schema the description uses)."""
    schema = openapi.resolve(SPEC, schema)
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not errors(s, value, where)]
        return [] if len(matching) == 1 else [f"{where}: matches {len(matching)} of oneOf"]
    types = schema.get("type")
    if types is not None:
        types = types if isinstance(types, list) else [types]
        if not any(TYPES[t](value) for t in types):
            return [f"{where}: {value!r} is not {types}"]
    if value is None:
        return []
    found = []
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in {schema['enum']}")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        found.append(f"{where}: {value!r} does not match {schema['pattern']}")
    fmt = schema.get("format")
    if fmt == "date":
        datetime.date.fromisoformat(value)
    elif fmt == "date-time":
        assert datetime.datetime.fromisoformat(value).utcoffset() is not None, value
    elif fmt == "uri":
        assert value.startswith("http://testserver/"), value
    if isinstance(value, dict) and "properties" in schema:
        properties = schema["properties"]
        for key in schema.get("required", []):
            if key not in value:
                found.append(f"{where}: {key} missing")
        if schema.get("additionalProperties") is False:
            found += [f"{where}: {key} not documented" for key in value if key not in properties]
        for key, item in value.items():
            if key in properties:
                found += errors(properties[key], item, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found += errors(schema["items"], item, f"{where}[{i}]")
    return found


def response_schema(path, status="200"):
    return SPEC["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]


def seen_keys(schema, values):
    """Which documented properties of `schema` held a value other than null in some answer."""
    schema = openapi.resolve(SPEC, schema)
    return {k for k in schema["properties"] if any(v.get(k) is not None for v in values)}


def test_the_answers_have_exactly_the_documented_fields(client, world):
    demands = client.get("/api/v1/demands/", {"page_size": "100"}).json()
    assert errors(response_schema("/api/v1/demands/"), demands) == []
    for item in demands["results"]:
        detail = client.get(item["api_url"]).json()
        assert detail == item
        assert errors(response_schema("/api/v1/demands/{pk}/"), detail) == []
    offerings = client.get("/api/v1/offerings/", {"page_size": "100"}).json()
    assert errors(response_schema("/api/v1/offerings/"), offerings) == []
    for item in offerings["results"]:
        assert errors(response_schema("/api/v1/offerings/{pk}/"), client.get(item["api_url"]).json()) == []
    directory = client.get("/api/v1/directory/").json()
    assert directory["count"] and errors(response_schema("/api/v1/directory/"), directory) == []
    # The test data fills every documented field at least once, so none is documented but never written.
    schemas = SPEC["components"]["schemas"]
    assert seen_keys(schemas["Demand"], demands["results"]) == set(schemas["Demand"]["properties"])
    assert seen_keys(schemas["Offering"], offerings["results"]) == set(schemas["Offering"]["properties"])


def test_a_second_page_and_an_error_match_their_schemas(client, world):
    page = client.get("/api/v1/demands/", {"page_size": "3", "page": "2"}).json()
    assert page["next"] and page["previous"]
    assert errors(response_schema("/api/v1/demands/"), page) == []
    bad = client.get("/api/v1/demands/", {"year": "xyz"}).json()
    assert errors(response_schema("/api/v1/demands/", "400"), bad) == []
    missing = client.get("/api/v1/offerings/999999/").json()
    assert errors(response_schema("/api/v1/offerings/{pk}/", "404"), missing) == []


def test_the_description_is_served_with_this_server(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    data = response.json()
    assert data == SPEC
    assert data["servers"] == [{"url": "http://testserver"}]
    assert resolve("/api/v1/openapi.json").url_name == "openapi"


def test_the_open_data_page_shows_every_endpoint_and_parameter(client, db):
    response = client.get("/api/")
    assert response.status_code == 200
    page = response.content.decode()
    for path, item in SPEC["paths"].items():
        assert f"GET {path}" in page
        for param in parameters(item["get"]):
            assert f"<code>{param['name']}</code>" in page
    assert 'id="licence"' in page and openapi.LICENCE["name"] in page
    assert 'href="/api/v1/openapi.json"' in page
    assert "0101" in page and "黄浦区" in page and "310101" in page
    assert 'type="application/atom+xml"' in page
