"""factory_boy factories. Codes are generated with a correct GB 32100-2015 check character."""

import datetime
import itertools
from decimal import Decimal

import factory
from django.utils import timezone

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
from portal.models import Category, District, PurchaseType, Street

_serial = itertools.count(1)
PASSWORD = "Test-password-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the administrators' and monitor's authenticator


def uscc(head8):
    body = f"{next(_serial):09d}"
    return head8 + body + uscc_check_char(head8 + body)


def district(name):
    return District.objects.get(name=name)


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street

    district = factory.LazyFunction(lambda: district("黄浦区"))
    name = factory.Sequence(lambda n: f"测试{n}街道")


class PurchaserUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchaserUnit

    name = factory.Sequence(lambda n: f"测试区第{n}局")
    level = UnitLevel.DISTRICT
    district = factory.LazyFunction(lambda: district("黄浦区"))
    uscc = factory.LazyAttribute(lambda o: uscc("11" + (o.district.code if o.district else "310000")))
    business_line = "民政"


class SocialOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialOrganization

    name = factory.Sequence(lambda n: f"上海市测试社区服务中心{n}")
    org_type = OrgType.SERVICE_AGENCY
    registration_district = factory.LazyFunction(lambda: district("黄浦区"))
    district = factory.LazyAttribute(lambda o: o.registration_district or district("黄浦区"))
    uscc = factory.LazyAttribute(
        lambda o: uscc("52" + (o.registration_district.code if o.registration_district else "310000"))
    )
    contact_person = "李女士"
    contact_phone = "021-54001234"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.PURCHASER
    must_change_password = False
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        """Administrators and the monitor must have a second factor (issue #14): they get a TOTP
        authenticator with TOTP_SECRET unless made with totp=False."""
        from accounts import mfa, permissions

        if create and extracted is not False and permissions.requires_mfa(obj):
            mfa.activate_totp(obj, extracted or TOTP_SECRET)


class AccountApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountApplication

    kind = AccountApplication.Kind.PURCHASER
    unit_name = factory.Sequence(lambda n: f"黄浦区测试街道办事处{n}")
    unit_level = UnitLevel.DISTRICT
    uscc = factory.LazyAttribute(lambda o: uscc("11" + (o.district.code if o.district else "310000")))
    district = factory.LazyFunction(lambda: district("黄浦区"))
    contact_person = "钱丽"
    contact_phone = "021-63300001"
    username = factory.Sequence(lambda n: f"applicant{n}")
    review_district = factory.LazyAttribute(lambda o: o.district if o.unit_level != UnitLevel.CITY else None)


class DemandFactory(factory.django.DjangoModelFactory):
    """A published demand of a 黄浦区 unit unless told otherwise."""

    class Meta:
        model = "demands.Demand"

    title = factory.Sequence(lambda n: f"社区居家养老服务项目{n}")
    budget = Decimal("380000.00")
    category = factory.LazyFunction(lambda: Category.objects.get(code="0101"))
    purchase_type = factory.LazyFunction(lambda: PurchaseType.objects.get(code="basic_public"))
    service_targets = "辖区内80周岁以上独居老人"
    district = factory.LazyAttribute(lambda o: o.unit.district or district("黄浦区"))
    period_start = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
    period_end = factory.LazyAttribute(lambda o: o.period_start + datetime.timedelta(days=364))
    contact_person = "王老师"
    contact_phone = "021-63210000"
    contact_email = "wang@example.gov.cn"
    qualification = "在民政部门登记的社会组织，具有3年以上居家养老服务经验"
    year = factory.LazyFunction(lambda: datetime.date.today().year)
    plan_type = "annual"
    orientation = "priority"
    unit = factory.SubFactory(PurchaserUnitFactory)
    status = "published"
    published_at = factory.LazyFunction(timezone.now)
