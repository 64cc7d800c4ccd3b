"""站内信: what the platform tells a user (reminders, content findings, credit records).

Each notification is personal, kept (never deleted) and marked read when opened. A
`dedupe_key` makes a reminder idempotent: the same key is never delivered twice to the
same user, so the daily reminder command can run as often as cron likes."""

from django.db import models

from portal.models import unique_when_filled, user_field


class Kind(models.TextChoices):
    REMINDER = "reminder", "督办提醒"
    FINDING = "finding", "内容监测"
    CREDIT = "credit", "信用记录"
    DIRECTORY = "directory", "推荐目录"
    ACCOUNT = "account", "账号"
    MESSAGE = "message", "留言"
    MATCHING = "matching", "供需对接"


class Notification(models.Model):
    recipient = user_field("收件人", required=True, related_name="notifications")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    link = models.CharField("相关页面", max_length=300, blank=True)
    dedupe_key = models.CharField("去重标识", max_length=200, blank=True)
    created_at = models.DateTimeField("发送时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内信"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="inbox_recipient_read")]
        constraints = [unique_when_filled(["recipient", "dedupe_key"], name="inbox_unique_dedupe_key")]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None


class OutgoingEmail(models.Model):
    """The outbox (issue 16): every e-mail the platform sends is first a row here, written in the same
    transaction as the change that caused it (`inbox.mail.OutboxBackend` is Django's EMAIL_BACKEND), and
    then delivered by a task with retries and backoff. Nothing is lost while the mail server or the
    worker is down; a message that keeps failing is shown to the city administrator (admin site)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "多次发送失败"

    subject = models.CharField("主题", max_length=300)
    body = models.TextField("正文")
    html_body = models.TextField("HTML 正文", blank=True)
    from_email = models.CharField("发件人", max_length=300, blank=True)
    to = models.JSONField("收件人", default=list)
    cc = models.JSONField("抄送", default=list, blank=True)
    bcc = models.JSONField("密送", default=list, blank=True)
    reply_to = models.JSONField("回复地址", default=list, blank=True)
    headers = models.JSONField("邮件头", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近一次错误", max_length=200, blank=True)
    next_attempt_at = models.DateTimeField("下次尝试时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "待发邮件"
        verbose_name_plural = "邮件发送队列"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return self.subject
