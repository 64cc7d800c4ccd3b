"""Fixtures of the open-data tests: `world`, a small city with a record of every kind that must and must
not be published (drafts, demands cancelled before and after publication, withdrawn offers, an
organization on the 严重失信名单, a revoked one, published and unpublished directory editions), every
contact field filled with a value that must never appear in any answer (`CONTACTS`)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role, SocialOrganization
from accounts.services import organization_list_serious
from directory.models import AppStatus, EditionStatus
from offerings.models import Offering
from offerings.models import Status as OfferStatus
from tests.factories import (
    ApplicationFactory,
    DemandFactory,
    EditionFactory,
    OfferingFactory,
    SocialOrganizationFactory,
    UserFactory,
    district,  # noqa: F401 - the tests of this folder import it from here
)
from tests.helpers import ago, category

THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1

# Every contact value stored anywhere in `world`: none may appear in any open-data answer.
DEMAND_CONTACT = {
    "contact_person": "需求联系人甲",
    "contact_phone": "021-61110001",
    "contact_email": "demand.contact@example.gov.cn",
}
UNIT_CONTACT = {"contact_person": "单位联系人乙", "contact_phone": "021-61110002"}
ORG_CONTACT = {
    "contact_person": "组织联系人丙",
    "contact_phone": "021-61110003",
    "contact_email": "org.contact@example.org",
    "address": "上海市黄浦区保密路1号",
}
OFFER_CONTACT = {
    "contact_person": "项目联系人丁",
    "contact_phone": "021-61110004",
    "contact_email": "offer.contact@example.org",
}
CREATOR = {
    "username": "creator_secret",
    "full_name": "录入人员戊",
    "phone": "13900001111",
    "email": "creator@example.gov.cn",
}
CONTACTS = sorted(
    {
        *DEMAND_CONTACT.values(),
        *UNIT_CONTACT.values(),
        *ORG_CONTACT.values(),
        *OFFER_CONTACT.values(),
        *CREATOR.values(),
    }
)


def get_json(client, url, params=None, status=200):
    response = client.get(url, params or {})
    assert response.status_code == status, (response.status_code, response.content.decode()[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


@pytest.fixture
def list_pages_counted(client, django_assert_num_queries):
    """`(api, size, filters, counts)` → the JSON of a list request unfiltered and of one with
    `filters`, each run under its pinned query count (`counts`: unfiltered, filtered), after one
    warm-up of each (the reference data's memo and its version in the cache are per process,
    portal/refdata.py)."""

    def counted(api, size, filters, counts):
        plain, filtered = {"page_size": size}, {"page_size": size, **filters}
        get_json(client, api, plain)
        get_json(client, api, filtered)
        with django_assert_num_queries(counts[0]):
            plain_data = get_json(client, api, plain)
        with django_assert_num_queries(counts[1]):
            filtered_data = get_json(client, api, filtered)
        return plain_data, filtered_data

    return counted


def ids(data):
    return [item["id"] for item in data["results"]]


def pks(world, *names):
    return {world[n].pk for n in names}


def listing_ids(client, url, params):
    """The ids on one page (of 50) of the public listing at `url`, in its order."""
    response = client.get(url, {"size": "50", **params})
    assert response.status_code == 200
    return [record.pk for record in response.context["page"].object_list]


def organization_json(organization, **extra):
    """What the API says of a 黄浦区 social organization (never its contact details)."""
    return {
        "name": organization.name,
        "uscc": organization.uscc,
        "org_type": "service_agency",
        "org_type_display": "社会服务机构（民办非企业单位）",
        "registration_authority": "黄浦区民政局",
        "profile_url": f"http://testserver/organizations/{organization.pk}/",
        **extra,
    }


class World(dict):
    def __getattr__(self, name):
        return self[name]


@pytest.fixture
def world(hp_unit, xh_unit, city_unit, hp_org, xh_org, city_org, hp_admin, huangpu, xuhui, hp_street):
    creator = UserFactory(role=Role.PURCHASER, purchaser_unit=hp_unit, **CREATOR)
    for unit in (hp_unit, xh_unit, city_unit):
        for field, value in UNIT_CONTACT.items():
            setattr(unit, field, value)
        unit.save()
    listed_org = SocialOrganizationFactory(name="上海市失信测试服务社", registration_district=huangpu)
    revoked_org = SocialOrganizationFactory(
        name="上海市已注销服务社",
        registration_district=huangpu,
        registration_status=SocialOrganization.RegistrationStatus.REVOKED,
    )
    for org in (hp_org, xh_org, city_org, listed_org, revoked_org):
        for field, value in ORG_CONTACT.items():
            setattr(org, field, value)
        org.save()

    def demand(unit, title, code, **kwargs):
        return DemandFactory(
            unit=unit, title=title, category=category(code), created_by=creator, **DEMAND_CONTACT, **kwargs
        )

    w = World(
        creator=creator,
        listed_org=listed_org,
        revoked_org=revoked_org,
        d_hp_home=demand(
            hp_unit,
            "黄浦居家养老助餐服务",
            "0101",
            street=hp_street,
            budget=Decimal("100000"),
            year=LAST_YEAR,
            published_at=ago(9),
        ),
        d_hp_community=demand(
            hp_unit,
            "黄浦社区养老综合服务",
            "0102",
            adjusted_at=ago(2),
            budget=Decimal("300000"),
            year=THIS_YEAR,
            published_at=ago(8),
        ),
        d_xh_disabled=demand(
            xh_unit, "徐汇助残康复服务", "0201", budget=Decimal("500000"), year=THIS_YEAR, published_at=ago(7)
        ),
        d_city_children=demand(
            city_unit,
            "全市儿童关爱保护项目",
            "0301",
            district=xuhui,
            budget=Decimal("800000"),
            year=THIS_YEAR,
            published_at=ago(6),
        ),
        d_awarded=demand(
            hp_unit,
            "黄浦老年认知症照护服务",
            "0104",
            status="awarded",
            awarded_org=hp_org,
            award_amount=Decimal("250000"),
            awarded_on=timezone.localdate() - datetime.timedelta(days=3),
            published_at=ago(20),
            year=LAST_YEAR,
        ),
        d_evaluated=demand(
            xh_unit,
            "徐汇残疾人就业帮扶服务",
            "0203",
            status="evaluated",
            awarded_org=xh_org,
            award_amount=Decimal("180000"),
            awarded_on=datetime.date(LAST_YEAR, 3, 1),
            eval_grade="good",
            eval_score=Decimal("88.5"),
            eval_summary="服务对象满意度较高。",
            evaluated_on=datetime.date(LAST_YEAR, 12, 20),
            published_at=ago(300),
            year=LAST_YEAR,
        ),
        d_cancelled=demand(
            hp_unit,
            "黄浦养老顾问服务（已取消）",
            "0101",
            status="cancelled",
            cancelled_at=ago(1),
            cancel_reason="预算调整，项目暂缓。",
            published_at=ago(5),
        ),
        d_cancelled_draft=demand(
            hp_unit,
            "未发布即取消的养老草稿",
            "0101",
            status="cancelled",
            cancelled_at=ago(1),
            cancel_reason="重复录入",
            published_at=None,
        ),
        d_draft=demand(hp_unit, "尚未发布的养老草稿", "0101", status="draft"),
        d_external=demand(
            xh_unit,
            "徐汇社区养老服务（财政平台）",
            "0102",
            source="财政政府购买服务管理平台",
            external_id="CZ-2026-001",
            plan_type="added",
            budget_approved_on=timezone.localdate() - datetime.timedelta(days=10),
            budget=Decimal("420000"),
            published_at=ago(4),
        ),
    )

    def offer(organization, title, code, **kwargs):
        return OfferingFactory(
            organization=organization,
            title=title,
            category=category(code),
            created_by=creator,
            **OFFER_CONTACT,
            **kwargs,
        )

    w.update(
        o_hp_meals=offer(hp_org, "乐龄长者助餐服务", "0103", published_at=ago(10)),
        o_hp_citywide=offer(
            hp_org,
            "乐龄居家照护服务",
            "0101",
            citywide=True,
            service_district_codes="",
            previously_purchased=True,
            purchaser_name="黄浦区民政局",
            purchase_amount=Decimal("150000"),
            implementation_place="黄浦区南京东路街道",
            implementation_start=datetime.date(LAST_YEAR, 1, 1),
            implementation_end=datetime.date(LAST_YEAR, 12, 31),
            published_at=ago(9),
        ),
        o_xh_rehab=offer(
            xh_org, "启明助残康复服务", "0201", service_district_codes="310104", published_at=ago(8)
        ),
        o_city_children=offer(
            city_org,
            "益心儿童关爱保护计划",
            "0301",
            service_district_codes="310101,310104",
            published_at=ago(7),
        ),
        o_draft=offer(hp_org, "乐龄草稿项目", "0103", status=OfferStatus.DRAFT),
        o_withdrawn=offer(
            hp_org, "乐龄已下架项目", "0103", status=OfferStatus.WITHDRAWN, published_at=ago(30)
        ),
        o_listed=offer(listed_org, "失信组织的助餐服务", "0103", published_at=ago(6)),
        o_revoked=offer(revoked_org, "已注销组织的助餐服务", "0103", published_at=ago(5)),
    )

    def edition(year, status):
        return EditionFactory(year=year, status=status)

    def member(edition, organization, evidence, status=AppStatus.APPROVED):
        return ApplicationFactory(
            edition=edition,
            organization=organization,
            status=status,
            evidence=evidence,
            decided_at=ago(1),
            statement="自荐说明：内部材料",
        )

    w.update(
        ed_last=edition(LAST_YEAR, EditionStatus.PUBLISHED),
        ed_this=edition(THIS_YEAR, EditionStatus.PUBLISHED),
        ed_next=edition(THIS_YEAR + 1, EditionStatus.REVIEWING),
    )
    w.update(
        m_last_hp=member(w.ed_last, hp_org, [w.o_hp_meals]),
        m_last_listed=member(w.ed_last, listed_org, [w.o_listed]),
        m_this_hp=member(w.ed_this, hp_org, [w.o_hp_citywide, w.o_hp_meals]),
        m_this_xh=member(w.ed_this, xh_org, [w.o_xh_rehab]),
        m_this_city_rejected=member(w.ed_this, city_org, [w.o_city_children], status=AppStatus.REJECTED),
        m_next_city=member(w.ed_next, city_org, [w.o_city_children]),
    )
    # Listed through the service, as an administrator does (R-SUB-3).
    organization_list_serious(
        organization=listed_org, by=hp_admin, listed_on=timezone.localdate(), reason="虚假申报项目材料"
    )
    assert Offering.objects.filter(organization=listed_org, status=OfferStatus.PUBLISHED).exists()
    return w


PUBLIC_DEMANDS = (
    "d_hp_home",
    "d_hp_community",
    "d_xh_disabled",
    "d_city_children",
    "d_awarded",
    "d_evaluated",
    "d_cancelled",
    "d_external",
)
PRIVATE_DEMANDS = ("d_cancelled_draft", "d_draft")
PUBLIC_OFFERS = ("o_hp_meals", "o_hp_citywide", "o_xh_rehab", "o_city_children")
PRIVATE_OFFERS = ("o_draft", "o_withdrawn", "o_listed", "o_revoked")
