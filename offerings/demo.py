"""Demo offers for seed_demo: a few hundred, from the demo organizations, across categories."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import SocialOrganization
from demands.demo import TITLES, category_weight, seed_records, subcategories, weighted_choice
from portal.models import District

from .models import Offering, Status

SUMMARY = (
    "项目由{team}组成的专业团队实施，采用{method}的方式，{content}。近三年累计服务{n}人次，"
    "服务对象满意度保持在90%以上。"
)
TEAMS = [
    "持证社会工作者和心理咨询师",
    "社会工作者、护理员和志愿者",
    "康复治疗师和社会工作者",
    "律师和人民调解员",
]
METHODS = ["个案管理与小组活动相结合", "上门服务与集中活动相结合", "线上咨询与线下服务相结合"]
CONTENTS = [
    "为服务对象提供需求评估、个性化服务计划和定期回访",
    "整合社区资源，链接志愿者开展常态化关爱",
    "建立服务档案，定期开展满意度调查和成效评估",
]
PURCHASERS = ["街道办事处", "区民政局", "区残疾人联合会", "区卫生健康委员会", "镇人民政府"]


def seed(count=300, seed_value=20260513):
    return seed_records(Offering, count, seed_value, _offers)


def _offers(rng):
    """The builder of the i-th demo offer, from `rng`: the demo logins' organizations have a good share."""
    orgs = list(SocialOrganization.objects.eligible().select_related("district"))
    demo_orgs = {"上海市黄浦区乐龄家园社区服务中心", "上海市徐汇区启明助残服务社", "上海市益心公益基金会"}
    pick_org = weighted_choice(rng, orgs, lambda o: 10 if o.name in demo_orgs else 1)
    pick_category = weighted_choice(rng, subcategories(), category_weight)
    codes = list(District.objects.values_list("code", flat=True))
    now = timezone.now()
    today = timezone.localdate()

    def make(i):
        org = pick_org()
        sub = pick_category()
        title = rng.choice(TITLES.get(sub.code, [f"{sub.name}项目"])).replace("项目", "") + "服务方案"
        title = title.replace("服务服务", "服务")
        o = Offering(
            organization=org,
            title=f"{title}（{i + 1:03d}）" if i >= 60 else title,
            category=sub,
            summary=SUMMARY.format(
                team=rng.choice(TEAMS),
                method=rng.choice(METHODS),
                content=rng.choice(CONTENTS),
                n=rng.randint(300, 9000),
            ),
            service_targets=rng.choice(["社区老年人", "残疾人及其家庭", "困境儿童", "社区居民", "失业青年"]),
            contact_person=org.contact_person or "李女士",
            contact_phone=org.contact_phone or "021-54001234",
            contact_email=org.contact_email,
            status=Status.PUBLISHED if rng.random() < 0.9 else rng.choice([Status.DRAFT, Status.WITHDRAWN]),
        )
        if rng.random() < 0.15:
            o.set_service_area(True, [])
        else:
            area = [org.district.code] + rng.sample(codes, rng.choice([0, 0, 1, 2]))
            o.set_service_area(False, list(dict.fromkeys(area)))
        if o.status != Status.DRAFT:
            o.published_at = now - datetime.timedelta(days=rng.randint(0, 700), minutes=i)
        if o.status == Status.WITHDRAWN:
            o.withdrawn_at = now - datetime.timedelta(days=rng.randint(0, 30))
        if rng.random() < 0.45:
            start = today - datetime.timedelta(days=rng.randint(400, 1500))
            o.previously_purchased = True
            o.purchaser_name = f"{org.district.name}{rng.choice(PURCHASERS)}"
            o.purchase_amount = Decimal(rng.randint(60, 900) * 1000)
            o.implementation_place = f"上海市{org.district.name}"
            o.implementation_start = start
            o.implementation_end = start + datetime.timedelta(days=364)
        return o

    return make
