"""Content findings (第十八条, R-SUP-3) and 失信记录 (第十七条, R-SUP-4)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import PurchaserUnit, SocialOrganization
from portal.models import District, author_fields, optional_link, protected_link, step_fields
from portal.workdays import add_working_days


class TargetType(models.TextChoices):
    DEMAND = "demand", "购买服务需求"
    OFFERING = "offering", "社会组织服务项目"
    ARTICLE = "article", "政策法规/公示公告"
    APPLICATION = "application", "推荐目录自荐申请"


class FindingKind(models.TextChoices):
    FALSE = "false", "虚假/夸大"
    SECRET = "secret", "涉密/隐私"
    OTHER = "other", "其他"


class FindingStatus(models.TextChoices):
    OPEN = "open", "待发布方答复"
    ANSWERED = "answered", "发布方已答复"
    CLOSED = "closed", "已办结"


class FindingResult(models.TextChoices):
    CONFIRMED = "confirmed", "属实"
    UNFOUNDED = "unfounded", "不属实"


class Finding(models.Model):
    """A problem the 内容监测员 found in a published record. It names the record by type and id
    and keeps a copy of its title; who published it and which authority supervises it are fixed
    when the finding is opened, so the finding's audience does not move if the record changes."""

    number = models.CharField("编号", max_length=20, unique=True, editable=False)
    target_type = models.CharField("监测对象类型", max_length=12, choices=TargetType.choices)
    target_id = models.PositiveIntegerField("监测对象编号")
    target_title = models.CharField("监测对象", max_length=200)
    organization = optional_link(SocialOrganization, "发布的社会组织", related_name="findings")
    unit = optional_link(PurchaserUnit, "发布的购买主体", related_name="findings")
    # The registration authority (R-SUP-3): the 区民政局 of the organization / unit / publisher,
    # or the city when empty.
    authority_district = optional_link(District, "登记管理机关")
    kind = models.CharField("问题类型", max_length=10, choices=FindingKind.choices)
    description = models.TextField("问题描述", max_length=2000)
    status = models.CharField(
        "状态", max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    opened_by, opened_at = author_fields("监测人", "发现时间")
    answer = models.TextField("发布方答复", max_length=2000, blank=True)
    answered_by, answered_at = step_fields("答复人", "答复时间")
    result = models.CharField("核查结论", max_length=10, choices=FindingResult.choices, blank=True)
    result_text = models.TextField("处理结果", max_length=2000, blank=True)
    closed_by, closed_at = step_fields("办结人", "办结时间")
    history = HistoricalRecords(verbose_name="内容监测变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "内容监测问题"
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="finding_target")]

    def __str__(self):
        return f"{self.number} {self.target_title}"

    @property
    def is_closed(self):
        return self.status == FindingStatus.CLOSED

    @property
    def answer_due(self):
        """The last day of the publisher's answer period: FINDING_ANSWER_WORKING_DAYS working days
        after the finding was opened (第十八条: the publisher is heard before a finding is confirmed)."""
        opened = timezone.localdate(self.opened_at) if self.opened_at else timezone.localdate()
        return add_working_days(opened, settings.FINDING_ANSWER_WORKING_DAYS)

    @property
    def may_be_confirmed(self):
        """属实 needs the publisher's answer or the end of its answer period."""
        if self.answer or settings.FINDING_ANSWER_WORKING_DAYS <= 0:
            return True
        return timezone.localdate() > self.answer_due


class CreditRecord(models.Model):
    """失信记录: a confirmed finding of false or exaggerated information (第十七条)."""

    organization = protected_link(SocialOrganization, "社会组织", related_name="credit_records")
    recorded_on = models.DateField("记录日期")
    finding = models.OneToOneField(
        Finding, on_delete=models.PROTECT, related_name="credit_record", verbose_name="监测问题"
    )
    record = models.TextField("失信情况", max_length=2000)
    created_by, created_at = author_fields("记录人", "记录时间")
    history = HistoricalRecords(verbose_name="失信记录变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "失信记录"
        ordering = ["-recorded_on", "-pk"]

    def __str__(self):
        return f"{self.organization} {self.recorded_on:%Y-%m-%d}"


class ReminderLog(models.Model):
    """One reminder delivered by the daily command: the record and what it lacked (`key`), and
    the day. The command skips a key logged within the last REMINDER_REPEAT_DAYS days."""

    key = models.CharField("提醒标识", max_length=120)
    sent_on = models.DateField("发送日期")
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "督办提醒记录"
        indexes = [models.Index(fields=["key", "sent_on"], name="reminder_key_day")]

    def __str__(self):
        return self.key
