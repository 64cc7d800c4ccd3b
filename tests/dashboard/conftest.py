"""Known data for the statistics tests (R-STA-1…3, R-MAT-3).

`world` builds, for this year (Asia/Shanghai):

| # | unit (district)            | 服务区域 | category | budget  | status     | awarded org (registered) | award      |
|---|----------------------------|---------|----------|---------|------------|--------------------------|------------|
| 1 | 黄浦 street unit            | 黄浦区   | 0101     | 100,000 | published  |                          |            |
| 2 | 黄浦 street unit            | 黄浦区   | 0201     | 200,000 | awarded    | xh_org (徐汇区) → cross   | 180,000    |
| 3 | 黄浦 street unit            | 黄浦区   | 0101     | 300,000 | evaluated  | hp_org (黄浦区) local      | 290,000.55 |
| 4 | 徐汇 street unit            | 徐汇区   | 0101     | 150,000 | awarded    | hp_org (黄浦区) → cross    | 140,000    |
| 5 | 徐汇 street unit            | 徐汇区   | 0301     |  50,000 | evaluated  | city_org (市民政局)        | 45,000     |
| 6 | 市民政局 (city, external)   | 徐汇区   | 0201     | 400,000 | awarded    | xh_org (徐汇区) local      | 390,000    |
| 7 | 黄浦 street unit            | 黄浦区   | 0101     | 500,000 | draft      |                          |            |
| 8 | 徐汇 street unit            | 徐汇区   | 0101     |  70,000 | cancelled (after publishing)                       |
| 9 | 黄浦 street unit, last year  | 黄浦区   | 0101     | 999,000 | published  |                          |            |
|10 | 黄浦区民政局 (district level) | 黄浦区   | 0103     |  80,000 | published  |                          |            |

So this year: 7 有效需求 (1–6, 10), 5 awards, 2 of them cross-district (2, 4), 1 to a
city-registered organization (5): 跨区域承接率 2 ÷ 5 = 40.0%.

Offers: hp_org 0103 and 0201 published, one draft; xh_org 0201 published, one withdrawn;
city_org 0301 published; an organization on the 严重失信名单 with one published offer (hidden).
Directory: this year's edition published with hp_org (evidence 0103 + 0201) and city_org (0301);
xh_org rejected; another organization approved but put on the 严重失信名单 since.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import SocialOrganization, UnitLevel
from demands.models import Demand
from directory.models import AppStatus, Edition, EditionStatus
from offerings.models import Offering
from portal.models import Category
from tests.factories import (
    XUHUI_CODE,
    ApplicationFactory,
    DemandFactory,
    EditionFactory,
    OfferingFactory,
    PurchaserUnitFactory,
    SocialOrganizationFactory,
)

THIS_YEAR = timezone.localdate().year
EXTERNAL = "财政政府购买服务管理平台"


def cat(code):
    return Category.objects.get(code=code)


def published_at(month=3, day=15, year=THIS_YEAR):
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


def demand(unit, **kw):
    kw.setdefault("published_at", published_at())
    kw.setdefault("year", THIS_YEAR)
    if "category" in kw and isinstance(kw["category"], str):
        kw["category"] = cat(kw["category"])
    return DemandFactory(unit=unit, **kw)


def awarded(unit, org, amount, status="awarded", **kw):
    extra = {}
    if status == "evaluated":
        extra = {"eval_grade": kw.pop("grade", "good"), "eval_score": kw.pop("score", Decimal("85"))}
    return demand(
        unit,
        status=status,
        awarded_org=org,
        award_amount=Decimal(amount),
        awarded_on=timezone.localdate(),
        **extra,
        **kw,
    )


def edition(year=THIS_YEAR, status=EditionStatus.PUBLISHED):
    return EditionFactory(year=year, status=status)


def member(ed, org, evidence, status=AppStatus.APPROVED):
    return ApplicationFactory(edition=ed, organization=org, status=status, evidence=evidence)


@dataclass
class World:
    demands: dict
    offers: dict
    edition: Edition
    hp_district_unit: object
    banned_org: SocialOrganization


@pytest.fixture
def world(hp_unit, xh_unit, city_unit, hp_org, xh_org, city_org, huangpu, xuhui, hp_street, xh_street):
    hp_district_unit = PurchaserUnitFactory(name="黄浦区民政局", level=UnitLevel.DISTRICT, district=huangpu)
    d = {}
    d[1] = demand(hp_unit, category="0101", budget=Decimal("100000"), district=huangpu, street=hp_street)
    d[2] = awarded(hp_unit, xh_org, "180000", category="0201", budget=Decimal("200000"), district=huangpu)
    d[3] = awarded(
        hp_unit,
        hp_org,
        "290000.55",
        status="evaluated",
        grade="excellent",
        score=Decimal("95"),
        category="0101",
        budget=Decimal("300000"),
        district=huangpu,
        street=hp_street,
        published_at=published_at(5, 2),
    )
    d[4] = awarded(xh_unit, hp_org, "140000", category="0101", budget=Decimal("150000"), district=xuhui)
    d[5] = awarded(
        xh_unit,
        city_org,
        "45000",
        status="evaluated",
        category="0301",
        budget=Decimal("50000"),
        district=xuhui,
    )
    d[6] = awarded(
        city_unit,
        xh_org,
        "390000",
        category="0201",
        budget=Decimal("400000"),
        district=xuhui,
        source=EXTERNAL,
        external_id="F-2026-001",
    )
    d[7] = demand(hp_unit, category="0101", budget=Decimal("500000"), status="draft", published_at=None)
    d[8] = demand(
        xh_unit, category="0101", budget=Decimal("70000"), status="cancelled", cancelled_at=timezone.now()
    )
    d[9] = demand(
        hp_unit,
        category="0101",
        budget=Decimal("999000"),
        year=THIS_YEAR - 1,
        published_at=published_at(year=THIS_YEAR - 1),
    )
    d[10] = demand(hp_district_unit, category="0103", budget=Decimal("80000"), district=huangpu)

    banned_org = SocialOrganizationFactory(name="上海市被列入失信名单服务社", registration_district=huangpu)
    o = {
        "hp_food": OfferingFactory(organization=hp_org, title="乐龄长者助餐服务", category=cat("0103")),
        "hp_disabled": OfferingFactory(organization=hp_org, title="乐龄助残康复服务", category=cat("0201")),
        "hp_draft": OfferingFactory(organization=hp_org, title="乐龄草稿项目", status="draft"),
        "xh_disabled": OfferingFactory(
            organization=xh_org, title="启明助残服务", category=cat("0201"), service_district_codes=XUHUI_CODE
        ),
        "xh_withdrawn": OfferingFactory(organization=xh_org, title="启明已下架项目", status="withdrawn"),
        "city_children": OfferingFactory(
            organization=city_org, title="益心儿童关爱", category=cat("0301"), citywide=True
        ),
        "banned": OfferingFactory(organization=banned_org, title="失信组织的项目", category=cat("0101")),
    }
    ed = edition()
    member(ed, hp_org, [o["hp_food"], o["hp_disabled"]])
    member(ed, city_org, [o["city_children"]])
    member(ed, xh_org, [o["xh_disabled"]], status=AppStatus.REJECTED)
    member(ed, banned_org, [o["banned"]])
    SocialOrganization.objects.filter(pk=banned_org.pk).update(on_serious_list=True)
    return World(demands=d, offers=o, edition=ed, hp_district_unit=hp_district_unit, banned_org=banned_org)


def more_data(n, *, huangpu, xuhui, hp_unit, xh_unit, city_unit, hp_org, xh_org, city_org):
    """n more demands of every kind, n more offers and members: to show the query counts do not move."""
    orgs = [hp_org, xh_org, city_org]
    units = [hp_unit, xh_unit, city_unit]
    statuses = ["published", "awarded", "evaluated", "cancelled", "draft"]
    for i in range(n):
        unit = units[i % 3]
        status = statuses[i % 5]
        kw = {
            "category": ["0101", "0201", "0301", "0103"][i % 4],
            "budget": Decimal(10000 + i),
            "district": unit.district or xuhui,
            "status": status,
            "published_at": None if status == "draft" else published_at(1 + i % 12, 1 + i % 28),
            "source": EXTERNAL if i % 7 == 0 else "本平台",
        }
        if status in ("awarded", "evaluated"):
            kw.update(
                awarded_org=orgs[i % 3],
                award_amount=Decimal(9000 + i),
                eval_grade="good" if status == "evaluated" else "",
            )
        demand(unit, **kw)
        org = SocialOrganizationFactory(registration_district=[huangpu, xuhui, None][i % 3])
        offer = OfferingFactory(organization=org, category=cat(["0101", "0201", "0301"][i % 3]))
        ed = Edition.objects.filter(year=THIS_YEAR).first()
        if ed is not None:
            member(ed, org, [offer])
    return Demand.objects.count(), Offering.objects.count()
