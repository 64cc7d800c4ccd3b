"""What each figure of the statistics counts (R-STA-1/2, R-MAT-3), as shown on the pages and in the
exports' 说明 sheet.

- 有效需求 (“需求数”, “预算”): demands of the chosen 年度 (`Demand.year`) whose status is 已发布,
  已确定承接方 or 已评价. Drafts and cancelled demands are counted only in the table by status.
- 已确定承接 (“承接数”, “成交金额”): 有效需求 with status 已确定承接方 or 已评价 and an awarded
  organization; 成交金额 sums the recorded award amounts (an award without an amount adds nothing).
- 跨区域承接 (R-MAT-3): an award whose organization is registered with a district's 民政局 other
  than the demand's 服务区域 (`awarded_org.registration_district != demand.district`).
  跨区域承接率 = 跨区域承接数 ÷ 承接数 (every award, including those to organizations registered with
  the 市民政局, which are not counted as cross-district: they serve the whole city).
- 区 (city view): the purchaser unit's district; city departments are one row, 市级部门. This is the
  path a district administrator's scope follows, so the city's 黄浦区 row equals 黄浦区's own view.
- 街镇 (district view): the demand's 服务街镇 (empty: 未指定街镇).
- 服务项目: offers published now (not per year) by organizations that may publish (R-SUB-3);
  区 is the organization's registration authority (登记管理机关).
- 推荐目录成员: approved organizations of the published edition of the chosen year, or else of the
  latest published edition before it; by category of their evidence offers (an organization whose
  two evidence offers are in two areas is counted in both), and by registration authority.
- 供需对比: 有效需求 of the year against the 服务项目 published now, per top-level category.
"""

CITY_UNITS = "市级部门"
CITY_REGISTERED = "市民政局登记"
NO_STREET = "未指定街镇"
SOURCE_CHOICES = [("", "全部来源"), ("platform", "本平台"), ("external", "其他平台")]

CROSS_DEFINITION = (
    "跨区域承接：已确定承接方的有效需求中，承接社会组织的登记管理机关是某区民政局、且该区不是需求服务区域的项目。"
    "跨区域承接率 = 跨区域承接数 ÷ 承接数（分母含在市民政局登记的社会组织承接的项目，这些项目不计为跨区域）。"
)
DEFINITIONS = [
    "有效需求：所选年度中状态为已发布、已确定承接方或已评价的需求；草稿和已取消的需求只在“按状态”表中统计。",
    "承接数、成交金额：有效需求中已确定承接方（已确定承接方或已评价）的项目；成交金额为录入的成交金额之和。",
    CROSS_DEFINITION,
    "区：购买主体所在区，市级部门单列；街镇：需求的服务街镇。",
    "服务项目：当前已发布的服务项目（不分年度），不含登记已注销或列入严重失信名单的社会组织的项目；区为社会组织的登记管理机关。",
    "推荐目录成员：所选年度已发布的推荐目录（该年度未发布时为此前最近一年）中入选的社会组织；"
    "按佐证项目的类别统计，佐证项目分属两个类别的计入两个类别。",
    "金额单位为万元，保留两位小数。",
]
PUBLIC_DEFINITIONS = [
    "只统计已公开的信息：已发布、已确定承接方、已评价和发布后取消的需求（不含草稿），"
    "已发布的服务项目，已发布的推荐目录；不含联系方式和个人信息。",
    "有效需求：所选年度中状态为已发布、已确定承接方或已评价的需求；发布后取消的需求只在“按状态”表中统计。",
    *DEFINITIONS[1:],
]
