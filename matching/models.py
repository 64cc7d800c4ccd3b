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
