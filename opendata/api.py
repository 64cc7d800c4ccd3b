"""开放数据 on django-ninja: the read-only JSON endpoints under /api/v1/ and their OpenAPI 3.1 description,
generated from the code (the query models of params.py, the answer models of schemas.py, the
operations below). Answers are the same for everyone, logged in or not: no contact details
(R-ACC-4), never a draft or a hidden record.

Every answer is UTF-8 JSON readable from any web page (CORS) and cacheable for five minutes; only GET
and HEAD (and the CORS pre-flight); a bad parameter is a 400 with a Chinese `error` and the parameter's
name, a missing record or page a 404, both JSON, never a 500.
"""

import functools
import json

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Path, Query, Router
from ninja.errors import ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from directory.selectors import member_organization_ids
from matching.questions import answered_for
from portal import refdata

from . import ocds, schemas, selectors
from .params import DEFAULT_PAGE_SIZE, KNOWN, BadParam, DemandQuery, DirectoryQuery, OfferingQuery, value
from .params import reference_enums as _reference_enums
from .serializers import Serializer

CACHE_CONTROL = "public, max-age=300"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
METHOD_NOT_ALLOWED = "开放数据接口只支持 GET 请求。"
LICENCE = {
    "name": "上海市政府购买社会组织服务供需对接平台开放数据使用说明",
    "text": (
        "本接口和订阅源提供的，都是平台已向公众公开的信息（不含联系人、电话、邮箱等联系方式）。"
        "任何单位和个人可以免费获取、复制、传播和再利用，包括用于商业目的；"
        "使用时请注明来源“上海市政府购买社会组织服务供需对接平台”及获取时间，不得歪曲原意。"
        "数据以平台页面为准；需求和服务项目可能被调整、取消或下架，请定期按 updated_since 同步。"
    ),
}
DESCRIPTION = (
    "上海市政府购买社会组织服务供需对接平台的开放数据：已发布的购买服务需求、社会组织服务项目和已发布的推荐目录，"
    "以及开放合同数据标准（OCDS 1.1）格式的需求、承接和评价。"
    "只读，无需登录，不含联系方式。列表分页（page、page_size，每页最多 100 条）；增量同步用 updated_since，"
    "按变更时间排序并用 next 中的 cursor 翻页，已取消、已下架、移出推荐目录的记录也会带状态返回。"
    "参数为空值等于未给出；参数有误时返回 400 和中文 error 说明，记录不存在或未公开时返回 404。"
    "金额为保留两位小数的字符串（元）；时间为带时区（+08:00）的 ISO 8601；日期为 ISO 8601。"
)


class RepeatedParam(Exception):
    pass


class StrictQueryParser(Parser):
    """A parameter the API reads may appear once; unknown ones are ignored."""

    def parse_querydict(self, data, list_fields, request):
        for key in data:
            if key in KNOWN and len(data.getlist(key)) > 1:
                raise RepeatedParam(key)
        return super().parse_querydict(data, list_fields, request)


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class OpenDataAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The generated description, with what only the reference data knows: the category codes and
        districts the FilterSets accept, as enums of those parameters."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        enums = _reference_enums()
        for item in schema["paths"].values():
            for operation in item.values():
                for parameter in operation.get("parameters", []):
                    reference = parameter["schema"].pop("x-reference", None)
                    if reference:
                        parameter["schema"]["enum"] = enums[reference]
        schema["info"]["license"] = {"name": LICENCE["name"], "url": "/api/#licence"}
        schema["externalDocs"] = {"description": "中文说明和订阅源", "url": "/api/"}
        return schema


api = OpenDataAPI(
    title="上海市政府购买社会组织服务供需对接平台 开放数据接口",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="opendata:v1",
    docs_url=None,
    openapi_url="/openapi.json",
    parser=StrictQueryParser(),
    renderer=ChineseJSONRenderer(),
)


def error(request, status, message, **extra):
    return api.create_response(request, {"error": message, **extra}, status=status)


@api.exception_handler(ValidationError)
def on_bad_value(request, exc):
    name = next((str(part) for e in exc.errors for part in e.get("loc", ()) if part in KNOWN), "")
    bad = BadParam(name)
    return error(request, 400, bad.message, parameter=bad.name)


@api.exception_handler(BadParam)
def on_bad_param(request, exc):
    return error(request, 400, exc.message, parameter=exc.name)


@api.exception_handler(RepeatedParam)
def on_repeated(request, exc):
    name = exc.args[0]
    return error(request, 400, f"参数 {name} 只能出现一次。", parameter=name)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, str(exc) or "未找到。")


ERRORS = {400: schemas.Error, 404: schemas.Error}


def page_of(request, query, qs, sync, to_dict):
    """One page of `qs` as {count, page, page_size, num_pages, next, previous, results}: two queries
    (the count and the page), plus whatever `to_dict` needs for the lot. A synchronisation read's
    `next` carries the cursor of the page's last record instead of a page number, so a record changed
    between two reads moves to the end and none is skipped."""
    number, size = value(query.page, 1), value(query.page_size, DEFAULT_PAGE_SIZE)
    paginator = Paginator(qs, size)
    try:
        page = paginator.page(number)
    except EmptyPage:
        raise Http404(f"页码超出范围：共 {paginator.num_pages} 页。") from None
    records = list(page.object_list)

    def link(**changes):
        params = request.GET.copy()
        for key, new in changes.items():
            params.pop(key, None)
            if new is not None:
                params[key] = str(new)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    if sync:
        last = records[-1] if records else None
        stamp = getattr(last, "changed_at", None) or getattr(last, "updated_at", None)
        following = (
            link(page=None, cursor=selectors.encode_cursor(stamp, last.pk)) if page.has_next() else None
        )
    else:
        following = link(page=number + 1) if page.has_next() else None
    return {
        "count": paginator.count,
        "page": number,
        "page_size": size,
        "num_pages": paginator.num_pages,
        "next": following,
        "previous": link(page=number - 1) if page.has_previous() else None,
        "results": to_dict(records),
    }


def listing(router, page, query_model, select, to_dicts, **operation):
    """The router's list endpoint, `/`: the records `select(query)` chooses, a page at a time
    (`page_of`), each page turned into dicts by `to_dicts(request, records)`."""

    def endpoint(request, query: Query[query_model]):
        qs, sync = select(query)
        return page_of(request, query, qs, sync, functools.partial(to_dicts, request))

    router.get("/", response={200: page, **ERRORS}, **operation)(endpoint)


def record(router, schema, public, missing, to_dicts, **operation):
    """The router's detail endpoint, `/{pk}/`: the record of `public()` with that id, turned into a
    dict the way the list endpoint turns its records, or a 404 saying `missing`."""

    def endpoint(request, pk: int = Path(..., description="编号（id）", examples=[1])):
        found = public().filter(pk=pk).first()
        if found is None:
            raise Http404(missing)
        return to_dicts(request, [found])[0]

    router.get("/{int:pk}/", response={200: schema, 404: schemas.Error}, **operation)(endpoint)


# --- what the answers say about each record (the list and the detail endpoints alike) ---------


def _demands(request, records):
    members = member_organization_ids() if any(d.awarded_org_id for d in records) else frozenset()
    serializer = Serializer(request, members=members, questions=answered_for([d.pk for d in records]))
    return [serializer.demand(d) for d in records]


def _offerings(request, records):
    if not records:
        return []
    serializer = Serializer(
        request,
        members=member_organization_ids(),
        district_names=refdata.district_names(),
    )
    return [serializer.offering(o) for o in records]


def _members(request, records):
    serializer = Serializer(request)
    return [serializer.member(a) for a in records]


demands = Router(tags=["购买服务需求"])
offerings = Router(tags=["社会组织服务项目"])
directory = Router(tags=["推荐目录"])


# --- demands ---------------------------------------------------------------------------------------


listing(
    demands,
    schemas.DemandPage,
    DemandQuery,
    selectors.demands_query,
    _demands,
    url_name="demands",
    operation_id="listDemands",
    summary="已公开的购买服务需求",
    description=(
        "已发布的需求，以及发布后确定了承接方、评价或取消的需求（不含草稿和未发布即取消的）。"
        "筛选与网页“我要购买服务”相同（同一套筛选定义）；不同的是默认也返回已取消的需求（网页默认不显示），"
        "以便保存副本的使用者得知取消；只要未取消的，用 status=published,awarded,evaluated。默认按发布时间从新到旧。"
    ),
    openapi_extra={"x-example-query": "category=01&district=黄浦区&status=published&page_size=10"},
)
record(
    demands,
    schemas.Demand,
    selectors.public_demands,
    "未找到该需求：不存在或未公开。",
    _demands,
    url_name="demand",
    operation_id="getDemand",
    summary="一个已公开的购买服务需求",
)


# --- offers ------------------------------------------------------------------------------------------


listing(
    offerings,
    schemas.OfferingPage,
    OfferingQuery,
    selectors.offerings_query,
    _offerings,
    url_name="offerings",
    operation_id="listOfferings",
    summary="已发布的社会组织服务项目",
    description=(
        "已发布的服务项目；社会组织列入严重失信名单期间或登记被注销、撤销后，其服务项目不公开。"
        "筛选与网页“我要提供服务”相同（同一套筛选定义）。默认按发布时间从新到旧；"
        "增量同步（updated_since）时也返回发布后下架的项目（status 为 withdrawn）。"
    ),
    openapi_extra={"x-example-query": "category=0103&district=徐汇区"},
)
record(
    offerings,
    schemas.Offering,
    selectors.public_offerings,
    "未找到该服务项目：不存在、未发布、已下架，或其社会组织目前不公开。",
    _offerings,
    url_name="offering",
    operation_id="getOffering",
    summary="一个已发布的社会组织服务项目",
)


# --- the published directory ----------------------------------------------------------------------------


listing(
    directory,
    schemas.DirectoryMemberPage,
    DirectoryQuery,
    selectors.directory_query,
    _members,
    url_name="directory",
    operation_id="listDirectoryMembers",
    summary="已发布推荐目录的社会组织",
    description=(
        "各年度已发布推荐目录中的社会组织及其佐证项目，与网页“推荐目录”相同；"
        "列入严重失信名单期间不显示（增量同步时以 status=removed 返回）。按年度从新到旧、社会组织名称排序。"
    ),
    openapi_extra={"x-example-query": "year=2026&district=黄浦区"},
)

api.add_router("/demands", demands)
api.add_router("/offerings", offerings)
api.add_router("/directory", directory)
api.add_router("/ocds", ocds.router)


# --- what every answer under /api/v1/ shares ---------------------------------------------------------------


def public_headers(response):
    """Public, cacheable for five minutes, readable from any web page (CORS)."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = CACHE_CONTROL
    return response


def json_error(status, message):
    body = json.dumps({"error": message}, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


def public_api(view):
    """GET and HEAD only (OPTIONS for the CORS pre-flight), the public headers on every answer, and a
    missing record a JSON 404 even where ninja itself would answer in HTML."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        elif request.method not in ("GET", "HEAD"):
            response = json_error(405, METHOD_NOT_ALLOWED)
            response["Allow"] = ALLOWED_METHODS
        else:
            request.method = "GET"  # HEAD: the server leaves the body out
            try:
                response = view(request, *args, **kwargs)
            except Http404 as exc:
                response = json_error(
                    404, str(exc) if exc.args and "docs_url" not in str(exc) else "未找到。"
                )
        return public_headers(response)

    # Read-only, no session, no state changed: no CSRF token to check (a POST gets the 405 above).
    return csrf_exempt(wrapper)


def openapi_json(request, **kwargs):
    """The description, in UTF-8 JSON like every other answer (ninja's own view escapes Chinese)."""
    return api.create_response(request, api.get_openapi_schema(path_params=kwargs), status=200)


def urls():
    """The API's URL patterns, each wrapped in `public_api`, as (patterns, app_name, namespace)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        view = openapi_json if pattern.name == "openapi-json" else pattern.callback
        pattern.callback = public_api(view)
    return patterns, app_name, namespace
