"""The OpenAPI 3.1 description of the open-data endpoints, written by hand.

Kept in step with the views by tests/opendata/test_openapi.py: every path under api/v1 in the URLconf
is described here, every query parameter a view declares is documented (and no other), every
documented example is accepted, and the response schemas have exactly the fields the serializers
write. Change a view or a serializer and that test says what to change here.
"""

import copy

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
    "上海市政府购买社会组织服务供需对接平台的开放数据：已发布的购买服务需求、社会组织服务项目和已发布的推荐目录。"
    "只读，无需登录，不含联系方式。列表分页（page、page_size，每页最多 100 条），"
    "参数有误时返回 400 和中文 error 说明，记录不存在或未公开时返回 404。"
    "金额为保留两位小数的字符串（元）；时间为带时区（+08:00）的 ISO 8601；日期为 ISO 8601。"
)


def _nullable(schema):
    schema = copy.deepcopy(schema)
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    schema["type"] = [schema["type"], "null"]
    return schema


def _obj(properties, description=None):
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _string(description, **extra):
    return {"type": "string", "description": description, **extra}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


MONEY = {"type": "string", "pattern": r"^\d+\.\d{2}$", "description": "金额（元），两位小数"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time", "description": "Asia/Shanghai 时间，带 +08:00"}
URL = {"type": "string", "format": "uri"}


def _schemas():
    return {
        "Error": _obj(
            {"error": _string("中文说明")},
            "参数有误（400）、记录不存在或未公开（404）、方法不允许（405）时的回答。400 时另有 parameter：出错的参数名。",
        )
        | {"required": ["error"], "additionalProperties": True},
        "District": _obj(
            {"code": _string("区划代码（GB/T 2260）", example="310101"), "name": _string("区名")}
        ),
        "Category": _obj(
            {
                "code": _string("类别代码：两位为服务领域，四位为具体类别", example="0101"),
                "name": _string("类别名称"),
                "parent": _nullable(_obj({"code": _string("上级类别代码"), "name": _string("上级类别名称")})),
                "label": _string("显示名称：上级类别 / 类别"),
            }
        ),
        "Organization": _obj(
            {
                "name": _string("社会组织名称"),
                "uscc": _string("统一社会信用代码"),
                "org_type": {"type": "string", "enum": ["social_group", "service_agency", "foundation"]},
                "org_type_display": _string("组织类型"),
                "registration_authority": _string("登记管理机关"),
                "profile_url": URL | {"description": "社会组织主页"},
                "directory_member": {
                    "type": "boolean",
                    "description": "是否在最新一期已发布的推荐目录中",
                },
            }
        ),
        "Demand": _obj(
            {
                "id": {"type": "integer"},
                "url": URL | {"description": "需求页面"},
                "api_url": URL | {"description": "本接口中的该需求"},
                "title": _string("项目名称"),
                "status": {"type": "string", "enum": ["published", "cancelled", "awarded", "evaluated"]},
                "status_display": _string("状态：已发布、已取消、已确定承接方、已评价"),
                "source": _string("信息来源：本平台，或导入数据的外部系统名称"),
                "unit": _obj(
                    {
                        "name": _string("购买主体名称"),
                        "uscc": _string("统一社会信用代码"),
                        "level": {"type": "string", "enum": ["city", "district", "street"]},
                        "level_display": _string("层级：市级部门、区级部门、街镇"),
                        "district": _nullable(_ref("District")),
                        "profile_url": URL | {"description": "购买主体主页"},
                    },
                    "购买主体",
                ),
                "budget": MONEY | {"description": "项目预算（元）"},
                "category": _ref("Category"),
                "purchase_type": _obj({"code": _string("代码"), "name": _string("购买服务类型")}),
                "orientation": {"type": "string", "enum": ["priority", "open"]},
                "orientation_display": _string("面向社会组织方式"),
                "service_targets": _string("服务对象"),
                "district": _ref("District"),
                "street": _nullable(_string("服务街镇")),
                "period_start": DATE | {"description": "实施开始日期"},
                "period_end": DATE | {"description": "实施结束日期"},
                "year": {"type": "integer", "description": "年度"},
                "plan_type": {"type": "string", "enum": ["annual", "added"]},
                "plan_type_display": _string("项目性质：年度计划项目、年度新增项目"),
                "budget_approved_on": _nullable(DATE),
                "qualification": _string("对社会组织的资质和条件要求"),
                "other_info": _string("其他信息（可能为空字符串）"),
                "published_at": DATETIME | {"description": "发布时间"},
                "adjusted_at": _nullable(DATETIME),
                "updated_at": DATETIME | {"description": "最近一次变更时间（可用于 updated_since 增量同步）"},
                "publish_deadline": _nullable(DATE),
                "published_on_time": _nullable(
                    {"type": "boolean", "description": "是否按期发布（第四条(三)）"}
                ),
                "award_overdue": {"type": "boolean", "description": "承接信息是否逾期未补录"},
                "evaluation_overdue": {"type": "boolean", "description": "绩效评价是否逾期未补录"},
                "cancellation": _nullable(
                    _obj(
                        {"cancelled_at": _nullable(DATETIME), "reason": _string("取消原因")}, "已取消时的说明"
                    )
                ),
                "award": _nullable(
                    _obj(
                        {
                            "organization": _ref("Organization"),
                            "amount": _nullable(MONEY),
                            "awarded_on": _nullable(DATE),
                        },
                        "承接社会组织和成交金额",
                    )
                ),
                "evaluation": _nullable(
                    _obj(
                        {
                            "grade": {"type": "string", "enum": ["excellent", "good", "pass", "fail"]},
                            "grade_display": _string("绩效评价等级"),
                            "score": _nullable(MONEY | {"description": "得分"}),
                            "summary": _string("评价摘要"),
                            "evaluated_on": _nullable(DATE),
                        },
                        "绩效评价",
                    )
                ),
            },
            "一个已公开的购买服务需求",
        ),
        "Offering": _obj(
            {
                "id": {"type": "integer"},
                "url": URL | {"description": "服务项目页面"},
                "api_url": URL | {"description": "本接口中的该服务项目"},
                "title": _string("项目名称"),
                "organization": _ref("Organization"),
                "category": _ref("Category"),
                "summary": _string("项目简介"),
                "service_targets": _string("服务对象"),
                "service_area": _obj(
                    {
                        "citywide": {"type": "boolean", "description": "服务全市"},
                        "districts": {"type": "array", "items": _ref("District")},
                        "label": _string("显示：全市，或区名以顿号分隔"),
                    },
                    "服务区域",
                ),
                "previously_purchased": {"type": "boolean", "description": "曾被政府购买"},
                "purchase": _nullable(
                    _obj(
                        {
                            "purchaser_name": _string("购买方名称"),
                            "amount": _nullable(MONEY),
                            "place": _string("实施地点"),
                            "start": _nullable(DATE),
                            "end": _nullable(DATE),
                        },
                        "曾被政府购买的情况",
                    )
                ),
                "published_at": DATETIME | {"description": "发布时间"},
                "updated_at": DATETIME | {"description": "最近一次变更时间"},
            },
            "一个已发布的社会组织服务项目",
        ),
        "DirectoryMember": _obj(
            {
                "year": {"type": "integer", "description": "推荐目录年度"},
                "edition_title": _string("推荐目录名称"),
                "edition_url": URL | {"description": "该年度推荐目录页面"},
                "organization": _obj(
                    {
                        "name": _string("社会组织名称"),
                        "uscc": _string("统一社会信用代码"),
                        "org_type": {
                            "type": "string",
                            "enum": ["social_group", "service_agency", "foundation"],
                        },
                        "org_type_display": _string("组织类型"),
                        "registration_authority": _string("登记管理机关"),
                        "profile_url": URL | {"description": "社会组织主页"},
                        "district": _ref("District"),
                    }
                ),
                "evidence": {
                    "type": "array",
                    "description": "佐证项目",
                    "items": _obj(
                        {
                            "id": {"type": "integer"},
                            "title": _string("项目名称"),
                            "category": _ref("Category"),
                            "url": URL,
                        }
                    ),
                },
            },
            "已发布推荐目录中的一家社会组织（列入严重失信名单期间不显示）",
        ),
        **{f"{name}Page": _page(name) for name in ("Demand", "Offering", "DirectoryMember")},
    }


def _page(item):
    return _obj(
        {
            "count": {"type": "integer", "description": "符合条件的总条数"},
            "page": {"type": "integer"},
            "page_size": {"type": "integer"},
            "num_pages": {"type": "integer"},
            "next": _nullable(URL | {"description": "下一页"}),
            "previous": _nullable(URL | {"description": "上一页"}),
            "results": {"type": "array", "items": _ref(item)},
        },
        "一页结果",
    )


def _param(name, description, schema, example, where="query"):
    param = {"name": name, "in": where, "description": description, "schema": schema, "example": example}
    if where == "path":
        param["required"] = True
    return param


PARAMETERS = {
    "page": _param(
        "page", "页码，从 1 开始；超出范围返回 404", {"type": "integer", "minimum": 1, "default": 1}, 1
    ),
    "page_size": _param(
        "page_size", "每页条数，1～100", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, 50
    ),
    "q": _param(
        "q",
        "关键词（最多 50 字），多个词用空格分隔，须全部出现；与网页搜索相同",
        {"type": "string", "maxLength": 50},
        "养老",
    ),
    "category": _param(
        "category",
        "项目类别代码：两位为服务领域（含其下全部类别，如 01 养老服务），四位为具体类别（如 0101）",
        {"type": "string"},
        "01",
    ),
    "updated_since": _param(
        "updated_since",
        "只返回此时间以后有变更的记录：日期（2026-03-01，上海时间零点）或带时区的时间（2026-03-01T08:00:00+08:00）",
        {"type": "string"},
        "2020-01-01",
    ),
    "year": _param("year", "年度，四位数字", {"type": "integer"}, 2026),
}


def _refp(name):
    return {"$ref": f"#/components/parameters/{name}"}


ERRORS = {
    "400": {"description": "参数有误", "content": {"application/json": {"schema": _ref("Error")}}},
    "404": {"description": "页码超出范围", "content": {"application/json": {"schema": _ref("Error")}}},
}


def _ok(schema, description="成功"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _not_found(description):
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _paths():
    pk = _param("pk", "编号（id）", {"type": "integer"}, 1, where="path")
    return {
        "/api/v1/demands/": {
            "get": {
                "operationId": "listDemands",
                "tags": ["购买服务需求"],
                "summary": "已公开的购买服务需求",
                "description": (
                    "已发布的需求，以及发布后确定了承接方、评价或取消的需求（不含草稿和未发布即取消的）。"
                    "筛选与网页“我要购买服务”相同；不同的是默认也返回已取消的需求（网页默认不显示），"
                    "以便保存副本的使用者得知取消；只要未取消的，用 status=published,awarded,evaluated。默认按发布时间从新到旧。"
                ),
                "parameters": [
                    _refp("page"),
                    _refp("page_size"),
                    _refp("q"),
                    _refp("category"),
                    _param(
                        "district",
                        "服务区域：区名（黄浦区）或区划代码（310101）",
                        {"type": "string"},
                        "黄浦区",
                    ),
                    _refp("year"),
                    _param(
                        "status",
                        "状态：published 已发布、awarded 已确定承接方、evaluated 已评价、cancelled 已取消；"
                        "多个用逗号分隔，如 published,awarded,evaluated（即网页列表默认显示的、未取消的需求）",
                        {
                            "type": "string",
                            "pattern": "^(published|awarded|evaluated|cancelled)(,(published|awarded|evaluated|cancelled))*$",
                        },
                        "published,awarded,evaluated",
                    ),
                    _param(
                        "level",
                        "购买主体层级：city 市级部门、district 区级部门、street 街镇",
                        {"type": "string", "enum": ["city", "district", "street"]},
                        "street",
                    ),
                    _param(
                        "source", "信息来源：本平台，或外部系统名称（完全相同）", {"type": "string"}, "本平台"
                    ),
                    _param("budget_min", "预算不低于（元）", {"type": "number", "minimum": 0}, 100000),
                    _param("budget_max", "预算不高于（元）", {"type": "number", "minimum": 0}, 999999),
                    _refp("updated_since"),
                    _param(
                        "sort",
                        "排序：newest 最新发布（默认）、oldest 最早发布、budget_desc 预算从高到低、budget_asc 预算从低到高、"
                        "relevance 相关度（标题含关键词的在前，有 q 时默认）",
                        {
                            "type": "string",
                            "enum": ["newest", "oldest", "budget_desc", "budget_asc", "relevance"],
                        },
                        "budget_desc",
                    ),
                ],
                "x-example-query": "category=01&district=黄浦区&status=published&page_size=10",
                "responses": {"200": _ok(_ref("DemandPage")), **ERRORS},
            }
        },
        "/api/v1/demands/{pk}/": {
            "get": {
                "operationId": "getDemand",
                "tags": ["购买服务需求"],
                "summary": "一个已公开的购买服务需求",
                "parameters": [pk],
                "responses": {"200": _ok(_ref("Demand")), "404": _not_found("不存在或未公开")},
            }
        },
        "/api/v1/offerings/": {
            "get": {
                "operationId": "listOfferings",
                "tags": ["社会组织服务项目"],
                "summary": "已发布的社会组织服务项目",
                "description": (
                    "已发布的服务项目；社会组织列入严重失信名单期间或登记被注销、撤销后，其服务项目不公开。"
                    "筛选与网页“我要提供服务”相同。默认按发布时间从新到旧。"
                ),
                "parameters": [
                    _refp("page"),
                    _refp("page_size"),
                    _refp("q"),
                    _refp("category"),
                    _param(
                        "district",
                        "服务区域：区名或区划代码；服务全市的项目也在其中",
                        {"type": "string"},
                        "310104",
                    ),
                    _param("previously_purchased", "曾被政府购买：true 或 false", {"type": "boolean"}, True),
                    _param(
                        "directory_member",
                        "社会组织是否在最新一期推荐目录中：true 或 false",
                        {"type": "boolean"},
                        True,
                    ),
                    _refp("updated_since"),
                    _param(
                        "sort",
                        "排序：newest 最新发布（默认）、oldest 最早发布",
                        {"type": "string", "enum": ["newest", "oldest"]},
                        "oldest",
                    ),
                ],
                "x-example-query": "category=0103&district=徐汇区",
                "responses": {"200": _ok(_ref("OfferingPage")), **ERRORS},
            }
        },
        "/api/v1/offerings/{pk}/": {
            "get": {
                "operationId": "getOffering",
                "tags": ["社会组织服务项目"],
                "summary": "一个已发布的社会组织服务项目",
                "parameters": [pk],
                "responses": {
                    "200": _ok(_ref("Offering")),
                    "404": _not_found("不存在、未发布、已下架，或社会组织目前不公开"),
                },
            }
        },
        "/api/v1/directory/": {
            "get": {
                "operationId": "listDirectoryMembers",
                "tags": ["推荐目录"],
                "summary": "已发布推荐目录的社会组织",
                "description": (
                    "各年度已发布推荐目录中的社会组织及其佐证项目，与网页“推荐目录”相同；"
                    "列入严重失信名单期间不显示。按年度从新到旧、社会组织名称排序。"
                ),
                "parameters": [
                    _refp("page"),
                    _refp("page_size"),
                    _refp("year"),
                    _param("category", "佐证项目的项目类别代码（两位或四位）", {"type": "string"}, "0101"),
                    _param("district", "社会组织所在区：区名或区划代码", {"type": "string"}, "黄浦区"),
                    _param(
                        "q", "社会组织名称或佐证项目名称中的关键词（最多 50 字）", {"type": "string"}, "乐龄"
                    ),
                ],
                "x-example-query": "year=2026&district=黄浦区",
                "responses": {"200": _ok(_ref("DirectoryMemberPage")), **ERRORS},
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "tags": ["说明"],
                "summary": "本说明（OpenAPI 3.1）",
                "responses": {"200": _ok({"type": "object"}, "OpenAPI 3.1 文档")},
            }
        },
    }


def resolve(spec, node):
    """Follow a local `$ref` ("#/components/…") to what it names."""
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def query_value(example):
    """An example as it is written in a query string (booleans as true/false)."""
    return str(example).lower() if isinstance(example, bool) else str(example)


def build(server_url=""):
    """The OpenAPI document, with `server_url` (scheme and host of the request) as its server."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "上海市政府购买社会组织服务供需对接平台 开放数据接口",
            "version": "1.0.0",
            "description": DESCRIPTION,
            "license": {"name": LICENCE["name"], "url": f"{server_url}/api/#licence"},
        },
        "servers": [{"url": server_url or "/"}],
        "tags": [
            {"name": "购买服务需求"},
            {"name": "社会组织服务项目"},
            {"name": "推荐目录"},
            {"name": "说明"},
        ],
        "paths": _paths(),
        "components": {"schemas": _schemas(), "parameters": copy.deepcopy(PARAMETERS)},
        "externalDocs": {"description": "中文说明和订阅源", "url": f"{server_url}/api/"},
    }
