"""The shapes of the open-data answers, as pydantic models: django-ninja checks every answer against
them and writes them into the OpenAPI description. `extra="forbid"`: a field the serializers
(serializers.py) write and these models do not declare is an error, so the description cannot drift
and no field (a contact detail, R-ACC-4) slips out undeclared."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Money = Annotated[str, Field(pattern=r"^\d+\.\d{2}$", description="金额（元），两位小数")]
Day = Annotated[str, Field(json_schema_extra={"format": "date"})]
Moment = Annotated[
    str, Field(json_schema_extra={"format": "date-time"}, description="Asia/Shanghai 时间，带 +08:00")
]
Url = Annotated[str, Field(json_schema_extra={"format": "uri"})]
OrgType = Literal["social_group", "service_agency", "foundation"]


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Error(BaseModel):
    error: str = Field(description="中文说明")
    parameter: str | None = Field(None, description="参数有误（400）时：出错的参数名")


class District(Out):
    code: str = Field(description="区划代码（GB/T 2260）", examples=["310101"])
    name: str = Field(description="区名")


class ParentCategory(Out):
    code: str = Field(description="上级类别代码")
    name: str = Field(description="上级类别名称")


class Category(Out):
    code: str = Field(description="类别代码：两位为服务领域，四位为具体类别", examples=["0101"])
    name: str = Field(description="类别名称")
    parent: ParentCategory | None
    label: str = Field(description="显示名称：上级类别 / 类别")


class _OrganizationFields(Out):
    name: str = Field(description="社会组织名称")
    uscc: str = Field(description="统一社会信用代码")
    org_type: OrgType
    org_type_display: str = Field(description="组织类型")
    registration_authority: str = Field(description="登记管理机关")
    profile_url: Url = Field(description="社会组织主页")


class Organization(_OrganizationFields):
    directory_member: bool = Field(description="是否在最新一期已发布的推荐目录中")


class Unit(Out):
    name: str = Field(description="购买主体名称")
    uscc: str = Field(description="统一社会信用代码")
    level: Literal["city", "district", "street"]
    level_display: str = Field(description="层级：市级部门、区级部门、街镇")
    district: District | None
    profile_url: Url = Field(description="购买主体主页")


class PurchaseType(Out):
    code: str
    name: str = Field(description="购买服务类型")


class Cancellation(Out):
    cancelled_at: Moment | None
    reason: str = Field(description="取消原因")


class Award(Out):
    organization: Organization
    amount: Money | None
    awarded_on: Day | None


class Evaluation(Out):
    grade: Literal["excellent", "good", "pass", "fail"]
    grade_display: str = Field(description="绩效评价等级")
    score: Money | None = Field(description="得分")
    summary: str = Field(description="评价摘要")
    evaluated_on: Day | None


class Question(Out):
    """公开答疑中已答复的一个问题（不含提问的社会组织）"""

    question: str = Field(description="问题")
    answer: str = Field(description="购买主体的答复")
    asked_at: Moment = Field(description="提问时间")
    answered_at: Moment | None = Field(description="答复时间")


class Demand(Out):
    """一个已公开的购买服务需求"""

    id: int
    url: Url = Field(description="需求页面")
    api_url: Url = Field(description="本接口中的该需求")
    title: str = Field(description="项目名称")
    status: Literal["published", "cancelled", "awarded", "evaluated"]
    status_display: str = Field(description="状态：已发布、已取消、已确定承接方、已评价")
    source: str = Field(description="信息来源：本平台，或导入数据的外部系统名称")
    unit: Unit
    budget: Money = Field(description="项目预算（元）")
    category: Category
    purchase_type: PurchaseType
    orientation: Literal["priority", "open"]
    orientation_display: str = Field(description="面向社会组织方式")
    service_targets: str = Field(description="服务对象")
    district: District
    street: str | None = Field(description="服务街镇")
    period_start: Day = Field(description="实施开始日期")
    period_end: Day = Field(description="实施结束日期")
    year: int = Field(description="年度")
    plan_type: Literal["annual", "added"]
    plan_type_display: str = Field(description="项目性质：年度计划项目、年度新增项目")
    budget_approved_on: Day | None
    qualification: str = Field(description="对社会组织的资质和条件要求")
    other_info: str = Field(description="其他信息（可能为空字符串）")
    published_at: Moment = Field(description="发布时间")
    adjusted_at: Moment | None
    updated_at: Moment = Field(description="最近一次变更时间（增量同步按它排序）")
    publish_deadline: Day | None
    published_on_time: bool | None = Field(description="是否按期发布（第四条(三)）")
    award_overdue: bool = Field(description="承接信息是否逾期未补录")
    evaluation_overdue: bool = Field(description="绩效评价是否逾期未补录")
    cancellation: Cancellation | None = Field(description="已取消时的说明")
    award: Award | None = Field(description="承接社会组织和成交金额")
    evaluation: Evaluation | None = Field(description="绩效评价")
    questions: list[Question] = Field(
        description="公开答疑：已答复的问题和答复，按提问时间（不含提问的社会组织）"
    )


class ServiceArea(Out):
    citywide: bool = Field(description="服务全市")
    districts: list[District]
    label: str = Field(description="显示：全市，或区名以顿号分隔")


class Purchase(Out):
    purchaser_name: str = Field(description="购买方名称")
    amount: Money | None
    place: str = Field(description="实施地点")
    start: Day | None
    end: Day | None


class Offering(Out):
    """一个已发布的社会组织服务项目（增量同步时也有已下架的）"""

    id: int
    url: Url = Field(description="服务项目页面")
    api_url: Url = Field(description="本接口中的该服务项目")
    title: str = Field(description="项目名称")
    status: Literal["published", "withdrawn"] = Field(
        description="published 已发布；withdrawn 已下架（只在增量同步中出现）"
    )
    status_display: str
    organization: Organization
    category: Category
    summary: str = Field(description="项目简介")
    service_targets: str = Field(description="服务对象")
    service_area: ServiceArea
    previously_purchased: bool = Field(description="曾被政府购买")
    purchase: Purchase | None = Field(description="曾被政府购买的情况")
    published_at: Moment | None = Field(description="发布时间")
    updated_at: Moment = Field(description="最近一次变更时间（增量同步按它排序）")


class MemberOrganization(_OrganizationFields):
    district: District | None


class Evidence(Out):
    id: int
    title: str = Field(description="项目名称")
    category: Category
    url: Url


class DirectoryMember(Out):
    """已发布推荐目录中的一家社会组织（列入严重失信名单期间不显示；增量同步中以 removed 出现）"""

    id: int = Field(description="入选记录编号")
    status: Literal["member", "removed"] = Field(
        description="member 推荐目录成员；removed 列入严重失信名单期间移出（只在增量同步中出现，不带佐证项目）"
    )
    status_display: str
    updated_at: Moment | None = Field(description="最近一次变更时间（增量同步按它排序）")
    year: int = Field(description="推荐目录年度")
    edition_title: str = Field(description="推荐目录名称")
    edition_url: Url = Field(description="该年度推荐目录页面")
    organization: MemberOrganization
    evidence: list[Evidence] = Field(description="佐证项目")


class Page(Out):
    count: int = Field(description="符合条件的总条数（增量同步时：从 cursor 之后算起）")
    page: int
    page_size: int
    num_pages: int
    next: Url | None = Field(description="下一页的完整地址（增量同步时带 cursor）")
    previous: Url | None = Field(description="上一页")


class DemandPage(Page):
    results: list[Demand]


class OfferingPage(Page):
    results: list[Offering]


class DirectoryMemberPage(Page):
    results: list[DirectoryMember]
