"""Demo content for 政策法规, 公示公告, 资料下载, 友情链接 and 留言区."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts import permissions
from accounts.models import Role, User
from portal import transitions

from . import services
from .models import Article, Download, Link, Message

MEASURES_SUMMARY = """<p>《上海市政府购买社会组织服务供需对接平台管理和使用办法（试行）》由上海市民政局制定并负责解释，自公布之日起施行，试行两年。以下是要点摘要：</p>
<h2>平台做什么</h2>
<ul>
<li>购买主体和社会组织在平台上自行发布、查询供需信息，线下对接；平台不提供线上采购（第二条、第十四条）。</li>
<li>平台与财政部门“政府购买服务管理平台”信息共享，已纳入该平台的项目不必重复发布（第三条）。</li>
</ul>
<h2>购买主体要做什么</h2>
<ul>
<li>发布政府采购限额以下、优先面向社会组织的服务项目；政府履职所需辅助性事项和补贴、资助类项目不在平台发布（第四条）。</li>
<li>每年4月底前集中发布当年项目；年度新增项目在预算批复后二十日内补充发布；确定承接对象和绩效评价后及时补录（第四条）。</li>
</ul>
<h2>社会组织要做什么</h2>
<ul>
<li>合格的承接主体是在民政部门登记且不在严重失信名单中的社会组织，可发布服务项目并自荐进入推荐目录（第八条、第十五条）。</li>
<li>发布虚假、夸大信息的，纳入社会组织信用体系作为失信行为管理（第十七条）。</li>
</ul>
<h2>监督与咨询</h2>
<p>上海市社会组织服务中心受委托开展内容监测；公众可拨打上海民政服务热线962200，或在“留言区”提出意见建议（第十八条）。</p>"""

POLICIES = [
    ("关于《上海市政府购买社会组织服务供需对接平台管理和使用办法（试行）》的要点说明", MEASURES_SUMMARY),
    ("政府购买服务管理办法（要点）", "<p>明确政府购买服务的主体、内容、程序、预算和绩效管理要求。</p>"),
    (
        "关于进一步做好政府购买社会组织服务工作的通知（摘要）",
        "<p>要求各区、各部门优先向社会组织购买服务，完善信息公开。</p>",
    ),
]
NOTICES = [
    (
        "关于开展本年度推荐目录征集工作的通知",
        "<p>请符合条件的社会组织在截止日期前通过平台自荐，并上传购买主体盖章的推荐意见表。</p>",
    ),
    (
        "关于集中发布本年度政府购买社会组织服务项目的提示",
        "<p>请各购买主体于4月30日前在平台集中发布本年度拟购买的服务项目。</p>",
    ),
    ("平台系统维护公告", "<p>平台将于周六22:00至24:00进行系统维护，期间暂停访问。</p>"),
]
LINKS = [
    ("上海市民政局", "https://mzj.sh.gov.cn/", 1),
    ("上海市社会组织服务中心", "https://www.shstj.org.cn/", 2),
    ("中国政府网", "https://www.gov.cn/", 3),
    ("上海市人民政府", "https://www.shanghai.gov.cn/", 4),
]


def _publish(item, user, days_ago):
    for key, value in permissions.publisher_for(user).items():
        setattr(item, key, value)
    item.created_by = user
    item.publish_date = timezone.localdate() - datetime.timedelta(days=days_ago)
    transitions.apply(services.TABLE, item, "create", by=user, reason="保存")
    return transitions.apply(services.TABLE, item, "publish", by=user, reason="发布")


def seed(templates=()):
    """The demo notices and downloads; ``templates`` are (title, file name, bytes) of the higher apps' blank
    forms (the caller, seed_demo, brings them: notices sits below directory), listed first."""
    if Article.objects.exists():
        return 0
    city = User.objects.filter(role=Role.CITY_ADMIN).first()
    huangpu = User.objects.filter(role=Role.DISTRICT_ADMIN, district__name="黄浦区").first() or city
    for i, (title, body) in enumerate(POLICIES):
        _publish(Article(kind=Article.Kind.POLICY, title=title, body=body), city, 30 * (i + 1))
    for i, (title, body) in enumerate(NOTICES):
        _publish(
            Article(kind=Article.Kind.NOTICE, title=title, body=body), city if i != 2 else city, 5 * (i + 1)
        )
    _publish(
        Article(
            kind=Article.Kind.NOTICE,
            title="黄浦区关于做好政府购买服务项目信息发布工作的通知",
            body="<p>请区级部门和各街道按时在平台发布和补录项目信息。</p>",
        ),
        huangpu,
        3,
    )
    from demands import importing as demand_importing
    from offerings import importing as offering_importing
    from portal.excel import build_template

    files = [
        *((title, Download.Category.TEMPLATE, name, content) for title, name, content in templates),
        (
            "购买服务需求批量发布模板",
            Download.Category.TEMPLATE,
            "购买服务需求批量发布模板.xlsx",
            build_template(demand_importing.columns()),
        ),
        (
            "社会组织服务项目批量上传模板",
            Download.Category.TEMPLATE,
            "社会组织服务项目批量上传模板.xlsx",
            build_template(offering_importing.columns()),
        ),
    ]
    for i, (title, category, name, content) in enumerate(files):
        item = Download(
            title=title, category=category, original_name=name, size=len(content), extension=".xlsx"
        )
        item.file.save("download.xlsx", ContentFile(content), save=False)
        _publish(item, city, i + 1)
    for title, url, order in LINKS:
        _publish(Link(title=title, url=url, sort_order=order), city, 60)
    Message.objects.create(
        name="张先生",
        contact="13900000000",
        subject="平台能否按区查询项目？",
        body="我们是一家社区服务机构，想了解黄浦区的养老服务项目。",
        status=Message.Status.APPROVED,
        reply="您好，在“我要购买服务”页面选择服务区域“黄浦区”、类别“养老服务”即可。",
        replied_by=city,
        replied_at=timezone.now(),
    )
    Message.objects.create(name="", subject="建议增加长者模式说明", body="建议在首页说明如何放大字体。")
    return Article.objects.count()
