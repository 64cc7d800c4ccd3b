"""站内信: what the platform tells a user (reminders, content findings, credit records).

Each notification is personal, kept (never deleted) and marked read when opened. A
`dedupe_key` makes a reminder idempotent: the same key is never delivered twice to the
same user, so the daily reminder command can run as often as cron likes."""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    REMINDER = "reminder", "督办提醒"
    FINDING = "finding", "内容监测"
    CREDIT = "credit", "信用记录"
    MATCHING = "matching", "供需对接"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name="收件人",
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    link = models.CharField("相关页面", max_length=300, blank=True)
    dedupe_key = models.CharField("去重标识", max_length=200, blank=True)
    created_at = models.DateTimeField("发送时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内信"
        verbose_name_plural = "站内信"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="inbox_recipient_read")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="inbox_unique_dedupe_key",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None
