"""我要购买服务: a purchaser unit's demand (R-DEM-1…6)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.models import PurchaserUnit, SocialOrganization
from portal import confidentiality
from portal.models import (
    CONTACT_FIELDS,
    District,
    PurchaseType,
    SearchableRecord,
    Street,
    contact_fields,
    optional_link,
    protected_link,
    publishing_fields,
    searchable_history,
    subcategory_errors,
    subcategory_link,
    unique_when_filled,
)


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    CANCELLED = "cancelled", "已取消"
    AWARDED = "awarded", "已确定承接方"
    EVALUATED = "evaluated", "已评价"


# 有效需求: published and not cancelled (the headline figures of the home page and 数据概览).
LIVE_STATUSES = (Status.PUBLISHED, Status.AWARDED, Status.EVALUATED)
AWARD_STATUSES = (Status.AWARDED, Status.EVALUATED)


def public_q():
    """What the public may see: published demands and what became of them. A draft cancelled
    before it was ever published stays private. Twin: `Demand.is_public`."""
    return models.Q(status__in=LIVE_STATUSES) | models.Q(status=Status.CANCELLED, published_at__isnull=False)


def award_q():
    """An award: awarded or evaluated, with its awarded organization."""
    return models.Q(status__in=AWARD_STATUSES, awarded_org__isnull=False)


@dataclass(frozen=True)
class FollowUp:
    """What the purchaser records once the service reaches a day (R-DEM-5, R-SUP-1): a demand still
    in `status` is late with it when its `day_field` lies more than the `grace_setting` days back.
    The query (`overdue_q`) and the object (`is_overdue`) ask the same thing."""

    status: str
    day_field: str
    grace_setting: str

    def grace(self):
        return datetime.timedelta(days=getattr(settings, self.grace_setting))

    def cutoff(self, today=None):
        """Demands whose day falls before this one are late."""
        return (today or timezone.localdate()) - self.grace()

    def overdue_q(self, today=None):
        return models.Q(status=self.status, **{f"{self.day_field}__lt": self.cutoff(today)})

    def due(self, demand):
        return getattr(demand, self.day_field) + self.grace()

    def is_overdue(self, demand, today=None):
        return demand.status == self.status and getattr(demand, self.day_field) < self.cutoff(today)

    def accessors(self):
        """The object side on `Demand`, three attributes to assign in the model: the due day (a
        property), whether the demand is late on `today` (a method, the twin of `overdue_q`) and
        whether it is late now (a property):
        ``award_due, is_award_overdue, award_overdue = AWARD_FOLLOW_UP.accessors()``."""

        def is_late(demand, today=None):
            return self.is_overdue(demand, today)

        return property(self.due), is_late, property(is_late)


# The award: published, implementation started more than DEMAND_AWARD_GRACE_DAYS ago, no award yet.
AWARD_FOLLOW_UP = FollowUp(Status.PUBLISHED, "period_start", "DEMAND_AWARD_GRACE_DAYS")
# The evaluation: awarded, implementation ended more than DEMAND_EVALUATION_GRACE_DAYS ago.
EVALUATION_FOLLOW_UP = FollowUp(Status.AWARDED, "period_end", "DEMAND_EVALUATION_GRACE_DAYS")
award_overdue_q = AWARD_FOLLOW_UP.overdue_q
evaluation_overdue_q = EVALUATION_FOLLOW_UP.overdue_q


class DemandQuerySet(models.QuerySet):
    """The demand rules as queries; each has its object twin on `Demand` (tests/demands/test_rules.py)."""

    def public(self):
        return self.filter(public_q())

    def live(self):
        """有效需求 (twin: `is_live`)."""
        return self.filter(status__in=LIVE_STATUSES)

    def award_overdue(self, today=None):
        """Twin: `Demand.is_award_overdue(today)`."""
        return self.filter(award_overdue_q(today))

    def evaluation_overdue(self, today=None):
        """Twin: `Demand.is_evaluation_overdue(today)`."""
        return self.filter(evaluation_overdue_q(today))

    def incomplete(self, today=None):
        """R-SUP-1: demands maintained here that lack their award or evaluation in time (imported ones
        are completed on their source platform). Twin: `Demand.missing_information(today)`."""
        return self.filter(award_overdue_q(today) | evaluation_overdue_q(today), source=PLATFORM_SOURCE)


class Orientation(models.TextChoices):
    PRIORITY = "priority", "优先面向社会组织"
    OPEN = "open", "不限制社会组织参与"


class PlanType(models.TextChoices):
    ANNUAL = "annual", "年度计划项目"
    ADDED = "added", "年度新增项目"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


PLATFORM_SOURCE = "本平台"
SCORE_RANGE_MESSAGE = "绩效评价得分应在 0～100 之间。"
# What the award (确定承接方) and the evaluation record, in the order a change lists them.
AWARD_FIELDS = ("awarded_org", "award_amount", "awarded_on")
EVALUATION_FIELDS = ("eval_grade", "eval_score", "eval_summary", "evaluated_on")


def grade_for_score(score):
    """The grade a score earns by the table of settings.DEMAND_GRADE_MIN_SCORES (R-DEM-4)."""
    for grade, minimum in settings.DEMAND_GRADE_MIN_SCORES.items():
        if score >= Decimal(str(minimum)):
            return grade
    return Grade.FAIL


def grade_rule_text():
    """“优秀 ≥ 90 分，良好 ≥ 80 分，合格 ≥ 60 分，其余为不合格”, for help texts and messages."""
    parts = [f"{Grade(g).label} ≥ {m} 分" for g, m in settings.DEMAND_GRADE_MIN_SCORES.items()]
    return "，".join(parts) + "，其余为不合格"


def threshold():
    return Decimal(str(getattr(settings, "PROCUREMENT_THRESHOLD_YUAN", 1_000_000)))


class Demand(SearchableRecord):
    # R-DEM-1 fields
    title = models.CharField("项目名称", max_length=100)
    budget = models.DecimalField("项目预算（元）", max_digits=14, decimal_places=2)
    category = subcategory_link(related_name="demands")
    purchase_type = protected_link(PurchaseType, "购买服务类型", related_name="demands")
    service_targets = models.CharField("服务对象", max_length=200)
    district = protected_link(District, "服务区域", related_name="demands")
    street = optional_link(Street, "服务街镇", related_name="demands")
    period_start = models.DateField("实施开始日期")
    period_end = models.DateField("实施结束日期")
    contact_person, contact_phone, contact_email = contact_fields()
    qualification = models.TextField("对社会组织的资质和条件要求", max_length=2000)
    other_info = models.TextField("其他信息", max_length=2000, blank=True)
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2015), MaxValueValidator(2100)]
    )
    plan_type = models.CharField("项目性质", max_length=10, choices=PlanType.choices, default=PlanType.ANNUAL)
    budget_approved_on = models.DateField("预算批复日期", null=True, blank=True)
    orientation = models.CharField(
        "面向社会组织方式", max_length=10, choices=Orientation.choices, default=Orientation.PRIORITY
    )

    # Ownership, source and lifecycle
    unit = protected_link(PurchaserUnit, "购买主体", related_name="demands")
    source = models.CharField("信息来源", max_length=60, default=PLATFORM_SOURCE)
    external_id = models.CharField("来源系统编号", max_length=60, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by, created_at, updated_at, published_at = publishing_fields()
    adjusted_at = models.DateTimeField("最近调整时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    cancel_reason = models.TextField("取消原因", blank=True)
    awarded_org = optional_link(SocialOrganization, "承接社会组织", related_name="awarded_demands")
    award_amount = models.DecimalField(
        "成交金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    awarded_on = models.DateField("确定承接日期", null=True, blank=True)
    awarded_at = models.DateTimeField("承接信息录入时间", null=True, blank=True)
    eval_grade = models.CharField("绩效评价等级", max_length=10, choices=Grade.choices, blank=True)
    eval_score = models.DecimalField(
        "绩效评价得分",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, message=SCORE_RANGE_MESSAGE),
            MaxValueValidator(100, message=SCORE_RANGE_MESSAGE),
        ],
    )
    eval_summary = models.TextField("评价摘要", max_length=2000, blank=True)
    evaluated_on = models.DateField("评价日期", null=True, blank=True)
    evaluated_at = models.DateTimeField("评价信息录入时间", null=True, blank=True)

    search_tokens = models.TextField(editable=False, blank=True, default="")

    history = searchable_history("购买需求变更记录")

    SEARCH_FIELDS = ("title", "service_targets", "qualification", "other_info")
    # Names a search word may also be found in (issue 13): the purchaser unit, its district and 街镇,
    # the demand's own 服务区域 and 街镇, and the awarded organization.
    SEARCH_NAMES = (
        "unit__name",
        "unit__district__name",
        "unit__street__name",
        "district__name",
        "street__name",
        "awarded_org__name",
    )
    # What the purchaser fills in (form, Excel row) and what a demand's history compares.
    EDITABLE_FIELDS = (
        "title",
        "budget",
        "category",
        "purchase_type",
        "orientation",
        "service_targets",
        "district",
        "street",
        "period_start",
        "period_end",
        "year",
        "plan_type",
        "budget_approved_on",
        "qualification",
        "other_info",
        *CONTACT_FIELDS,
    )

    objects = DemandQuerySet.as_manager()

    class Meta(SearchableRecord.Meta):
        verbose_name = verbose_name_plural = "购买服务需求"
        indexes = [
            *SearchableRecord.Meta.indexes,
            # The statistics (dashboard/figures/demand_tables.py) group a year's demands four ways:
            # every column they read is in this index, so PostgreSQL answers them without reading
            # the table (SQLite ignores INCLUDE and keeps the three key columns).
            models.Index(
                fields=["year", "category", "status"],
                include=[
                    "id",  # COUNT(id)
                    "budget",
                    "award_amount",
                    "unit",
                    "district",
                    "street",
                    "awarded_org",
                    "source",
                    "eval_grade",
                    "eval_score",
                    "published_at",
                ],
                name="demand_year_dashboard",
            ),
            # 可能合适的社会组织 (matching/ranking.py): a category's awards by organization and grade,
            # answered from the index alone (all key columns: SQLite has no INCLUDE).
            models.Index(
                fields=["category", "status", "awarded_org", "eval_grade"], name="demand_category_awards"
            ),
            # The same, the awards only and in organization order: PostgreSQL counts them per
            # organization as it reads them (a GroupAggregate) instead of hashing 88,000 rows for the
            # largest category at 1,000,000 demands (bench/README.md, 2026-12-07).
            models.Index(
                fields=["category", "awarded_org", "eval_grade"],
                condition=award_q(),
                name="demand_category_award_org",
            ),
            # The listing's district + category filter (issue 15): its capped count and the ids of its page
            # from the index alone on PostgreSQL (INCLUDE; a plain two-column index on SQLite, no INCLUDE).
            models.Index(
                fields=["district", "category"],
                include=["status", "published_at", "id"],
                name="demand_district_category",
            ),
            # The public demands newest first, without the drafts (no date, first in a descending walk):
            # a relevance page walks it twice, title hits and the rest, and stops at the page's end
            # (portal.listing.first_where). At 1,000,000 demands each walk passed 20,000 drafts first.
            models.Index(fields=["-published_at", "-id"], condition=public_q(), name="demand_public_newest"),
        ]
        constraints = [unique_when_filled(["source", "external_id"], name="demand_unique_external_id")]

    # --- rules that depend only on this row (R-DEM-2, R-DEM-5) ---------------------------

    def clean(self):
        errors = {}
        if self.budget is not None:
            if self.budget <= 0:
                errors["budget"] = "项目预算必须大于 0 元。"
            elif self.budget >= threshold():
                errors["budget"] = (
                    f"项目预算 {self.budget:,.2f} 元已达到政府采购限额标准（{threshold():,.0f} 元），"
                    "不属于本平台发布范围（《管理和使用办法》第四条(一)：平台发布政府采购限额以下的项目）。"
                )
        if self.purchase_type_id and not self.purchase_type.allowed:
            errors["purchase_type"] = (
                f"“{self.purchase_type.name}”不在本平台发布范围：{self.purchase_type.note or '第四条(一)'}。"
            )
        errors.update(subcategory_errors(self))
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = "实施结束日期不能早于开始日期。"
        if self.street_id and self.district_id and self.street.district_id != self.district_id:
            errors["street"] = "所选街镇不属于所选的服务区域。"
        if self.plan_type == PlanType.ADDED and not self.budget_approved_on:
            errors["budget_approved_on"] = "年度新增项目须填写预算批复日期（应在批复后20日内发布）。"
        if self.budget_approved_on and self.year and abs(self.budget_approved_on.year - self.year) > 1:
            errors["budget_approved_on"] = "预算批复日期与项目年度相差过大，请核对。"
        errors.update(self._evaluation_errors())
        errors.update(
            confidentiality.check_fields(
                self,
                ("title", "service_targets", "qualification", "other_info"),
                contact_fields=CONTACT_FIELDS,
            )
        )
        if errors:
            raise ValidationError(errors)

    def _evaluation_errors(self):
        """绩效评价 (R-DEM-4): the one rule for the form, the Excel import and the data link. Only an
        awarded demand whose service has started (or ended, by setting) is evaluated, not before the
        award; the grade follows from the score (filled in when left blank, refused when it differs)."""
        if self.status != Status.EVALUATED and not any(getattr(self, f) for f in EVALUATION_FIELDS):
            return {}
        errors = {}
        if not self.awarded_org_id or not self.awarded_on:
            errors["awarded_org"] = "只有已确定承接方的需求才能录入绩效评价。"
        for name, label in (
            ("eval_score", "绩效评价得分"),
            ("eval_summary", "评价摘要"),
            ("evaluated_on", "评价日期"),
        ):
            value = getattr(self, name)
            if value is None or (isinstance(value, str) and not value.strip()):
                errors[name] = f"请填写{label}。"
        day = self.evaluated_on
        if day and self.awarded_on and day < self.awarded_on:
            errors["evaluated_on"] = f"评价日期不能早于确定承接日期（{self.awarded_on:%Y-%m-%d}）。"
        elif day and settings.DEMAND_EVALUATION_AFTER_END and self.period_end and day <= self.period_end:
            errors["evaluated_on"] = (
                f"服务尚未结束（实施结束日期 {self.period_end:%Y-%m-%d}），结束后才能录入绩效评价。"
            )
        elif day and self.period_start and day < self.period_start:
            errors["evaluated_on"] = (
                f"服务尚未开始（实施开始日期 {self.period_start:%Y-%m-%d}），评价日期不能早于实施开始日期。"
            )
        score = self.eval_score
        if isinstance(score, Decimal) and 0 <= score <= 100:
            earned = grade_for_score(score)
            if not self.eval_grade:
                self.eval_grade = earned
            elif self.eval_grade != earned:
                errors["eval_grade"] = (
                    f"{score.normalize():f} 分对应的等级是“{Grade(earned).label}”，与所填的“{self.get_eval_grade_display()}”"
                    f"不符（{grade_rule_text()}）。"
                )
        return errors

    # --- deadlines (R-DEM-5) ----------------------------------------------------------------

    @property
    def publish_deadline(self):
        """Planned projects by 30 April of their year; added ones within 20 days of budget approval."""
        if self.plan_type == PlanType.ADDED:
            if not self.budget_approved_on:
                return None
            return self.budget_approved_on + datetime.timedelta(days=settings.DEMAND_ADDED_PUBLISH_DAYS)
        return datetime.date(self.year, 4, 30)

    @property
    def published_on(self):
        return timezone.localdate(self.published_at) if self.published_at else None

    @property
    def published_on_time(self):
        """True/False once published; None while not published yet."""
        deadline = self.publish_deadline
        if self.published_on is None or deadline is None:
            return None
        return self.published_on <= deadline

    @property
    def publish_overdue(self):
        deadline = self.publish_deadline
        return self.status == Status.DRAFT and deadline is not None and timezone.localdate() > deadline

    # `is_award_overdue(today)` is the twin of `Demand.objects.award_overdue(today)`, and
    # `is_evaluation_overdue(today)` of `Demand.objects.evaluation_overdue(today)`.
    award_due, is_award_overdue, award_overdue = AWARD_FOLLOW_UP.accessors()
    evaluation_due, is_evaluation_overdue, evaluation_overdue = EVALUATION_FOLLOW_UP.accessors()

    def missing_information(self, today=None):
        """What the demand still lacks, in Chinese; empty when complete (R-SUP-1). Twin:
        `Demand.objects.incomplete(today)`."""
        if not self.from_platform:  # maintained on its source platform (R-INT-1)
            return []
        missing = []
        if self.is_award_overdue(today):
            missing.append("实施已开始，未补录承接社会组织")
        if self.is_evaluation_overdue(today):
            missing.append("实施期限已结束，未补录绩效评价结果")
        return missing

    @property
    def deadline_flags(self):
        """Short Chinese labels for the purchaser's list and the detail page."""
        flags = []
        if self.published_on_time is True:
            flags.append(("ok", "按时发布"))
        elif self.published_on_time is False:
            flags.append(("late", f"逾期发布（应于 {self.publish_deadline:%Y-%m-%d} 前）"))
        elif self.publish_overdue:
            flags.append(("late", f"已超过发布期限（{self.publish_deadline:%Y-%m-%d}）"))
        if self.award_overdue:
            flags.append(("late", f"承接信息逾期未补录（应于 {self.award_due:%Y-%m-%d} 前）"))
        if self.evaluation_overdue:
            flags.append(("late", f"绩效评价逾期未补录（应于 {self.evaluation_due:%Y-%m-%d} 前）"))
        return flags

    @property
    def is_public(self):
        """Twin: `public_q()` / `Demand.objects.public()`."""
        if self.status == Status.CANCELLED:
            return self.published_at is not None
        return self.status in LIVE_STATUSES

    @property
    def is_live(self):
        """有效需求; twin: `Demand.objects.live()`."""
        return self.status in LIVE_STATUSES

    @property
    def from_platform(self):
        return self.source == PLATFORM_SOURCE
