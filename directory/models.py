"""推荐目录: the annual recommended directory (R-DIR-1…5, 第十五条)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import PurchaserUnit, SocialOrganization, eligible_q
from demands.models import Demand
from offerings.models import Offering
from portal.models import District, author_fields, bureau_of, optional_link, protected_link, user_field


class EditionStatus(models.TextChoices):
    PREPARING = "preparing", "筹备中"
    COLLECTING = "collecting", "征集中"
    REVIEWING = "reviewing", "审核中"
    PUBLISHED = "published", "已发布"


class Edition(models.Model):
    year = models.PositiveSmallIntegerField("年度", unique=True)
    title = models.CharField("名称", max_length=100, blank=True)
    starts_on = models.DateField("征集开始日期")
    deadline = models.DateField("征集截止日期", help_text="截止日当天24时前可以提交。")
    requirements = models.TextField("征集要求")
    notice_url = models.URLField("征集通知链接", blank=True, help_text="公布本次征集的通知（公示公告）地址。")
    status = models.CharField(
        "状态", max_length=12, choices=EditionStatus.choices, default=EditionStatus.PREPARING
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords(verbose_name="推荐目录变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "推荐目录（年度）"
        ordering = ["-year"]

    def __str__(self):
        return self.display_title

    def save(self, *args, **kwargs):
        if not self.title:
            self.title = f"{self.year}年度上海市承接政府购买服务社会组织推荐目录"
        super().save(*args, **kwargs)

    @property
    def display_title(self):
        return self.title or f"{self.year}年度上海市承接政府购买服务社会组织推荐目录"

    @property
    def accepting(self):
        """Open for submissions: collecting, started, and the deadline day not yet over (Shanghai time)."""
        today = timezone.localdate()
        return self.status == EditionStatus.COLLECTING and self.starts_on <= today <= self.deadline


class AppStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    DISTRICT = "district", "待区民政局审核"
    RETURNED = "returned", "已退回修改"
    CITY = "city", "待市民政局审核"
    APPROVED = "approved", "已入选"
    REJECTED = "rejected", "未入选"
    REMOVED = "removed", "已移出目录"


WAITING_STATUSES = (AppStatus.DISTRICT, AppStatus.CITY)


class ApplicationQuerySet(models.QuerySet):
    def published_members(self):
        """推荐目录成员 of every published edition: approved applications whose organization is
        still eligible (one on the 严重失信名单, or whose registration was revoked, is not shown as a
        member while that lasts, R-SUB-3). One removed from a published edition by the city is no longer
        approved (AppStatus.REMOVED) and so no member either. Twin: `Application.is_member`."""
        return self.filter(
            eligible_q("organization__"), edition__status=EditionStatus.PUBLISHED, status=AppStatus.APPROVED
        )

    def members(self, edition=None):
        """The members of `edition`, or of the latest published edition when None (the 推荐目录 marks of
        the listings and the home page)."""
        if edition is None:
            latest = Edition.objects.filter(status=EditionStatus.PUBLISHED).order_by("-year").values("pk")[:1]
            return self.published_members().filter(edition=models.Subquery(latest))
        return self.published_members().filter(edition=edition)


def form_upload_path(instance, filename):
    return f"directory/forms/{uuid.uuid4().hex}{instance.form_extension}"


class Application(models.Model):
    """A self-recommendation (R-DIR-2): one per organization and edition."""

    edition = protected_link(Edition, "年度", related_name="applications")
    organization = protected_link(SocialOrganization, "社会组织", related_name="directory_applications")
    evidence = models.ManyToManyField(Offering, related_name="+", verbose_name="佐证项目")
    statement = models.TextField("自荐说明", max_length=2000, blank=True)
    recommendation_form = models.FileField(
        "购买主体推荐意见表", upload_to=form_upload_path, max_length=200, blank=True
    )
    form_original_name = models.CharField("原文件名", max_length=200, blank=True)
    form_extension = models.CharField(max_length=8, blank=True)
    status = models.CharField("状态", max_length=12, choices=AppStatus.choices, default=AppStatus.DRAFT)
    # Who reviews first: the 区民政局 that registered the organization, or the city when empty.
    review_district = optional_link(District, "初审单位")
    created_by = protected_link(settings.AUTH_USER_MODEL, "创建人", null=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("市民政局决定时间", null=True, blank=True)
    # 移出已发布的目录 (issue 18): by the city, with a reason; the row stays and the public page says so.
    removed_at = models.DateTimeField("移出目录时间", null=True, blank=True)
    removal_reason = models.TextField("移出原因", max_length=1000, blank=True)
    removed_by = user_field("移出操作人")
    history = HistoricalRecords(verbose_name="自荐申请变更记录", m2m_fields=[evidence])

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "自荐申请"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "organization"], name="one_application_per_edition")
        ]
        indexes = [
            # The members of an edition (`ApplicationQuerySet.members`: its approved applications) from
            # this index alone (PostgreSQL), in the order of their decision: the home page's newest six
            # are the first eligible ones of a backward walk (issue 15: 2,481 buffers read at city scale
            # to sort all 1,210 members of 2025, 28 with it); the 推荐目录 page's count and ids skip the
            # table's rows.
            models.Index(
                fields=["edition", "status", "decided_at", "id"],
                include=["organization"],
                name="application_members_cover",
            ),
        ]

    def __str__(self):
        return f"{self.organization}（{self.edition.year}年度）"

    review_authority = bureau_of("review_district")

    @property
    def is_member(self):
        """Twin: `Application.objects.published_members()`."""
        return (
            self.status == AppStatus.APPROVED
            and self.edition.status == EditionStatus.PUBLISHED
            and self.organization.is_eligible
        )


class ReviewStep(models.Model):
    """Who did what to an application, when, with which opinion (R-DIR-3). Never changed."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "提交"
        PASS = "pass", "区民政局审核通过并报送市民政局"
        RETURN = "return", "退回修改"
        APPROVE = "approve", "市民政局审核通过（入选）"
        REJECT = "reject", "市民政局审核不通过"
        REMOVE = "remove", "市民政局移出已发布的目录"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    opinion = models.TextField("意见", blank=True)
    by = user_field("操作人", required=True)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "审核记录"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()}（{self.at:%Y-%m-%d}）"


class PurchaserRecommendation(models.Model):
    """A purchaser recommends the organization that performed well on one of its demands (R-DIR-5)."""

    demand = models.OneToOneField(
        Demand, on_delete=models.PROTECT, related_name="recommendation", verbose_name="项目"
    )
    organization = protected_link(SocialOrganization, "社会组织", related_name="purchaser_recommendations")
    unit = protected_link(PurchaserUnit, "购买主体")
    reason = models.TextField("推荐理由", max_length=1000)
    by, at = author_fields("推荐人", "推荐时间")
    history = HistoricalRecords(verbose_name="购买主体推荐变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "购买主体推荐"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.unit} 推荐 {self.organization}"
