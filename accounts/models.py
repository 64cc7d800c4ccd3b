"""Users, roles, purchaser units, social organizations, credit status, account applications."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from portal.models import (
    District,
    Street,
    bureau_of,
    contact_fields,
    new_record_number,
    optional_link,
    protected_link,
    step_fields,
    timestamps,
    user_field,
)

from .validators import normalize_uscc, validate_social_org_uscc, validate_uscc


class Role(models.TextChoices):
    """The roles of R-ROLE (the visitor of R-ROLE-6 is simply not logged in)."""

    CITY_ADMIN = "city_admin", "市级管理员（市民政局）"
    DISTRICT_ADMIN = "district_admin", "区级管理员（区民政局）"
    PURCHASER = "purchaser", "购买主体"
    ORGANIZATION = "organization", "承接主体（社会组织）"
    MONITOR = "monitor", "内容监测员"


class UnitLevel(models.TextChoices):
    CITY = "city", "市级部门"
    DISTRICT = "district", "区级部门"
    STREET = "street", "街镇"


class OrgType(models.TextChoices):
    SOCIAL_GROUP = "social_group", "社会团体"
    SERVICE_AGENCY = "service_agency", "社会服务机构（民办非企业单位）"
    FOUNDATION = "foundation", "基金会"


class UsccField(models.CharField):
    """统一社会信用代码, stored normalized (upper-case, half-width)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("verbose_name", "统一社会信用代码")
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_uscc(value) if value else value

    def pre_save(self, model_instance, add):
        value = normalize_uscc(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


def clean_unit_location(level, district, street, errors):
    """Shared by units and applications: where a purchaser unit sits must fit its level."""
    if level == UnitLevel.CITY:
        if street is not None:
            errors["street"] = "市级部门不属于某个街镇，请不要选择街镇。"
    else:
        if district is None:
            errors["district"] = "区级部门和街镇必须选择所在区。"
        if level == UnitLevel.STREET and street is None:
            errors["street"] = "街镇单位必须选择所在街镇。"
        if street is not None and district is not None and street.district_id != district.pk:
            errors["street"] = "所选街镇不属于所选的区。"


class PurchaserUnit(models.Model):
    """购买主体 (R-SUB-1): a city department, a district department or a 街道/镇."""

    name = models.CharField("单位名称", max_length=100)
    level = models.CharField("层级", max_length=12, choices=UnitLevel.choices)
    district = optional_link(District, "所在区", related_name="purchaser_units")
    street = optional_link(Street, "所在街镇", related_name="purchaser_units")
    uscc = UsccField(unique=True, validators=[validate_uscc])
    business_line = models.CharField(
        "业务条线", max_length=60, blank=True, help_text="例如：民政、卫生健康、教育"
    )
    contact_person, contact_phone = contact_fields(required=False, email=False)
    is_active = models.BooleanField("启用", default=True)
    created_at, updated_at = timestamps()
    history = HistoricalRecords(verbose_name="购买主体变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "购买主体"
        ordering = ["level", "district__code", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        clean_unit_location(self.level, self.district, self.street, errors)
        if errors:
            raise ValidationError(errors)


def eligible_q(prefix=""):
    """R-SUB-3, the query form of `SocialOrganization.is_eligible`: registered with civil affairs and
    not on the 严重失信名单. `prefix` reaches the organization through a relation
    (`eligible_q("organization__")`)."""
    return Q(
        **{
            f"{prefix}registration_status": SocialOrganization.RegistrationStatus.ACTIVE,
            f"{prefix}on_serious_list": False,
        }
    )


class SocialOrganizationQuerySet(models.QuerySet):
    def eligible(self):
        """Organizations that may publish offers, be awarded and be recommended (R-SUB-3)."""
        return self.filter(eligible_q())


class SocialOrganization(models.Model):
    """承接主体 (R-SUB-2): a social organization registered with civil affairs."""

    class RegistrationStatus(models.TextChoices):
        ACTIVE = "active", "正常"
        REVOKED = "revoked", "已注销或撤销登记"

    name = models.CharField("社会组织名称", max_length=100)
    uscc = UsccField(unique=True)
    org_type = models.CharField("组织类型", max_length=20, choices=OrgType.choices)
    registration_district = optional_link(
        District,
        "登记管理机关",
        related_name="registered_organizations",
        help_text="留空表示在市民政局登记；否则为所选区的区民政局。",
    )
    district = protected_link(District, "所在区", related_name="located_organizations")
    founded_on = models.DateField("成立日期", null=True, blank=True)
    business_scope = models.TextField("业务范围", blank=True)
    contact_person, contact_phone, contact_email = contact_fields(required=False)
    address = models.CharField("地址", max_length=200, blank=True)
    registration_status = models.CharField(
        "登记状态", max_length=12, choices=RegistrationStatus.choices, default=RegistrationStatus.ACTIVE
    )
    # Kept by accounts.services (list/delist) together with the SeriousDishonestyEntry rows.
    on_serious_list = models.BooleanField("在严重失信名单中", default=False, editable=False)
    created_at, updated_at = timestamps()
    history = HistoricalRecords(verbose_name="社会组织变更记录")

    objects = SocialOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "社会组织"
        ordering = ["name"]
        indexes = [
            # The statistics join demands and offers to their organization's eligibility and
            # registration authority: from this index alone (PostgreSQL) instead of the wide table.
            models.Index(
                fields=["id"],
                include=["registration_district", "registration_status", "on_serious_list"],
                name="org_dashboard_cover",
            ),
            # The 推荐目录 members sorted by name (directory/selectors.py `members`): their names and
            # eligibility from this index alone, one probe per member, instead of a scan of the wide
            # table (issue 15: the 2025 page's 20 rows, 20-34 ms at city scale, 2-4 ms with it).
            models.Index(
                fields=["id"],
                include=["name", "registration_status", "on_serious_list"],
                name="org_name_cover",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.uscc:
            try:
                validate_social_org_uscc(self.uscc, self.org_type)
            except ValidationError as exc:
                raise ValidationError({"uscc": exc.messages}) from exc

    registration_authority = bureau_of("registration_district")

    @property
    def is_eligible(self):
        """R-SUB-3: registered with civil affairs and not on the 严重失信名单 (twin: `eligible_q`)."""
        return self.registration_status == self.RegistrationStatus.ACTIVE and not self.on_serious_list

    @property
    def credit_status(self):
        if self.on_serious_list:
            return "列入严重失信名单"
        if self.registration_status != self.RegistrationStatus.ACTIVE:
            return "登记已注销或撤销"
        return "正常"


class SeriousDishonestyEntry(models.Model):
    """One stay of an organization on the 严重失信名单 (R-SUB-3); never deleted, closed by delisting."""

    organization = protected_link(SocialOrganization, "社会组织", related_name="dishonesty_entries")
    listed_on = models.DateField("列入日期")
    reason = models.TextField("列入原因")
    listed_by = user_field("列入操作人")
    removed_on = models.DateField("移出日期", null=True, blank=True)
    removal_reason = models.TextField("移出原因", blank=True)
    removed_by = user_field("移出操作人")
    history = HistoricalRecords(verbose_name="严重失信名单变更记录")

    class Meta:
        verbose_name = "严重失信名单记录"
        verbose_name_plural = "严重失信名单"
        ordering = ["-listed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(removed_on__isnull=True),
                name="one_open_dishonesty_entry",
            )
        ]

    def __str__(self):
        return f"{self.organization}（{self.listed_on:%Y-%m-%d} 列入）"

    @property
    def is_open(self):
        return self.removed_on is None


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.CITY_ADMIN)
        extra_fields.setdefault("must_change_password", False)
        return super().create_superuser(username, email, password, **extra_fields)

    # The active accounts that speak for a unit, an organization or an administration: who receives
    # reminders and notices about their records (supervision).
    def of_unit(self, unit_id):
        return list(self.filter(role=Role.PURCHASER, purchaser_unit_id=unit_id, is_active=True))

    def of_organization(self, organization_id):
        return list(self.filter(role=Role.ORGANIZATION, organization_id=organization_id, is_active=True))

    def administrators_of(self, district_id):
        """The 区民政局's administrators, or the city's when `district_id` is None."""
        if district_id is None:
            return list(self.filter(role=Role.CITY_ADMIN, is_active=True))
        return list(self.filter(role=Role.DISTRICT_ADMIN, district_id=district_id, is_active=True))


class User(AbstractUser):
    """A person who logs in. Each is tied to its unit, organization or district by its role."""

    full_name = models.CharField("姓名", max_length=40, blank=True)
    phone = models.CharField("手机或电话", max_length=40, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    district = optional_link(
        District,
        "所属区",
        related_name="users",
        help_text="区级管理员必填；购买主体和社会组织用户由其单位自动确定。",
    )
    purchaser_unit = optional_link(PurchaserUnit, "购买主体", related_name="users")
    organization = optional_link(SocialOrganization, "社会组织", related_name="users")
    must_change_password = models.BooleanField("首次登录须修改密码", default=True)
    # 法人一证通 (R-ACC-3, accounts.sso): the certificate code of the identity that logs in as this
    # account. Filled by the first SSO login, or beforehand by an administrator so that the first
    # login links this existing account instead of creating one.
    sso_code = models.CharField(
        "法人一证通编号",
        max_length=64,
        blank=True,
        help_text="填写后，该单位持此一证通首次登录时将关联到本账号。通过一证通登录的账号不设本地密码。",
    )
    sso_capacity = models.CharField(
        "一证通登录身份",
        max_length=12,
        blank=True,
        choices=[("legal", "法人"), ("agent", "办事人员")],
    )

    objects = PortalUserManager()
    history = HistoricalRecords(verbose_name="用户变更记录", excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self):
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username

    @property
    def display_name(self):
        return self.full_name or self.username

    @property
    def is_sso_account(self):
        """An account that logs in with 法人一证通 only: no local password, none by the reset form."""
        return bool(self.sso_code) and not self.has_usable_password()

    def clean(self):
        super().clean()
        errors = {}
        if self.role == Role.DISTRICT_ADMIN and self.district_id is None:
            errors["district"] = "区级管理员必须选择所属区。"
        if self.role == Role.PURCHASER and self.purchaser_unit_id is None:
            errors["purchaser_unit"] = "购买主体用户必须选择所属购买主体单位。"
        if self.role == Role.ORGANIZATION and self.organization_id is None:
            errors["organization"] = "社会组织用户必须选择所属社会组织。"
        if self.role != Role.PURCHASER and self.purchaser_unit_id is not None:
            errors["purchaser_unit"] = "只有购买主体用户可以关联购买主体单位。"
        if self.role != Role.ORGANIZATION and self.organization_id is not None:
            errors["organization"] = "只有社会组织用户可以关联社会组织。"
        if self.role in (Role.CITY_ADMIN, Role.MONITOR) and self.district_id is not None:
            errors["district"] = "市级管理员和内容监测员面向全市，不选择所属区。"
        if errors:
            raise ValidationError(errors)

    def derive_district(self):
        """The district follows the unit or organization, so scoping never trusts a stale copy."""
        if self.role == Role.PURCHASER and self.purchaser_unit_id:
            self.district_id = self.purchaser_unit.district_id
        elif self.role == Role.ORGANIZATION and self.organization_id:
            self.district_id = self.organization.registration_district_id
        elif self.role in (Role.CITY_ADMIN, Role.MONITOR):
            self.district_id = None

    def save(self, *args, **kwargs):
        self.derive_district()
        # Only administrators use the admin site.
        self.is_staff = self.is_superuser or self.role in (Role.CITY_ADMIN, Role.DISTRICT_ADMIN)
        super().save(*args, **kwargs)


def new_application_number():
    return new_record_number("SQ", 10)


class AccountApplicationQuerySet(models.QuerySet):
    def uscc_held_under_another_name(self):
        """Applications naming the 统一社会信用代码 of a unit or organization already registered here
        under another name (issue 19 §4): flagged to the reviewer, approved only with a confirmation.
        Object twin: `application.uscc_held_under_another_name`."""
        return self.filter(
            models.Exists(
                PurchaserUnit.objects.filter(uscc=models.OuterRef("uscc")).exclude(
                    name=models.OuterRef("unit_name")
                )
            )
            | models.Exists(
                SocialOrganization.objects.filter(uscc=models.OuterRef("uscc")).exclude(
                    name=models.OuterRef("unit_name")
                )
            )
        )


class AccountApplication(models.Model):
    """申请开通账号 (R-ACC-2), reviewed by the district administrator or the city."""

    class Kind(models.TextChoices):
        PURCHASER = "purchaser", "购买主体（政府部门、街镇）"
        ORGANIZATION = "organization", "承接主体（社会组织）"

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"

    number = models.CharField(
        "申请编号", max_length=20, unique=True, default=new_application_number, editable=False
    )
    kind = models.CharField("申请类型", max_length=20, choices=Kind.choices)
    unit_name = models.CharField("单位或组织名称", max_length=100)
    uscc = UsccField()
    unit_level = models.CharField("单位层级", max_length=12, choices=UnitLevel.choices, blank=True)
    org_type = models.CharField("组织类型", max_length=20, choices=OrgType.choices, blank=True)
    registered_with_city = models.BooleanField("在市民政局登记", default=False)
    district = optional_link(District, "所在区")
    street = optional_link(Street, "所在街镇")
    # Who reviews it: a district's administrator, or the city when empty.
    review_district = optional_link(District, "审核单位", editable=False)
    business_line = models.CharField("业务条线", max_length=60, blank=True)
    contact_person = models.CharField("联系人姓名", max_length=40)
    contact_phone = models.CharField("联系电话", max_length=40)
    contact_email = models.EmailField("联系邮箱", blank=True)
    username = models.CharField("希望使用的用户名", max_length=30)
    note = models.TextField("补充说明", blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    reviewed_by, reviewed_at = step_fields("审核人", "审核时间")
    review_reason = models.TextField("审核意见", blank=True)
    created_user = user_field("开通的账号")
    # The reviewer's "我已核实" when the code was already registered under another name (issue 19 §4).
    uscc_confirmed_by, uscc_confirmed_at = step_fields(
        "核实已登记代码的审核人", "核实已登记代码的时间", editable=False
    )
    uscc_confirmed_name = models.CharField(
        "核实时该代码已登记的名称", max_length=100, blank=True, editable=False
    )
    history = HistoricalRecords(verbose_name="账号申请变更记录")

    objects = AccountApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "账号开通申请"
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc", "kind"],
                condition=Q(status="pending"),
                name="one_pending_application_per_code",
            )
        ]

    def __str__(self):
        return f"{self.number} {self.unit_name}"

    review_authority = bureau_of("review_district")

    @property
    def uscc_holder(self):
        """The purchaser unit or social organization already registered with this code, or None."""
        return (
            PurchaserUnit.objects.filter(uscc=self.uscc).first()
            or SocialOrganization.objects.filter(uscc=self.uscc).first()
        )

    @property
    def uscc_held_under_another_name(self):
        """Twin of AccountApplication.objects.uscc_held_under_another_name()."""
        return any(
            model.objects.filter(uscc=self.uscc).exclude(name=self.unit_name).exists()
            for model in (PurchaserUnit, SocialOrganization)
        )

    def compute_review_district(self):
        if self.kind == self.Kind.PURCHASER:
            return None if self.unit_level == UnitLevel.CITY else self.district
        return None if self.registered_with_city else self.district


class LoginEvent(models.Model):
    """A successful or failed login of an account, so that its user sees the last successful login
    and the failed attempts since (issue #14). Written by accounts.signals; never edited."""

    class Kind(models.TextChoices):
        SUCCESS = "success", "登录成功"
        FAILURE = "failure", "密码错误"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_events", verbose_name="用户")
    kind = models.CharField("结果", max_length=10, choices=Kind.choices)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    method = models.CharField("方式", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录记录"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "kind", "-at"], name="login_event_user_kind_at")]

    def __str__(self):
        return f"{self.user} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
