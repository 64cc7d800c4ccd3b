"""factory_boy factories, one for every model: tests make their records here and nowhere else.

Each makes a complete record in the state most tests want (a published demand of a 黄浦区 unit, a
published offer of a 黄浦区 organization, a published edition of this year, …); pass fields to change
it. Records are written straight to the database: to go through the rules (status changes, history
with a reason), call the app's services instead. Codes carry a correct GB 32100-2015 check character.
Reference data (区, 项目类别, 购买服务类型) comes from the migrations; their factories look it up by code."""

import datetime
import itertools
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import (
    AccountApplication,
    OrgType,
    PurchaserUnit,
    Role,
    SeriousDishonestyEntry,
    SocialOrganization,
    UnitLevel,
    User,
)
from accounts.validators import uscc_check_char
from directory.models import (
    Application,
    AppStatus,
    Edition,
    EditionStatus,
    PurchaserRecommendation,
    ReviewStep,
)
from inbox.models import Kind as NotificationKind
from inbox.models import Notification, OutgoingEmail
from notices.models import Article, Attachment, Download, ItemStatus, Link, Message, PublisherKind
from offerings.models import Offering
from offerings.models import Status as OfferingStatus
from portal.models import Category, District, ImportBatch, Job, PurchaseType, Street
from supervision.models import (
    CreditRecord,
    Finding,
    FindingKind,
    FindingResult,
    FindingStatus,
    ReminderLog,
    TargetType,
)
from tests.helpers import PDF_BYTES

_serial = itertools.count(1)
PASSWORD = "Test-password-2026"
HUANGPU_CODE = "310101"
XUHUI_CODE = "310104"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the administrators' and monitor's authenticator


def uscc(head8):
    body = f"{next(_serial):09d}"
    return head8 + body + uscc_check_char(head8 + body)


def district(name):
    return District.objects.get(name=name)


def category(code):
    return Category.objects.get(code=code)


def this_year():
    return timezone.localdate().year


def published_at_unless(*never_published):
    """`published_at` that follows `status`: a record in one of the `never_published` statuses (a
    draft) has none; every other status was reached by publishing (withdrawn, cancelled, awarded …
    records WERE published), so it gets the time of creation. A `published_at` passed wins: pass
    `published_at=None` for a record cancelled before it was ever published."""
    return factory.LazyAttribute(lambda o: None if o.status in never_published else timezone.now())


# --- reference data (loaded by the migrations) -------------------------------------------------------


class DistrictFactory(factory.django.DjangoModelFactory):
    """DistrictFactory(code="310104") → 徐汇区, as the migrations loaded it."""

    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = HUANGPU_CODE


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = "0101"


class PurchaseTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchaseType
        django_get_or_create = ("code",)

    code = "basic_public"


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
    purchaser_unit = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role == Role.PURCHASER),
        yes_declaration=factory.SubFactory(PurchaserUnitFactory),
        no_declaration=None,
    )
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
    """A published demand of a 黄浦区 unit unless told otherwise; `status="draft"` makes one never
    published (no published_at)."""

    class Meta:
        model = "demands.Demand"

    title = factory.Sequence(lambda n: f"社区居家养老服务项目{n}")
    budget = Decimal("380000.00")
    category = factory.LazyFunction(lambda: category("0101"))
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
    published_at = published_at_unless("draft")


class OfferingFactory(factory.django.DjangoModelFactory):
    """A published 黄浦区 offer unless told otherwise (written straight to the database, no history);
    a draft has no published_at (a withdrawn offer was published, so it has one)."""

    class Meta:
        model = Offering

    organization = factory.SubFactory(SocialOrganizationFactory)
    title = factory.Sequence(lambda n: f"社区长者助餐服务{n}")
    category = factory.LazyFunction(lambda: category("0103"))
    summary = "为社区60周岁以上老人提供助餐、送餐服务，配备营养师，每日供应午餐。"
    service_targets = "社区60周岁以上老人"
    citywide = False
    service_district_codes = HUANGPU_CODE
    contact_person = "李女士"
    contact_phone = "021-54001234"
    contact_email = "li@example.org"
    status = OfferingStatus.PUBLISHED
    published_at = published_at_unless(OfferingStatus.DRAFT)


class SeriousDishonestyEntryFactory(factory.django.DjangoModelFactory):
    """An open stay on the 严重失信名单 (the services keep the organization's history; this does not)."""

    class Meta:
        model = SeriousDishonestyEntry

    organization = factory.SubFactory(SocialOrganizationFactory)
    listed_on = factory.LazyFunction(timezone.localdate)
    reason = "虚假申报项目材料"


# --- 推荐目录 ------------------------------------------------------------------------------------------


class EditionFactory(factory.django.DjangoModelFactory):
    """This year's edition, published (collected from 1 January to 31 March) unless told otherwise;
    `EditionFactory(collecting=True)`: open now (started 10 days ago, deadline in 20 days)."""

    class Meta:
        model = Edition

    class Params:
        collecting = factory.Trait(
            status=EditionStatus.COLLECTING,
            starts_on=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10)),
            deadline=factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=20)),
            requirements="在民政部门登记、未列入严重失信名单的社会组织，选择1至2个已发布的服务项目作为佐证。",
            notice_url="https://mzj.sh.gov.cn/notice/directory",
        )

    year = factory.LazyFunction(this_year)
    starts_on = factory.LazyAttribute(lambda o: datetime.date(o.year, 1, 1))
    deadline = factory.LazyAttribute(lambda o: datetime.date(o.year, 3, 31))
    requirements = "在民政部门登记、未列入严重失信名单的社会组织。"
    status = EditionStatus.PUBLISHED
    published_at = published_at_unless(
        EditionStatus.PREPARING, EditionStatus.COLLECTING, EditionStatus.REVIEWING
    )


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An approved application (a member of the edition's 推荐目录); `evidence=[offers]` sets the offers."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    organization = factory.SubFactory(SocialOrganizationFactory)
    status = AppStatus.APPROVED
    review_district = factory.SelfAttribute("organization.registration_district")
    created_by = factory.SubFactory(
        UserFactory, role=Role.ORGANIZATION, organization=factory.SelfAttribute("..organization")
    )
    decided_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status in (AppStatus.APPROVED, AppStatus.REJECTED) else None
    )

    @factory.post_generation
    def evidence(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.evidence.set(extracted)


class ReviewStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewStep

    application = factory.SubFactory(ApplicationFactory)
    action = ReviewStep.Action.SUBMIT
    by = factory.SubFactory(UserFactory, role=Role.ORGANIZATION)


class PurchaserRecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchaserRecommendation

    demand = factory.SubFactory(DemandFactory)
    organization = factory.SubFactory(SocialOrganizationFactory)
    unit = factory.SelfAttribute("demand.unit")
    reason = "项目执行规范，服务对象满意度高。"
    by = factory.SubFactory(UserFactory, role=Role.PURCHASER, purchaser_unit=factory.SelfAttribute("..unit"))


# --- 政策法规, 公示公告, 资料下载, 友情链接, 留言区 ------------------------------------------------------------


class PublishedItemFactory(factory.django.DjangoModelFactory):
    """What every notices item has: published by the 市民政局 today."""

    class Meta:
        abstract = True

    publisher_kind = PublisherKind.CITY
    publisher_name = "上海市民政局"
    created_by = factory.SubFactory(UserFactory, role=Role.CITY_ADMIN)
    status = ItemStatus.PUBLISHED
    publish_date = factory.LazyFunction(timezone.localdate)


class ArticleFactory(PublishedItemFactory):
    class Meta:
        model = Article

    kind = Article.Kind.NOTICE
    title = factory.Sequence(lambda n: f"关于开展政府购买服务项目发布工作的通知（第{n}号）")
    body = "<p>正文。</p>"


class StoredPdfFactory(factory.django.DjangoModelFactory):
    """A PDF stored as a notices file is: the file under its original name, its size and extension."""

    class Meta:
        abstract = True

    original_name = "附件.pdf"
    file = factory.LazyAttribute(lambda o: ContentFile(PDF_BYTES, name=o.original_name))
    size = len(PDF_BYTES)
    extension = "pdf"


class AttachmentFactory(StoredPdfFactory):
    class Meta:
        model = Attachment

    article = factory.SubFactory(ArticleFactory)


class DownloadFactory(PublishedItemFactory, StoredPdfFactory):
    class Meta:
        model = Download

    title = factory.Sequence(lambda n: f"项目申报表模板{n}")
    category = Download.Category.TEMPLATE
    original_name = "模板.pdf"


class LinkFactory(PublishedItemFactory):
    class Meta:
        model = Link

    title = factory.Sequence(lambda n: f"友情链接{n}")
    url = "https://mzj.sh.gov.cn/"


class MessageFactory(factory.django.DjangoModelFactory):
    """A visitor's 留言, waiting for moderation."""

    class Meta:
        model = Message

    subject = "建议增加按街道筛选"
    body = "希望需求列表能按街道筛选，方便社区社会组织查找本街道的项目。"


# --- 监督, 站内信, Excel 导入 ------------------------------------------------------------------------------


class FindingFactory(factory.django.DjangoModelFactory):
    """An open finding of the 内容监测员 on a published demand (`target=` another demand)."""

    class Meta:
        model = Finding

    class Params:
        target = factory.SubFactory(DemandFactory)

    number = factory.Sequence(lambda n: f"JC{timezone.localdate():%Y%m%d}{n + 9000:04d}")
    target_type = TargetType.DEMAND
    target_id = factory.SelfAttribute("target.pk")
    target_title = factory.SelfAttribute("target.title")
    unit = factory.SelfAttribute("target.unit")
    authority_district = factory.SelfAttribute("target.district")
    kind = FindingKind.FALSE
    description = "项目预算与实际服务内容明显不符。"
    status = FindingStatus.OPEN
    opened_by = factory.SubFactory(UserFactory, role=Role.MONITOR)


class CreditRecordFactory(factory.django.DjangoModelFactory):
    """失信记录 of an organization, from a confirmed and closed finding on its offer."""

    class Meta:
        model = CreditRecord

    organization = factory.SubFactory(SocialOrganizationFactory)
    finding = factory.SubFactory(
        FindingFactory,
        target=factory.SubFactory(OfferingFactory, organization=factory.SelfAttribute("...organization")),
        target_type=TargetType.OFFERING,
        unit=None,
        organization=factory.SelfAttribute("..organization"),
        authority_district=factory.SelfAttribute("..organization.registration_district"),
        status=FindingStatus.CLOSED,
        result=FindingResult.CONFIRMED,
    )
    recorded_on = factory.LazyFunction(timezone.localdate)
    record = "服务项目简介夸大服务能力，经核查属实。"
    created_by = factory.SubFactory(UserFactory, role=Role.CITY_ADMIN)


class ReminderLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderLog

    key = factory.Sequence(lambda n: f"award:{n}")
    sent_on = factory.LazyFunction(timezone.localdate)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = NotificationKind.REMINDER
    title = factory.Sequence(lambda n: f"督办提醒{n}")
    body = "请及时填报成交信息。"


class OutgoingEmailFactory(factory.django.DjangoModelFactory):
    """An e-mail waiting in the outbox."""

    class Meta:
        model = OutgoingEmail

    subject = factory.Sequence(lambda n: f"【督办提醒】请及时填报成交信息（{n}）")
    body = "请登录平台填报成交信息。"
    from_email = "noreply@example.gov.cn"
    to = factory.LazyFunction(lambda: ["wang@example.gov.cn"])


class ImportBatchFactory(factory.django.DjangoModelFactory):
    """An uploaded file waiting between preview and confirm."""

    class Meta:
        model = ImportBatch

    kind = "demands"
    user = factory.SubFactory(UserFactory)
    file = factory.django.FileField(filename="需求批量发布.xlsx", data=b"PK\x03\x04")
    original_name = "需求批量发布.xlsx"
    report = factory.LazyFunction(
        lambda: {"total": 0, "error_rows": 0, "new": 0, "update": 0, "unchanged": 0, "rows": []}
    )


class LoginEventFactory(factory.django.DjangoModelFactory):
    """A successful password login of a user (the 账号安全 panel)."""

    class Meta:
        model = "accounts.LoginEvent"

    user = factory.SubFactory(UserFactory)
    kind = "success"
    address = "127.0.0.1"
    method = "password"


class InterestFactory(factory.django.DjangoModelFactory):
    """承接意向: an organization's interest in a published demand (matching/)."""

    class Meta:
        model = "matching.Interest"

    demand = factory.SubFactory(DemandFactory)
    organization = factory.SubFactory(SocialOrganizationFactory)
    note = "我们在本区开展长者助餐服务三年，可按需求实施。"
    created_by = factory.LazyAttribute(
        lambda o: UserFactory(role=Role.ORGANIZATION, organization=o.organization)
    )


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """订阅: a purchaser's saved search of the offer listing by default (matching/subscriptions.py)."""

    class Meta:
        model = "matching.Subscription"

    user = factory.SubFactory(UserFactory)
    kind = factory.LazyAttribute(lambda o: "demands" if o.user.role == Role.ORGANIZATION else "offerings")
    name = factory.Sequence(lambda n: f"订阅{n}")
    q = ""
    filters = factory.LazyFunction(dict)
    since = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    feed_token = factory.Sequence(lambda n: f"feed-token-{n:06d}-abcdefghijklmnop")


class SubscriptionDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matching.SubscriptionDelivery"

    subscription = factory.SubFactory(SubscriptionFactory)
    user = factory.SelfAttribute("subscription.user")
    kind = factory.SelfAttribute("subscription.kind")
    record_id = factory.Sequence(lambda n: n + 1)


class SubscriptionStartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matching.SubscriptionStart"

    user = factory.SubFactory(
        UserFactory, role=Role.ORGANIZATION, organization=factory.SubFactory(SocialOrganizationFactory)
    )


class JobFactory(factory.django.DjangoModelFactory):
    """A background job (issue 16 §1), queued, owned by a user."""

    class Meta:
        model = Job

    kind = "offerings_export"
    title = "导出服务项目列表"
    owner = factory.SubFactory(UserFactory)
    params = factory.LazyFunction(lambda: {"path": "/offerings/export.xlsx", "query": "", "kwargs": {}})
    rows_total = 6000


class SuggestionShownFactory(factory.django.DjangoModelFactory):
    """A record that a demand's 可能合适的社会组织 block showed an organization (matching/)."""

    class Meta:
        model = "matching.SuggestionShown"

    demand = factory.SubFactory(DemandFactory)
    organization = factory.SubFactory(SocialOrganizationFactory)


class OrganizationTallyFactory(factory.django.DjangoModelFactory):
    """A row of the ranking's tallies (matching/tallies.py) as the triggers write it; for the tests of
    the model itself: a published offer or an award makes the real one."""

    class Meta:
        model = "matching.OrganizationTally"

    category = factory.LazyFunction(lambda: category("0101"))
    organization = factory.SubFactory(SocialOrganizationFactory)
    offers = 1
    citywide = False
    area_codes = HUANGPU_CODE
    awards = 0


class QuestionFactory(factory.django.DjangoModelFactory):
    """公开答疑: an organization's question on a published demand, pending (matching/)."""

    class Meta:
        model = "matching.Question"

    demand = factory.SubFactory(DemandFactory)
    organization = factory.SubFactory(SocialOrganizationFactory)
    text = "服务对象是否包括独居老人？"
    asked_by = factory.LazyAttribute(
        lambda o: UserFactory(role=Role.ORGANIZATION, organization=o.organization)
    )
