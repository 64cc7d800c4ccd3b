"""承接意向 (issue 13 §5): an eligible organization says 有意承接 on a published, not yet awarded
demand; the purchaser marks it 已联系 or 不合适. The platform does no online procurement (第十四条):
no bids, no prices; the two sides meet offline. Never deleted; every step is in the history."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from accounts.models import SocialOrganization
from demands.models import Demand
from offerings.models import Offering
from portal.models import author_fields, optional_link, protected_link, timestamps, user_field


class InterestStatus(models.TextChoices):
    ACTIVE = "active", "有意承接"
    CONTACTED = "contacted", "已联系"
    UNSUITABLE = "unsuitable", "不合适"
    WITHDRAWN = "withdrawn", "已撤回"


class Interest(models.Model):
    demand = protected_link(Demand, "需求", related_name="interests")
    organization = protected_link(SocialOrganization, "社会组织", related_name="interests")
    offering = optional_link(Offering, "相关服务项目")
    note = models.TextField("说明", max_length=500, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=InterestStatus.choices, default=InterestStatus.ACTIVE
    )
    created_by, created_at = author_fields("提交人", "首次表达时间")
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(verbose_name="承接意向变更记录", excluded_fields=["updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "承接意向"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "organization"], name="one_interest_per_organization")
        ]

    def __str__(self):
        return f"{self.organization} → {self.demand}"


# --- 订阅 (issue 13 §4) -------------------------------------------------------------------------


class SubscriptionKind(models.TextChoices):
    """What a subscription follows: an organization follows demands, a purchaser follows offers."""

    DEMANDS = "demands", "购买服务需求"
    OFFERINGS = "offerings", "服务项目"


class Subscription(models.Model):
    """A saved search of the demand or offer listing (`q` and the listing's filters, as the listing's
    FilterSet reads them). The user's own setting: renamed, paused or deleted at will. New matching
    public records reach the user once a day (matching/digest.py); the feed token opens a private
    Atom feed without login and is revoked by replacing it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions", verbose_name="用户"
    )
    kind = models.CharField("订阅内容", max_length=10, choices=SubscriptionKind.choices)
    name = models.CharField("订阅名称", max_length=50)
    q = models.CharField("关键词", max_length=50, blank=True)
    filters = models.JSONField("筛选条件", default=dict, blank=True)  # {filter name: [values]}
    is_active = models.BooleanField("推送站内信和邮件", default=True)
    is_default = models.BooleanField("按本组织服务项目自动创建", default=False)
    since = models.DateTimeField("推送此时间之后发布的信息")
    feed_token = models.CharField("订阅源令牌", max_length=64, unique=True)
    created_at, updated_at = timestamps()

    class Meta:
        verbose_name = verbose_name_plural = "订阅"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["is_active", "user"], name="subscription_active_user")]

    def __str__(self):
        return self.name


class SubscriptionDelivery(models.Model):
    """A record told to a user by the daily digest: the unique key makes the digest idempotent (a record
    is never sent twice to the same user, whichever of its subscriptions found it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=SubscriptionKind.choices)
    record_id = models.BigIntegerField()
    subscription = models.ForeignKey(
        Subscription, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    delivered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "订阅推送记录"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "record_id"], name="subscription_delivered_once")
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.record_id}"


class SubscriptionStart(models.Model):
    """An organization account received its initial subscription (the categories and areas of its
    published offers). Kept when the user turns that subscription off or deletes it, so it is never
    created again."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "初始订阅记录"

    def __str__(self):
        return str(self.user_id)


class SuggestionShown(models.Model):
    """Which organizations a demand's 可能合适的社会组织 block showed (issue 13 §7: “承接方曾被推荐”).
    Written when the block is computed, once per (demand, organization): the first time is kept."""

    demand = protected_link(Demand, "需求", related_name="suggestions_shown")
    organization = protected_link(SocialOrganization, "社会组织")
    first_shown_at = models.DateTimeField("首次推荐时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "推荐记录"
        constraints = [
            models.UniqueConstraint(fields=["demand", "organization"], name="one_suggestion_record_per_pair")
        ]

    def __str__(self):
        return f"{self.demand_id} → {self.organization_id}"


class QuestionStatus(models.TextChoices):
    PENDING = "pending", "待答复"
    ANSWERED = "answered", "已答复"
    DECLINED = "declined", "不予答复"
    WITHDRAWN = "withdrawn", "已撤回"


class Question(models.Model):
    """公开答疑 (issue 13 §6): an organization asks on a published demand, the purchaser answers.
    The question and its answer are public; who asked is never shown (only the history keeps it).
    A declined question's reason is for the asking organization only."""

    demand = protected_link(Demand, "需求", related_name="questions")
    organization = protected_link(SocialOrganization, "提问社会组织")
    asked_by = user_field("提问人", required=True)
    text = models.TextField("问题", max_length=500)
    status = models.CharField(
        "状态", max_length=12, choices=QuestionStatus.choices, default=QuestionStatus.PENDING
    )
    answer = models.TextField("答复", max_length=1000, blank=True)
    decline_reason = models.TextField("不予答复的原因", max_length=300, blank=True)
    asked_at = models.DateTimeField("提问时间", auto_now_add=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    history = HistoricalRecords(verbose_name="公开答疑变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "公开答疑"
        ordering = ["asked_at", "pk"]
        indexes = [models.Index(fields=["demand", "status"], name="question_demand_status")]

    def __str__(self):
        return f"{self.demand_id}：{self.text[:20]}"


# --- 可能合适的社会组织: what the ranking counts, per category and organization -----------------------


class OrganizationTally(models.Model):
    """What the ranking (matching/ranking.py) reads of an organization's offers and awards in one
    category: its published offers, whether one of them serves the whole city, the service areas they
    name, its awards and their best grade. Written by the database alone (triggers on the offers and
    the demands, matching/tallies.py), so every write path keeps it equal to counting the rows:
    forms, imports, the admin site, COPY. A pair with no published offer and no award has no row."""

    category = models.ForeignKey(
        "portal.Category", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    organization = models.ForeignKey(
        SocialOrganization, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    offers = models.IntegerField("已发布服务项目数")
    citywide = models.BooleanField("有服务全市的项目")
    # The district codes the published offers name, comma-joined (matching/tallies.py `_codes`): a
    # district code (no comma in it) is in this text exactly when it is in one of theirs.
    area_codes = models.TextField("服务区域（区划代码）", blank=True)
    awards = models.IntegerField("承接项目数")
    best = models.SmallIntegerField("最佳评价（GRADE_ORDER 中的位置）", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "对接计数（按类别、社会组织）"
        constraints = [
            # The ranking reads a category's rows from this index alone on PostgreSQL (INCLUDE; SQLite
            # keeps the two key columns): 18,000 of them for the largest category at 1,000,000 demands,
            # wherever the triggers' writes have put them in the table.
            models.UniqueConstraint(
                fields=["category", "organization"],
                include=["offers", "citywide", "area_codes", "awards", "best"],
                name="matching_tally_pair",
            ),
        ]

    def __str__(self):
        return f"{self.organization_id} / {self.category_id}"
