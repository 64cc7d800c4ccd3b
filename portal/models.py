"""Reference data shared by every app: districts, 街镇, 项目类别, purchase types.

Loaded by data migrations from `portal/data/*.csv`; administrators may edit rows later,
so code depends on a row only through its `code`.
"""

import uuid

from django.db import models
from simple_history.models import HistoricalRecords


class District(models.Model):
    code = models.CharField("区划代码", max_length=6, unique=True, help_text="GB/T 2260 六位代码")
    name = models.CharField("区名", max_length=20, unique=True)

    class Meta:
        verbose_name = "区"
        verbose_name_plural = "区"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Street(models.Model):
    """A 街道, 镇 or 乡 of one district (managed in the admin site)."""

    class Kind(models.TextChoices):
        SUBDISTRICT = "subdistrict", "街道"
        TOWN = "town", "镇"
        TOWNSHIP = "township", "乡"

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="streets", verbose_name="所属区"
    )
    name = models.CharField("街镇名称", max_length=40)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.SUBDISTRICT)
    is_active = models.BooleanField("启用", default=True)
    history = HistoricalRecords(verbose_name="街镇变更记录")

    class Meta:
        verbose_name = "街镇"
        verbose_name_plural = "街镇"
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
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级类别",
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "项目类别"
        verbose_name_plural = "项目类别"
        ordering = ["code"]

    def __str__(self):
        if self.parent_id:
            return f"{self.parent.name} / {self.name}"
        return self.name

    @property
    def level(self):
        return 2 if self.parent_id else 1


class PurchaseType(models.Model):
    """First level of the 指导性目录. `allowed=False` types are outside the platform (第四条(一))."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40)
    allowed = models.BooleanField("可在平台发布", default=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "购买服务类型"
        verbose_name_plural = "购买服务类型"
        ordering = ["pk"]

    def __str__(self):
        return self.name


def import_upload_path(instance, filename):
    return f"imports/{instance.kind}/{instance.pk}.xlsx"


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
        verbose_name = "Excel 导入批次"
        verbose_name_plural = "Excel 导入批次"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name}（{self.created_at:%Y-%m-%d %H:%M}）"

    def delete(self, *args, **kwargs):
        self.file.delete(save=False)
        return super().delete(*args, **kwargs)
