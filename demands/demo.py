"""Demo demands for seed_demo: a few hundred, realistic, across districts, categories and statuses."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import PurchaserUnit, SocialOrganization
from portal.models import Category, PurchaseType

from .models import Demand, Grade, Orientation, PlanType, Status

TITLES = {
    "0101": ["居家养老上门服务项目", "独居老人居家照护服务"],
    "0102": ["长者照护之家专业服务", "社区综合为老服务中心运营"],
    "0103": ["老年助餐点运营服务", "社区长者食堂助餐服务"],
    "0104": ["认知症友好社区建设项目", "认知障碍早期筛查与照护支持"],
    "0105": ["独居老人关爱探访服务", "老年人精神慰藉“老伙伴”计划"],
    "0201": ["残疾人社区康复服务", "残疾儿童康复训练支持服务"],
    "0202": ["阳光之家托养服务", "重度残疾人日间照料服务"],
    "0203": ["残疾人就业帮扶项目", "阳光职业康复援助服务"],
    "0204": ["助残社会工作服务", "渐冻症患者家庭照护支持服务"],
    "0301": ["儿童之家运营服务", "困境儿童关爱保护项目"],
    "0302": ["青少年暑期成长营", "青少年社区服务与成长支持"],
    "0304": ["家庭教育指导服务", "新手父母家庭教育课堂"],
    "0401": ["居民区议事协商能力提升项目", "“家门口”议事会培育服务"],
    "0402": ["社区营造“微更新”参与式规划", "美丽楼组建设社区营造项目"],
    "0403": ["社区社会组织孵化培育项目", "社区社会组织能力提升服务"],
    "0501": ["社区便民服务综合体运营", "社区服务中心运营项目"],
    "0502": ["邻里互助睦邻点建设", "睦邻中心社区服务项目"],
    "0503": ["社区文化服务配送项目", "社区文化活动中心运营服务"],
    "0601": ["社区健康教育与促进项目", "健康自我管理小组服务"],
    "0602": ["心理健康服务站运营", "社区心理咨询与危机干预服务"],
    "0701": ["职业技能培训项目", "失业青年职业技能提升培训"],
    "0702": ["就业困难人员援助服务", "长期失业青年就业见习服务"],
    "0801": ["群众文化活动组织服务", "社区文艺团队培育服务"],
    "0802": ["全民健身指导服务", "社区健身点科学健身指导"],
    "0901": ["社会救助帮扶服务", "低保家庭综合帮扶服务"],
    "0902": ["困难群体关爱项目", "支出型贫困家庭关爱服务"],
    "1001": ["志愿者招募与管理服务", "社区志愿服务站运营"],
    "1101": ["社会组织能力建设项目", "社会组织规范化建设辅导"],
    "1102": ["政府购买服务项目第三方评估", "社会组织等级评估辅助服务"],
    "1103": ["社会工作专业督导服务", "社区社会工作站运营服务"],
    "1201": ["应急安全宣传进社区项目", "家庭防灾应急能力提升服务"],
    "1202": ["社区防灾减灾演练服务", "高层住宅消防疏散演练服务"],
    "1301": ["人民调解工作室运营服务", "物业纠纷人民调解服务"],
    "1302": ["矛盾纠纷化解服务项目", "邻里纠纷多元化解服务"],
    "1303": ["社区法律援助服务", "老年人法律咨询与援助服务"],
}
TARGETS = [
    "辖区内80周岁以上独居老人",
    "辖区内持证残疾人及其家庭",
    "辖区内困境儿童及其家庭",
    "辖区居民",
    "辖区内低保、低收入家庭",
    "辖区内失业青年",
    "辖区内社区社会组织",
    "辖区内楼组长和居民骨干",
]
QUALIFICATION = (
    "在民政部门依法登记的社会组织，具有{n}年以上同类服务经验；配备持证社会工作者不少于{m}名；"
    "未被列入严重失信名单。"
)
# A few districts and categories carry most of the work, as in real life.
CATEGORY_WEIGHTS = {
    "01": 30,
    "02": 12,
    "03": 10,
    "04": 8,
    "05": 14,
    "06": 6,
    "07": 3,
    "08": 4,
    "09": 4,
    "10": 3,
    "11": 3,
    "12": 2,
    "13": 4,
}


def weighted_choice(rng, rows, weight):
    """A draw of one of `rows`, each `weight(row)` times as likely as a row of weight 1."""
    weights = [weight(row) for row in rows]
    return lambda: rng.choices(rows, weights=weights)[0]


def seed_records(model, count, seed_value, builder):
    """`count` demo records of `model`, written in bulk with their history, once: none when the table
    has any. `builder(rng)`, given the random numbers of `seed_value`, returns the function that
    builds the i-th record (unsaved); its search tokens are filled in here."""
    if model.objects.exists():
        return 0
    make = builder(random.Random(seed_value))
    records = []
    for i in range(count):
        record = make(i)
        record.search_tokens = record.build_search_tokens()
        records.append(record)
    bulk_create_with_history(records, model, batch_size=500, default_change_reason="演示数据")
    return len(records)


def subcategories():
    """The second-level categories, the ones a project is filed under."""
    return list(Category.objects.filter(parent__isnull=False).select_related("parent"))


def category_weight(category):
    return CATEGORY_WEIGHTS.get(category.parent.code, 1)


def seed(count=300, seed_value=20260430):
    return seed_records(Demand, count, seed_value, _demands)


def _demands(rng):
    """The builder of the i-th demo demand, from `rng`: the demo logins' units have a good share."""
    units = list(PurchaserUnit.objects.select_related("district", "street"))
    # The demo logins' units get a good share, so each demo purchaser has a list worth looking at.
    demo_units = {
        "黄浦区南京东路街道办事处",
        "徐汇区徐家汇街道办事处",
        "上海市民政局",
        "黄浦区民政局",
        "徐汇区民政局",
    }
    pick_unit = weighted_choice(rng, units, lambda u: 12 if u.name in demo_units else 1)
    orgs = list(SocialOrganization.objects.eligible())
    subs = subcategories()
    pick_category = weighted_choice(rng, subs, category_weight)
    types = list(PurchaseType.objects.filter(allowed=True))
    weighted_types = [t for t in types for _ in range(6 if t.code == "basic_public" else 1)]
    today = timezone.localdate()
    now = timezone.now()

    def make(i):
        unit = pick_unit()
        sub = pick_category()
        place = unit.street.name if unit.street else (unit.district.name if unit.district else "本市")
        title = place + rng.choice(TITLES.get(sub.code, [f"{sub.name}项目"]))
        if i == 0:  # a rare term for the search demo
            sub = next(c for c in subs if c.code == "0204")
            title = place + "渐冻症患者家庭照护支持服务"
        year = rng.choice([today.year - 2, today.year - 1, today.year, today.year])
        plan = PlanType.ANNUAL if rng.random() < 0.7 else PlanType.ADDED
        approved = datetime.date(year, rng.randint(1, 9), rng.randint(1, 28))
        deadline = (
            datetime.date(year, 4, 30) if plan == PlanType.ANNUAL else approved + datetime.timedelta(days=20)
        )
        published_on = deadline - datetime.timedelta(days=rng.randint(-15, 60))
        published_on = min(published_on, today)
        start = max(published_on + datetime.timedelta(days=rng.randint(20, 60)), datetime.date(year, 1, 1))
        end = start + datetime.timedelta(days=rng.choice([180, 364, 364, 729]))
        budget = Decimal(rng.choice([rng.randint(50, 300), rng.randint(300, 980)]) * 1000)
        roll = rng.random()
        status = Status.PUBLISHED
        if roll < 0.10:
            status = Status.DRAFT
        elif roll < 0.15:
            status = Status.CANCELLED
        elif end < today and roll < 0.6:
            status = Status.EVALUATED
        elif start < today and roll < 0.55:
            status = Status.AWARDED
        published_at = None
        if status != Status.DRAFT:
            published_at = datetime.datetime.combine(
                published_on, datetime.time(9 + i % 8, i % 60), tzinfo=now.tzinfo
            )
        district = unit.district or rng.choice([u.district for u in units if u.district])
        demand = Demand(
            title=title[:100],
            budget=budget,
            category=sub,
            purchase_type=rng.choice(weighted_types),
            service_targets=rng.choice(TARGETS),
            district=district,
            street=unit.street if unit.street and rng.random() < 0.8 else None,
            period_start=start,
            period_end=end,
            contact_person=rng.choice(["王老师", "李科长", "张主任", "陈老师"]),
            contact_phone=f"021-{rng.randint(5000, 6999)}{rng.randint(1000, 9999)}",
            qualification=QUALIFICATION.format(n=rng.randint(1, 5), m=rng.randint(1, 4)),
            other_info="项目实施期间接受购买主体和第三方机构的监督评估。" if rng.random() < 0.5 else "",
            year=year,
            plan_type=plan,
            budget_approved_on=approved if plan == PlanType.ADDED else None,
            orientation=Orientation.PRIORITY if rng.random() < 0.8 else Orientation.OPEN,
            unit=unit,
            status=status,
            published_at=published_at,
        )
        if status == Status.CANCELLED:
            demand.cancelled_at = published_at + datetime.timedelta(days=10)
            demand.cancel_reason = "因实施条件发生变化，本年度不再实施。"
        if status in (Status.AWARDED, Status.EVALUATED) and orgs:
            demand.awarded_org = rng.choice(orgs)
            demand.award_amount = (budget * Decimal(rng.choice(["0.85", "0.9", "0.95", "1"]))).quantize(
                Decimal("1")
            )
            demand.awarded_on = min(published_on + datetime.timedelta(days=rng.randint(10, 30)), today)
            demand.awarded_at = published_at + datetime.timedelta(days=30)
        if status == Status.EVALUATED and demand.awarded_org:
            grade = rng.choices(Grade.values, weights=[3, 5, 2, 0.3])[0]
            demand.eval_grade = grade
            demand.eval_score = Decimal({"excellent": 93, "good": 84, "pass": 72, "fail": 55}[grade])
            demand.eval_summary = "项目按计划实施，服务对象满意度较高，档案资料完整。"
            demand.evaluated_on = min(end + datetime.timedelta(days=30), today)
            demand.evaluated_at = now
        return demand

    return make
