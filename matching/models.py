"""承接意向 (issue 13 §5): an eligible organization says 有意承接 on a published, not yet awarded
demand; the purchaser marks it 已联系 or 不合适. The platform does no online procurement (第十四条):
no bids, no prices; the two sides meet offline. Never deleted; every step is in the history."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from accounts.models import SocialOrganization
from demands.models import Demand
from offerings.models import Offering


class InterestStatus(models.TextChoices):
    ACTIVE = "active", "有意承接"
    CONTACTED = "contacted", "已联系"
    UNSUITABLE = "unsuitable", "不合适"
    WITHDRAWN = "withdrawn", "已撤回"


class Interest(models.Model):
    demand = models.ForeignKey(
        Demand, on_delete=models.PROTECT, related_name="interests", verbose_name="需求"
    )
    organization = models.ForeignKey(
        SocialOrganization, on_delete=models.PROTECT, related_name="interests", verbose_name="社会组织"
    )
    offering = models.ForeignKey(
        Offering,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="相关服务项目",
    )
    note = models.TextField("说明", max_length=500, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=InterestStatus.choices, default=InterestStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="提交人"
    )
    created_at = models.DateTimeField("首次表达时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(verbose_name="承接意向变更记录", excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "承接意向"
        verbose_name_plural = "承接意向"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "organization"], name="one_interest_per_organization")
        ]

    def __str__(self):
        return f"{self.organization} → {self.demand}"


class SuggestionShown(models.Model):
    """Which organizations a demand's 可能合适的社会组织 block showed (issue 13 §7: “承接方曾被推荐”).
    Written when the block is computed, once per (demand, organization): the first time is kept."""

    demand = models.ForeignKey(
        Demand, on_delete=models.PROTECT, related_name="suggestions_shown", verbose_name="需求"
    )
    organization = models.ForeignKey(
        SocialOrganization, on_delete=models.PROTECT, related_name="+", verbose_name="社会组织"
    )
    first_shown_at = models.DateTimeField("首次推荐时间", auto_now_add=True)

    class Meta:
        verbose_name = "推荐记录"
        verbose_name_plural = "推荐记录"
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

    demand = models.ForeignKey(
        Demand, on_delete=models.PROTECT, related_name="questions", verbose_name="需求"
    )
    organization = models.ForeignKey(
        SocialOrganization, on_delete=models.PROTECT, related_name="+", verbose_name="提问社会组织"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="提问人"
    )
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
        verbose_name = "公开答疑"
        verbose_name_plural = "公开答疑"
        ordering = ["asked_at", "pk"]
        indexes = [models.Index(fields=["demand", "status"], name="question_demand_status")]

    def __str__(self):
        return f"{self.demand_id}：{self.text[:20]}"
