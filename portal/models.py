"""Reference data shared by every app: districts, 街镇, 项目类别, purchase types.

Loaded by data migrations from `portal/data/*.csv`; administrators may edit rows later,
so code depends on a row only through its `code`.
"""

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from . import search


def protected_link(to, verbose_name, related_name="+", **options):
    """A link from a record to a row that cannot be deleted while the record names it (PROTECT),
    with no reverse accessor unless `related_name` gives one."""
    return models.ForeignKey(
        to, on_delete=models.PROTECT, related_name=related_name, verbose_name=verbose_name, **options
    )


def optional_link(to, verbose_name, related_name="+", **options):
    """A `protected_link` that may be left empty."""
    return protected_link(to, verbose_name, related_name, null=True, blank=True, **options)


def user_field(verbose_name, *, required=False, **options):
    """A link to the user who did something to a record (a user so linked cannot be deleted);
    optional unless `required`."""
    link = protected_link if required else optional_link
    return link(settings.AUTH_USER_MODEL, verbose_name, **options)


def author_fields(by, at):
    """Who made a record (a required user) and when (set once, on creation), as two fields to assign
    where they stand in the model: ``created_by, created_at = author_fields("记录人", "记录时间")``."""
    return user_field(by, required=True), models.DateTimeField(at, auto_now_add=True)


def step_fields(by, at, **options):
    """Who took a later step on a record (审核, 答复, 办结) and when, both empty until then, as two
    fields to assign where they stand: ``closed_by, closed_at = step_fields("办结人", "办结时间")``."""
    return user_field(by, **options), models.DateTimeField(at, null=True, blank=True, **options)


def new_record_number(prefix, length):
    """A number a record is quoted by (申请编号, 留言编号): `prefix` and `length` random letters and
    digits, without the I, O, S, V and Z that are misread (the alphabet of 统一社会信用代码)."""
    return prefix + "".join(secrets.choice("ABCDEFGHJKLMNPQRTUWXY0123456789") for _ in range(length))


class District(models.Model):
    code = models.CharField("区划代码", max_length=6, unique=True, help_text="GB/T 2260 六位代码")
    name = models.CharField("区名", max_length=20, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "区"
        ordering = ["code"]

    def __str__(self):
        return self.name


def civil_affairs_bureau(district):
    """The 民政局 of `district`: a 区民政局, or the city's when None."""
    return f"{district.name}民政局" if district is not None else "上海市民政局"


def bureau_of(district_field):
    """A read-only property naming the 民政局 of the district in `district_field` (the city's when it is
    empty): ``review_authority = bureau_of("review_district")``."""
    return property(lambda record: civil_affairs_bureau(getattr(record, district_field)))


class Street(models.Model):
    """A 街道, 镇 or 乡 of one district (managed in the admin site)."""

    class Kind(models.TextChoices):
        SUBDISTRICT = "subdistrict", "街道"
        TOWN = "town", "镇"
        TOWNSHIP = "township", "乡"

    district = protected_link(District, "所属区", related_name="streets")
    name = models.CharField("街镇名称", max_length=40)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.SUBDISTRICT)
    is_active = models.BooleanField("启用", default=True)
    history = HistoricalRecords(verbose_name="街镇变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "街镇"
        ordering = ["district__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="street_unique_per_district")
        ]

    def __str__(self):
        return f"{self.district.name}{self.name}" if self.district_id else self.name


class Category(models.Model):
    """项目类别, two levels: 13 service areas and their sub-areas."""

    code = models.CharField("类别代码", max_length=8, unique=True)
    name = models.CharField("类别名称", max_length=40)
    parent = optional_link("self", "上级类别", related_name="children")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "项目类别"
        ordering = ["code"]

    def __str__(self):
        if self.parent_id:
            return f"{self.parent.name} / {self.name}"
        return self.name

    @property
    def level(self):
        return 2 if self.parent_id else 1


def subcategory_link(related_name):
    """The 项目类别 of a demand or an offer: a second-level category (the form offers no other)."""
    return protected_link(
        Category, "项目类别", related_name=related_name, limit_choices_to={"parent__isnull": False}
    )


SUBCATEGORY_NEEDED = "请选择具体的二级项目类别。"


def subcategory_errors(record):
    """The same rule for a record that reaches `clean()` without the form (Excel row, data link)."""
    if record.category_id and record.category.parent_id is None:
        return {"category": SUBCATEGORY_NEEDED}
    return {}


def unique_when_filled(fields, name):
    """No two rows share `fields` once the last of them is filled in; rows that leave it empty may."""
    return models.UniqueConstraint(fields=fields, condition=~models.Q(**{fields[-1]: ""}), name=name)


class PurchaseType(models.Model):
    """First level of the 指导性目录. `allowed=False` types are outside the platform (第四条(一))."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40)
    allowed = models.BooleanField("可在平台发布", default=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "购买服务类型"
        ordering = ["pk"]

    def __str__(self):
        return self.name


def import_upload_path(instance, filename):
    return f"imports/{instance.kind}/{instance.pk}.xlsx"


class SearchableRecord(models.Model):
    """A demand or an offer: named by its title, saved with the search words of its `SEARCH_FIELDS`
    in `search_tokens` (portal/search.py), listed newest published first. No fields of its own: the
    model gives `title`, `status`, `search_tokens` and the `publishing_fields()`. A model's own Meta
    extends this one (``class Meta(SearchableRecord.Meta)``, ``indexes = [*SearchableRecord.Meta.indexes, …]``)."""

    class Meta:
        abstract = True
        ordering = ["-published_at", "-pk"]
        # The listings' status filter, newest first (named demand_status_published, offering_…).
        indexes = [models.Index(fields=["status", "-published_at"], name="%(class)s_status_published")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_tokens = self.build_search_tokens()
        super().save(*args, **kwargs)

    def build_search_tokens(self):
        return search.tokens_for(*(getattr(self, f) for f in self.SEARCH_FIELDS))


def timestamps():
    """When a record was created and last saved, as two fields to assign where they stand in the
    model (its field order stays as it was): ``created_at, updated_at = timestamps()``."""
    return (
        models.DateTimeField("创建时间", auto_now_add=True),
        models.DateTimeField("更新时间", auto_now=True),
    )


# The contact of a record (`contact_fields`): never shown to the public, and checked as a contact by
# portal.confidentiality (``contact_fields=CONTACT_FIELDS``).
CONTACT_FIELDS = ("contact_person", "contact_phone", "contact_email")


def contact_fields(*, required=True, email=True):
    """联系人 and 联系电话 (required unless not `required`) and, when `email`, an optional 联系邮箱:
    ``contact_person, contact_phone, contact_email = contact_fields()``."""
    fields = (
        models.CharField("联系人", max_length=40, blank=not required),
        models.CharField("联系电话", max_length=40, blank=not required),
    )
    return (*fields, models.EmailField("联系邮箱", blank=True)) if email else fields


def searchable_history(verbose_name):
    """The history of a `SearchableRecord`: every change but its search words and its save time."""
    return HistoricalRecords(verbose_name=verbose_name, excluded_fields=["search_tokens", "updated_at"])


def publishing_fields():
    """What a demand and an offer both keep of their writing, as four fields to assign in the model
    where they stand (the model's field order, and so its admin page, stays as it was):
    ``created_by, created_at, updated_at, published_at = publishing_fields()``."""
    return (
        user_field("创建人"),
        *timestamps(),
        models.DateTimeField("发布时间", null=True, blank=True, db_index=True),
    )


class ImportBatch(models.Model):
    """One uploaded Excel file between preview and confirm. It belongs to the user who uploaded
    it (nobody else can see or confirm it) and is deleted once confirmed or abandoned."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("类型", max_length=20)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="+", verbose_name="上传人"
    )
    file = models.FileField("文件", upload_to=import_upload_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    report = models.JSONField("预览结果", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "Excel 导入批次"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name}（{self.created_at:%Y-%m-%d %H:%M}）"

    def delete(self, *args, **kwargs):
        self.file.delete(save=False)
        return super().delete(*args, **kwargs)


def job_file_path(instance, filename):
    return f"jobs/{instance.pk}/{filename}"


class JobQuerySet(models.QuerySet):
    def owned_by(self, user, session_key=""):
        """The jobs this visitor may see (issue 16 §1): a user's own; a visitor's, by its session."""
        if user is not None and user.is_authenticated:
            return self.filter(owner=user)
        if session_key:
            return self.filter(owner__isnull=True, session_key=session_key)
        return self.none()

    def stale(self, now, minutes):
        """Started jobs whose worker has not reported for ``minutes`` (it died), and queued jobs that
        no worker took up in that time (the broker lost them)."""
        cutoff = now - datetime.timedelta(minutes=minutes)
        return self.filter(
            models.Q(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff)
            | models.Q(status=Job.Status.QUEUED, created_at__lt=cutoff, heartbeat_at__isnull=True)
            | models.Q(status=Job.Status.QUEUED, heartbeat_at__lt=cutoff)
        )


class Job(models.Model):
    """Long work done in the background with a progress bar (issue 16 §1): an Excel import's preview
    or confirm, a big export. It belongs to the user who started it (a visitor's to its session);
    nobody else sees it, its progress or its file. The status moves only through
    ``portal.jobs.TABLE`` and ``portal.transitions``."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "处理中"
        DONE = "done", "已完成"
        FAILED = "failed", "未完成"
        EXPIRED = "expired", "已过期"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发起人",
    )
    session_key = models.CharField("访客会话", max_length=40, blank=True)
    kind = models.CharField("类型", max_length=40)
    title = models.CharField("名称", max_length=200)
    params = models.JSONField("参数", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField("阶段", max_length=20, blank=True)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    stage_started_at = models.DateTimeField("本阶段开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近进展时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    expires_at = models.DateTimeField("文件保留至", null=True, blank=True)
    source = models.FileField("上传文件", upload_to=job_file_path, max_length=200, blank=True)
    result_file = models.FileField("生成的文件", upload_to=job_file_path, max_length=200, blank=True)
    result_url = models.CharField("结果地址", max_length=300, blank=True)
    message = models.TextField("结果说明", blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_recent")]

    def __str__(self):
        return f"{self.title}（{self.get_status_display()}）"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("job", args=[self.pk])

    def is_owned_by(self, user, session_key=""):
        """The object twin of ``Job.objects.owned_by``."""
        if user is not None and user.is_authenticated:
            return self.owner_id == user.pk
        return bool(session_key) and self.owner_id is None and self.session_key == session_key

    def is_stale(self, now, minutes):
        """The object twin of ``Job.objects.stale``."""
        cutoff = now - datetime.timedelta(minutes=minutes)
        if self.status == self.Status.RUNNING:
            return self.heartbeat_at is not None and self.heartbeat_at < cutoff
        if self.status == self.Status.QUEUED:
            return (self.heartbeat_at or self.created_at) < cutoff
        return False

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

    def remove_files(self):
        for field in (self.source, self.result_file):
            if field:
                field.delete(save=False)
