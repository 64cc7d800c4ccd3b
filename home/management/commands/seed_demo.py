"""Demo data for `make run`: real 街镇, realistic units and organizations, one user per role.

Idempotent: running it twice changes nothing. Later issues add their own demo records here.
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import services
from accounts.models import (
    AccountApplication,
    OrgType,
    PurchaserUnit,
    Role,
    SocialOrganization,
    UnitLevel,
    User,
)
from accounts.validators import uscc_check_char
from portal.models import District, Street

DEMO_PASSWORD = "Demo-2026-shanghai"
DEMO_USERNAMES = [
    "city_admin",
    "monitor",
    "huangpu_admin",
    "xuhui_admin",
    "city_buyer",
    "huangpu_buyer",
    "huangpu_mz_buyer",
    "xuhui_buyer",
    "xuhui_mz_buyer",
    "huangpu_org",
    "xuhui_org",
    "city_org",
]

# A few real 街道/镇 of each district (administrators add the rest in the admin site).
STREETS = {
    "黄浦区": ["南京东路街道", "外滩街道", "豫园街道", "打浦桥街道", "淮海中路街道", "瑞金二路街道"],
    "徐汇区": ["徐家汇街道", "天平路街道", "田林街道", "龙华街道", "枫林路街道", "华泾镇"],
    "长宁区": ["华阳路街道", "江苏路街道", "新华路街道", "虹桥街道", "新泾镇"],
    "静安区": ["静安寺街道", "南京西路街道", "曹家渡街道", "彭浦新村街道", "彭浦镇"],
    "普陀区": ["曹杨新村街道", "长风新村街道", "甘泉路街道", "真如镇街道", "桃浦镇"],
    "虹口区": ["四川北路街道", "欧阳路街道", "曲阳路街道", "江湾镇街道", "凉城新村街道"],
    "杨浦区": ["五角场街道", "控江路街道", "殷行街道", "长白新村街道", "新江湾城街道"],
    "闵行区": ["江川路街道", "古美路街道", "莘庄镇", "七宝镇", "梅陇镇"],
    "宝山区": ["友谊路街道", "吴淞街道", "大场镇", "顾村镇", "罗店镇"],
    "嘉定区": ["新成路街道", "嘉定镇街道", "南翔镇", "安亭镇", "江桥镇"],
    "浦东新区": ["陆家嘴街道", "潍坊新村街道", "花木街道", "张江镇", "川沙新镇"],
    "金山区": ["石化街道", "朱泾镇", "枫泾镇", "亭林镇"],
    "松江区": ["岳阳街道", "方松街道", "九亭镇", "泗泾镇", "洞泾镇"],
    "青浦区": ["夏阳街道", "盈浦街道", "朱家角镇", "徐泾镇", "赵巷镇"],
    "奉贤区": ["西渡街道", "奉浦街道", "南桥镇", "庄行镇", "柘林镇"],
    "崇明区": ["城桥镇", "堡镇", "陈家镇", "长兴镇", "横沙乡"],
}


# The demo logins' purchaser units, in the order they are made:
# (name, level, first 17 characters of the code, district, 街镇, business line).
# fmt: off
UNITS = [
    ("上海市民政局", UnitLevel.CITY, "11310000002424851", None, None, "民政"),
    ("上海市卫生健康委员会", UnitLevel.CITY, "11310000MB2F03312", None, None, "卫生健康"),
    ("黄浦区民政局", UnitLevel.DISTRICT, "11310101002483616", "黄浦区", None, "民政"),
    ("黄浦区南京东路街道办事处", UnitLevel.STREET, "1131010100248260X", "黄浦区", "南京东路街道", "民政"),
    ("徐汇区民政局", UnitLevel.DISTRICT, "11310104002569874", "徐汇区", None, "民政"),
    ("徐汇区徐家汇街道办事处", UnitLevel.STREET, "1131010400256701X", "徐汇区", "徐家汇街道", "民政"),
]
# The demo logins' organizations (and one for the 严重失信名单): (name, type, first 17 characters of
# the code, district, district of the registering 民政局 (None: the city's), business scope).
ORGS = [
    ("上海市黄浦区乐龄家园社区服务中心", OrgType.SERVICE_AGENCY, "52310101MJ4963201", "黄浦区", "黄浦区", "为社区老年人提供居家养老、助餐和精神关爱服务。"),
    ("上海市徐汇区启明助残服务社", OrgType.SERVICE_AGENCY, "52310104MJ5012873", "徐汇区", "徐汇区", "开展残疾人康复训练、就业帮扶和助残社会工作。"),
    ("上海市益心公益基金会", OrgType.FOUNDATION, "53310000MJ4907125", "黄浦区", None, "资助和开展扶贫济困、儿童关爱等公益项目。"),
    ("上海市徐汇区康宁社区服务中心", OrgType.SERVICE_AGENCY, "52310104MJ5233614", "徐汇区", "徐汇区", "社区便民服务。"),
]
# fmt: on
# What every demo unit and organization gives as contact details (and founding date).
UNIT_CONTACT = dict(contact_person="王老师", contact_phone="021-63210000")
ORG_DETAILS = dict(
    founded_on=datetime.date(2012, 6, 18),
    contact_person="李女士",
    contact_phone="021-54001234",
    contact_email="contact@example.org.cn",
)


def make_uscc(head8, body9=""):
    """A code with a correct GB 32100-2015 check character (from its first 17 characters)."""
    first17 = head8 + body9
    return first17 + uscc_check_char(first17)


def street_kind(name):
    if name.endswith("街道"):
        return Street.Kind.SUBDISTRICT
    if name.endswith("乡"):
        return Street.Kind.TOWNSHIP
    return Street.Kind.TOWN


class Command(BaseCommand):
    help = "载入演示数据（街镇、购买主体、社会组织、各角色演示账号），可重复运行。"

    @transaction.atomic
    def handle(self, *args, **options):
        districts = {d.name: d for d in District.objects.all()}
        for district_name, names in STREETS.items():
            for name in names:
                Street.objects.get_or_create(
                    district=districts[district_name], name=name, defaults={"kind": street_kind(name)}
                )
        hp, xh = districts["黄浦区"], districts["徐汇区"]
        street = {s.name: s for s in Street.objects.filter(district__in=[hp, xh])}

        def unit(name, level, code, district=None, street_obj=None, line="民政"):
            existing = PurchaserUnit.objects.filter(name=name).first()
            if existing is not None:
                return existing
            fields = dict(name=name, level=level, district=district, street=street_obj, business_line=line)
            return PurchaserUnit.objects.get_or_create(uscc=code, defaults={**fields, **UNIT_CONTACT})[0]

        units = {
            name: unit(name, level, make_uscc(code), districts.get(district), street.get(street_name), line)
            for name, level, code, district, street_name, line in UNITS
        }

        def org(name, org_type, code, district, registered_in, scope):
            fields = dict(
                name=name, org_type=org_type, district=district, registration_district=registered_in
            )
            fields.update(business_scope=scope, address=f"上海市{district.name}示范路100号", **ORG_DETAILS)
            return SocialOrganization.objects.get_or_create(uscc=code, defaults=fields)[0]

        orgs = {
            name: org(
                name, org_type, make_uscc(code), districts[district], districts.get(registered_in), scope
            )
            for name, org_type, code, district, registered_in, scope in ORGS
        }

        def user(username, role, full_name, **links):
            obj = User.objects.filter(username=username).first()
            if obj is None:
                obj = User(
                    username=username, role=role, full_name=full_name, must_change_password=False, **links
                )
                obj.set_password(DEMO_PASSWORD)
                obj.save()
            return obj

        user("city_admin", Role.CITY_ADMIN, "陈建国")
        user("monitor", Role.MONITOR, "周敏")
        user("huangpu_admin", Role.DISTRICT_ADMIN, "刘晓燕", district=hp)
        xh_admin = user("xuhui_admin", Role.DISTRICT_ADMIN, "张伟", district=xh)
        user("city_buyer", Role.PURCHASER, "孙立", purchaser_unit=units["上海市民政局"])
        user("huangpu_buyer", Role.PURCHASER, "吴静", purchaser_unit=units["黄浦区南京东路街道办事处"])
        user("huangpu_mz_buyer", Role.PURCHASER, "郑华", purchaser_unit=units["黄浦区民政局"])
        user("xuhui_buyer", Role.PURCHASER, "王芳", purchaser_unit=units["徐汇区徐家汇街道办事处"])
        user("xuhui_mz_buyer", Role.PURCHASER, "赵磊", purchaser_unit=units["徐汇区民政局"])
        user("huangpu_org", Role.ORGANIZATION, "李娜", organization=orgs["上海市黄浦区乐龄家园社区服务中心"])
        user("xuhui_org", Role.ORGANIZATION, "杨洋", organization=orgs["上海市徐汇区启明助残服务社"])
        user("city_org", Role.ORGANIZATION, "黄海", organization=orgs["上海市益心公益基金会"])
        from accounts import demo as accounts_demo

        accounts_demo.seed(
            User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
        )

        listed_org = orgs["上海市徐汇区康宁社区服务中心"]
        if not listed_org.on_serious_list and not listed_org.dishonesty_entries.exists():
            services.organization_list_serious(
                organization=listed_org,
                by=xh_admin,
                listed_on=datetime.date(2026, 3, 2),
                reason="年度检查中发现提供虚假材料，经查属实，列入严重失信名单（演示数据）。",
            )

        # Every seeded 街镇 and every district's 民政局 is a purchaser unit; organizations across the city.
        for index, st in enumerate(
            Street.objects.select_related("district").order_by("district__code", "name")
        ):
            suffix = "办事处" if st.name.endswith("街道") else "人民政府"
            unit(
                f"{st.district.name}{st.name}{suffix}",
                UnitLevel.STREET,
                make_uscc("11" + st.district.code, f"3{index:08d}"),
                st.district,
                st,
            )
        for index, d in enumerate(District.objects.order_by("code")):
            unit(f"{d.name}民政局", UnitLevel.DISTRICT, make_uscc("11" + d.code, f"2{index:08d}"), d)
        words = [
            "乐龄",
            "阳光",
            "同心",
            "睦邻",
            "益友",
            "绿叶",
            "彩虹",
            "向阳",
            "和美",
            "安康",
            "善水",
            "春晖",
        ]
        kinds = ["社区服务中心", "社工服务社", "公益服务中心", "助老服务社"]
        for index, d in enumerate(District.objects.order_by("code")):
            for j in range(2):
                word = words[(index + j * 5) % len(words)]
                org(
                    f"上海市{d.name}{word}{kinds[(index + j) % len(kinds)]}",
                    OrgType.SERVICE_AGENCY,
                    make_uscc("52" + d.code, f"MJ{index:03d}{j:04d}"),
                    d,
                    d,
                    "开展社区服务、为老服务和社会工作服务。",
                )

        from demands import demo as demand_demo
        from directory import demo as directory_demo
        from directory.views import blank_form_bytes
        from matching import subscriptions
        from notices import demo as notices_demo
        from offerings import demo as offering_demo
        from supervision import demo as supervision_demo

        def notices():
            blank_form = ("《购买主体推荐意见表》（空白）", "购买主体推荐意见表.xlsx", blank_form_bytes())
            return notices_demo.seed(templates=[blank_form])

        # Each app's demo records, in this order; each step says what it made ({} its count).
        steps = [
            (demand_demo.seed, "已生成 {} 个演示需求。"),
            (offering_demo.seed, "已生成 {} 个演示服务项目。"),
            (directory_demo.seed, "已生成上一年度推荐目录（{} 家社会组织）和本年度征集。"),
            (notices, "已生成政策法规、公示公告、资料下载、友情链接和留言。"),
            (supervision_demo.seed, "已生成内容监测问题、失信记录和督办提醒（站内信）。"),
            # 订阅: each organization account's initial subscription
            (subscriptions.ensure_defaults, "已为 {} 个社会组织账号创建按服务项目的初始订阅。"),
        ]
        for step, message in steps:
            created = step()
            if created:
                self.stdout.write(message.format(created))

        kind = AccountApplication.Kind
        # fmt: off
        applications = [
            dict(kind=kind.PURCHASER, unit_name="黄浦区外滩街道办事处", unit_level=UnitLevel.STREET,
                 uscc=make_uscc("11310101002482571"), district=hp, street=street["外滩街道"], business_line="民政",
                 contact_person="钱丽", contact_phone="021-63300001", username="waitan_jd"),
            dict(kind=kind.ORGANIZATION, unit_name="上海市徐汇区枫林心理健康服务中心", org_type=OrgType.SERVICE_AGENCY,
                 uscc=make_uscc("52310104MJ5098172"), district=xh,
                 contact_person="冯凯", contact_phone="13800001111", contact_email="fenglin@example.org.cn", username="fenglin_xl"),
            dict(kind=kind.PURCHASER, unit_name="上海市教育委员会", unit_level=UnitLevel.CITY,
                 uscc=make_uscc("11310000002418762"), business_line="教育",
                 contact_person="蒋涛", contact_phone="021-23116000", username="city_jw"),
        ]
        # fmt: on
        for data in applications:
            if not AccountApplication.objects.filter(uscc=data["uscc"]).exists():
                services.application_submit(application=AccountApplication(**data))

        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪。演示账号（密码均为 {DEMO_PASSWORD}）："))
        rows = [
            ("city_admin", "市级管理员（市民政局）"),
            ("huangpu_admin", "区级管理员（黄浦区民政局）"),
            ("xuhui_admin", "区级管理员（徐汇区民政局）"),
            ("monitor", "内容监测员（市社会组织服务中心）"),
            ("city_buyer", "购买主体：上海市民政局"),
            ("huangpu_buyer", "购买主体：黄浦区南京东路街道办事处"),
            ("xuhui_buyer", "购买主体：徐汇区徐家汇街道办事处"),
            ("huangpu_org", "社会组织：上海市黄浦区乐龄家园社区服务中心"),
            ("xuhui_org", "社会组织：上海市徐汇区启明助残服务社"),
            ("city_org", "社会组织：上海市益心公益基金会（市民政局登记）"),
        ]
        for username, label in rows:
            self.stdout.write(f"  {username:<16} {label}")
        self.stdout.write("管理后台：http://127.0.0.1:8000/admin/   首页：http://127.0.0.1:8000/")
        self.stdout.write(
            f"管理员和内容监测员登录时还须输入动态验证码：把密钥 {accounts_demo.DEMO_TOTP_SECRET} 加入手机身份验证器，"
            f"或运行 python manage.py demo_totp 查看当前验证码（现在是 {accounts_demo.current_code()}）。"
        )
