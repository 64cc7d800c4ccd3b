"""The page that explains the open data (/api/, in Chinese) and the JSON 404 for any other path under
/api/v1/. The endpoints themselves are in api.py (django-ninja), the OCDS export in ocds.py."""

import json

from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from portal import refdata

from .api import LICENCE, api, json_error, public_api, public_headers


def _example(parameter):
    """The first example of a parameter: the schema's list of examples, or the parameter's own map of
    Example Objects (OpenAPI 3.1: {"example0": {"value": …}}, as django-ninja 1.8 writes them; earlier
    releases put a list there); "" when it has none. Read from the API's own description, so that
    the page shows what the API says."""
    own = parameter.get("examples") or []
    if isinstance(own, dict):
        own = [example.get("value", "") for example in own.values()]
    examples = parameter.get("schema", {}).get("examples") or own
    example = examples[0] if examples else ""
    return str(example).lower() if isinstance(example, bool) else str(example)


def operations(spec):
    """Each operation of the description as the page lists it: path, summary, parameters, an example."""
    rows = []
    for path, item in spec["paths"].items():
        if path.endswith("/openapi.json"):
            continue
        op = item["get"]
        rows.append(
            {
                "path": path,
                "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "parameters": [
                    {
                        "name": p["name"],
                        "in": "路径" if p["in"] == "path" else "查询",
                        "description": p.get("description") or p["schema"].get("description", ""),
                        "example": _example(p),
                    }
                    for p in op.get("parameters", [])
                ],
                "example": f"{path}?{op['x-example-query']}" if op.get("x-example-query") else path,
            }
        )
    return rows


def index(request):
    """/api/: what is published, how to ask for it, the licence, the OCDS export and the feeds."""
    spec = api.get_openapi_schema()
    return render(
        request,
        "opendata/index.html",
        {
            "operations": operations(spec),
            "licence": LICENCE,
            "categories": [c for c in refdata.categories() if c.parent_id is None and c.is_active],
            "all_categories": [c for c in refdata.categories() if c.is_active],
            "districts": refdata.districts(),
            "openapi_url": reverse("opendata:v1:openapi-json"),
            "feed_url": reverse("opendata:demand_feed"),
            "ocds_year_url": reverse("opendata:v1:ocds_year", args=[timezone.localdate().year]),
            "example_json": json.dumps(
                {"count": 1, "page": 1, "page_size": 20, "num_pages": 1, "next": None, "previous": None},
                ensure_ascii=False,
            ),
        },
    )


@public_api
def not_found(request, rest):
    """Anything else under /api/v1/ answers in JSON too (a missing slash is added, as on the site)."""
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "not_found":
            query = request.META.get("QUERY_STRING", "")
            return public_headers(
                HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
            )
    return json_error(404, "没有这个接口，请查看 /api/v1/openapi.json。")
