"""开放数据: read-only JSON for published demands, offers and the published directory, the OpenAPI
description and the page that explains them (issue 8, item 5).

The answers are the same for everyone, logged in or not: no contact details (R-ACC-4), never a
draft or a hidden record. Plain Django views, no framework: each declares the query parameters it
reads (`*_PARAMS`, documented with the same names in `openapi.py`).
"""

import functools
import json

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.csrf import csrf_exempt

from directory.selectors import member_organization_ids
from portal.models import Category, District

from . import openapi, selectors
from .params import BadParam, Params
from .serializers import Serializer

CACHE_CONTROL = "public, max-age=300"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"

PAGE_PARAMS = ("page", "page_size")
DEMAND_PARAMS = (*PAGE_PARAMS, *selectors.DEMAND_FILTERS, "sort")
OFFERING_PARAMS = (
    *PAGE_PARAMS,
    "q",
    "category",
    "district",
    "previously_purchased",
    "directory_member",
    "updated_since",
    "sort",
)
DIRECTORY_PARAMS = (*PAGE_PARAMS, "year", "category", "district", "q")


def public_headers(response):
    """Public, cacheable for five minutes, readable from any web page (CORS)."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = CACHE_CONTROL
    return response


def json_response(data, status=200):
    response = JsonResponse(
        data,
        status=status,
        json_dumps_params={"ensure_ascii": False, "indent": None},
        content_type="application/json; charset=utf-8",
    )
    return public_headers(response)


def error(status, message, **extra):
    return json_response({"error": message, **extra}, status=status)


def api_view(params=()):
    """GET and HEAD only (OPTIONS for CORS pre-flight); a bad parameter is a 400, a missing record a
    404, both as JSON with a Chinese `error`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "OPTIONS":
                response = public_headers(HttpResponse(status=204))
                response["Allow"] = ALLOWED_METHODS
                response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
                return response
            if request.method not in ("GET", "HEAD"):
                response = error(405, "开放数据接口只支持 GET 请求。")
                response["Allow"] = ALLOWED_METHODS
                return response
            try:
                return view(request, Params(request, params), *args, **kwargs)
            except BadParam as exc:
                return error(400, exc.message, parameter=exc.name)
            except Http404 as exc:
                return error(404, str(exc) or "未找到。")

        wrapper.query_params = tuple(params)
        # Read-only, no session, no state changed: no CSRF token to check (a POST gets the 405 above).
        return csrf_exempt(wrapper)

    return decorator


def page_of(request, params, qs, to_dict):
    """One page of `qs` as {count, page, page_size, next, previous, results}: two queries (the count
    and the page), plus whatever `to_dict` needs for the lot."""
    number, size = params.page(), params.page_size()
    paginator = Paginator(qs, size)
    try:
        page = paginator.page(number)
    except EmptyPage:
        raise Http404(f"页码超出范围：共 {paginator.num_pages} 页。") from None

    def link(n):
        query = request.GET.copy()
        query["page"] = str(n)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    results = to_dict(list(page.object_list))
    return json_response(
        {
            "count": paginator.count,
            "page": number,
            "page_size": size,
            "num_pages": paginator.num_pages,
            "next": link(number + 1) if page.has_next() else None,
            "previous": link(number - 1) if page.has_previous() else None,
            "results": results,
        }
    )


# --- demands ---------------------------------------------------------------------------------


@api_view(DEMAND_PARAMS)
def demand_list(request, params):
    qs = selectors.demands_query(params)

    def to_dict(demands):
        members = member_organization_ids() if any(d.awarded_org_id for d in demands) else frozenset()
        serializer = Serializer(request, members=members)
        return [serializer.demand(d) for d in demands]

    return page_of(request, params, qs, to_dict)


@api_view()
def demand_detail(request, params, pk):
    demand = selectors.public_demands().filter(pk=pk).first()
    if demand is None:
        raise Http404("未找到该需求：不存在或未公开。")
    members = member_organization_ids() if demand.awarded_org_id else frozenset()
    return json_response(Serializer(request, members=members).demand(demand))


# --- offers ------------------------------------------------------------------------------------


def _offering_serializer(request):
    return Serializer(
        request,
        members=member_organization_ids(),
        district_names=dict(District.objects.values_list("code", "name")),
    )


@api_view(OFFERING_PARAMS)
def offering_list(request, params):
    qs = selectors.offerings_query(params)

    def to_dict(offerings):
        if not offerings:
            return []
        serializer = _offering_serializer(request)
        return [serializer.offering(o) for o in offerings]

    return page_of(request, params, qs, to_dict)


@api_view()
def offering_detail(request, params, pk):
    offering = selectors.public_offerings().filter(pk=pk).first()
    if offering is None:
        raise Http404("未找到该服务项目：不存在、未发布、已下架，或其社会组织目前不公开。")
    return json_response(_offering_serializer(request).offering(offering))


# --- the published directory ----------------------------------------------------------------------


@api_view(DIRECTORY_PARAMS)
def directory_list(request, params):
    qs = selectors.directory_query(params)

    def to_dict(applications):
        serializer = Serializer(request)
        return [serializer.member(a) for a in applications]

    return page_of(request, params, qs, to_dict)


@api_view()
def not_found(request, params, rest):
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
    raise Http404("没有这个接口，请查看 /api/v1/openapi.json。")


# --- the description ---------------------------------------------------------------------------------


@api_view()
def openapi_json(request, params):
    return json_response(openapi.build(request.build_absolute_uri("/").rstrip("/")))


def index(request):
    """/api/: what is published, how to ask for it, the licence and the feeds, in Chinese."""
    spec = openapi.build(request.build_absolute_uri("/").rstrip("/"))
    operations = []
    for path, item in spec["paths"].items():
        op = item["get"]
        operations.append(
            {
                "path": path,
                "summary": op["summary"],
                "description": op.get("description", ""),
                "parameters": [
                    {
                        "name": p["name"],
                        "in": "路径" if p["in"] == "path" else "查询",
                        "description": p["description"],
                        "example": openapi.query_value(p.get("example", "")),
                    }
                    for p in (openapi.resolve(spec, ref) for ref in op.get("parameters", []))
                ],
                "example": f"{path}?{op['x-example-query']}" if op.get("x-example-query") else path,
            }
        )
    categories = Category.objects.filter(parent__isnull=True, is_active=True).order_by("code")
    return render(
        request,
        "opendata/index.html",
        {
            "operations": operations,
            "licence": openapi.LICENCE,
            "categories": list(categories),
            "all_categories": list(
                Category.objects.filter(is_active=True).select_related("parent").order_by("code")
            ),
            "districts": list(District.objects.order_by("code")),
            "openapi_url": reverse("opendata:openapi"),
            "feed_url": reverse("opendata:demand_feed"),
            "example_json": json.dumps(
                {"count": 1, "page": 1, "page_size": 20, "num_pages": 1, "next": None, "previous": None},
                ensure_ascii=False,
            ),
        },
    )
