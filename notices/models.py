"""政策法规, 公示公告, 资料下载, 友情链接 (第九条, R-NOT-1) and 留言区 (R-NOT-3)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from accounts.models import PurchaserUnit
from portal import confidentiality
from portal.models import District, new_record_number, optional_link, protected_link, step_fields, timestamps


class PublisherKind(models.TextChoices):
    CITY = "city", "市民政局"
    DISTRICT = "district", "区民政局"
    LINE = "line", "业务条线"


class ItemStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class Published(models.Model):
    """What every module item has: its publisher (the city, a district, or a purchaser's business
    line), its status and its dates; each is named by its `title`. Publishers edit only their own
    items; the city edits all."""

    publisher_kind = models.CharField("发布单位类型", max_length=10, choices=PublisherKind.choices)
    publisher_district = optional_link(District, "发布的区")
    publisher_unit = optional_link(PurchaserUnit, "发布的购买主体")
    publisher_name = models.CharField("发布单位", max_length=120)
    status = models.CharField("状态", max_length=10, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    publish_date = models.DateField("发布日期", null=True, blank=True)
    created_by = protected_link(settings.AUTH_USER_MODEL, "创建人", null=True)
    created_at, updated_at = timestamps()

    class Meta:
        abstract = True

    def __str__(self):
        return self.title


class Article(Published):
    """A 政策法规 or a 公示公告 item."""

    class Kind(models.TextChoices):
        POLICY = "policy", "政策法规"
        NOTICE = "notice", "公示公告"

    kind = models.CharField("栏目", max_length=10, choices=Kind.choices)
    title = models.CharField("标题", max_length=150)
    body = models.TextField("正文", help_text="可使用标题、段落、列表、链接和表格；其他格式会被去除。")
    history = HistoricalRecords(verbose_name="文章变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "政策法规和公示公告"
        ordering = ["-publish_date", "-pk"]
        indexes = [models.Index(fields=["kind", "status", "-publish_date"], name="article_kind_status_date")]

    def save(self, *args, **kwargs):
        # Whatever path a body comes by (form, shell, import), only the safe tags are stored.
        from .richtext import body_html

        self.body = body_html(self.body)
        super().save(*args, **kwargs)

    def clean(self):
        confidentiality.validate_fields(self, ("title", "body"))


class Attachment(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="attachments", verbose_name="文章"
    )
    file = models.FileField("文件", upload_to="notices/attachments/%Y/", max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    extension = models.CharField(max_length=8)

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class Download(Published):
    class Category(models.TextChoices):
        TEMPLATE = "template", "模板"
        TRAINING = "training", "培训资料"
        POLICY = "policy", "政策文件"
        OTHER = "other", "其他"

    title = models.CharField("标题", max_length=150)
    category = models.CharField("类别", max_length=10, choices=Category.choices)
    description = models.TextField("说明", max_length=1000, blank=True)
    file = models.FileField("文件", upload_to="notices/downloads/%Y/", max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    extension = models.CharField(max_length=8, blank=True)
    history = HistoricalRecords(verbose_name="资料变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "资料下载"
        ordering = ["-publish_date", "-pk"]

    def clean(self):
        confidentiality.validate_fields(self, ("title", "description"))


class Link(Published):
    title = models.CharField("网站名称", max_length=100)
    url = models.URLField("网址")
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    history = HistoricalRecords(verbose_name="友情链接变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "友情链接"
        ordering = ["sort_order", "pk"]


def new_message_number():
    return new_record_number("LY", 8)


class Message(models.Model):
    """留言区 (R-NOT-3): shown after an administrator approves it; the contact is never public."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已公开"
        REJECTED = "rejected", "不予公开"

    number = models.CharField(
        "留言编号", max_length=12, unique=True, default=new_message_number, editable=False
    )
    name = models.CharField("称呼", max_length=40, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    subject = models.CharField("主题", max_length=100)
    body = models.TextField("留言内容", max_length=2000)
    # The 区 the writer chose; empty: 全市/市级. The district's administrator moderates it, the city the
    # others (accounts.permissions: messages_moderated_by / can_moderate_message).
    district = optional_link(District, "所属区")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    reply = models.TextField("回复", max_length=2000, blank=True)
    replied_by, replied_at = step_fields("处理人", "处理时间")
    created_at = models.DateTimeField("留言时间", auto_now_add=True)
    history = HistoricalRecords(verbose_name="留言变更记录", excluded_fields=["contact"])

    class Meta:
        verbose_name = verbose_name_plural = "留言"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.number} {self.subject}"

    def clean(self):
        confidentiality.validate_fields(self, ("name", "subject", "body"), contact_fields=("contact",))
