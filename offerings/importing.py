"""Excel 批量上传 of offers (R-OFF-3): the template's columns, the import-export resource, the export.

A row updates the offer it names by 编号 (a column filled by the export), or else the
organization's offer with the same 项目名称; otherwise it is new. Unchanged rows are left alone,
so re-uploading a file with one change shows one update and no duplicates."""

from import_export.fields import Field

from portal import refdata, transitions
from portal.excel import Column
from portal.import_widgets import CategoryWidget, category_column, category_label, text_field, value_field
from portal.imports import ImportResource, ImportSpec

from .models import CITYWIDE, Offering, parse_service_area
from .services import TABLE

# The form's fields with the row's 服务区域 after 服务对象 (the order the resource reads a row in).
_AREA_AT = Offering.EDITABLE_FIELDS.index("service_targets") + 1
EXCEL_FIELDS = (*Offering.EDITABLE_FIELDS[:_AREA_AT], "service_area", *Offering.EDITABLE_FIELDS[_AREA_AT:])

INSTRUCTIONS = [
    "每行填写一个服务项目，从第2行开始；第2行是示例，请删除或改写。",
    "带 * 的列必填。项目类别请从下拉列表选择；服务区域填写区的全称，多个区用顿号分隔，或填写“全市”。",
    "“曾被政府购买”填“是”时，须填写购买方名称、购买金额、实施地点和实施起止日期。",
    "从平台导出的文件带有“编号”列：修改后重新上传会更新对应的项目，不会重复新增；新增项目请把编号留空。",
    "上传后先预览并列出每一行的问题；只要有一行有问题，就不会保存任何一行。",
]


def columns():
    districts = "、".join(d.name for d in refdata.districts())
    return [
        Column("row_id", "编号", kind="int", example="", width=8, help="导出文件自带；新增项目留空"),
        Column(
            "organization_name",
            "社会组织名称",
            max_length=100,
            example="",
            width=30,
            help="可不填；填写时须与登录账号所属的社会组织一致",
        ),
        Column("title", "项目名称", required=True, max_length=100, example="社区长者助餐服务", width=30),
        category_column("养老服务/老年助餐服务"),
        Column(
            "summary",
            "项目简介",
            required=True,
            max_length=2000,
            example="为社区60周岁以上老人提供助餐、送餐服务，配备营养师，每日供应午餐。",
            width=40,
        ),
        Column(
            "service_targets",
            "服务对象",
            required=True,
            max_length=200,
            example="社区60周岁以上老人",
            width=20,
        ),
        Column(
            "service_area",
            "服务区域",
            required=True,
            max_length=200,
            example="黄浦区、徐汇区",
            width=20,
            help=f"填写“全市”，或区的全称，多个区用顿号分隔：{districts}",
        ),
        Column("contact_person", "联系人", required=True, max_length=40, example="李女士", width=10),
        Column("contact_phone", "联系电话", required=True, max_length=40, example="021-54001234", width=16),
        Column("contact_email", "联系邮箱", max_length=254, example="", width=22),
        Column("previously_purchased", "曾被政府购买", kind="bool", required=True, example=False, width=12),
        Column("purchaser_name", "购买方名称", max_length=100, example="", width=24),
        Column("purchase_amount", "购买金额（元）", kind="amount", example="", width=16),
        Column("implementation_place", "实施地点", max_length=200, example="", width=20),
        Column("implementation_start", "实施开始日期", kind="date", example="", width=14),
        Column("implementation_end", "实施结束日期", kind="date", example="", width=14),
    ]


class ServiceAreaField(Field):
    """服务区域: "全市" or district names → the model's citywide flag and district codes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each text read once per import (the resource copies its fields, and reference data is held
        # for the import): an organization's rows mostly name the same few areas.
        self.areas = {}

    def save(self, instance, row, is_m2m=False, **kwargs):
        text = row.get(self.column_name)
        area = self.areas.get(text)
        if area is None:
            area = self.areas[text] = parse_service_area(text)  # an unknown district raises, kept nowhere
        instance.set_service_area(*area)

    def get_value(self, instance):
        return (instance.citywide, instance.service_district_codes)


class OfferingResource(ImportResource):
    title = text_field("title")
    category = Field(attribute="category", column_name="category", widget=CategoryWidget())
    summary = text_field("summary")
    service_targets = text_field("service_targets")
    service_area = ServiceAreaField(attribute="service_district_codes", column_name="service_area")
    contact_person = text_field("contact_person")
    contact_phone = text_field("contact_phone")
    contact_email = text_field("contact_email")
    previously_purchased = value_field("previously_purchased", empty=False)
    purchaser_name = text_field("purchaser_name")
    purchase_amount = value_field("purchase_amount")
    implementation_place = text_field("implementation_place")
    implementation_start = value_field("implementation_start")
    implementation_end = value_field("implementation_end")

    change_reason = "Excel 批量上传"
    trusted_fields = ("category", "organization", "created_by")

    class Meta:
        model = Offering
        fields = EXCEL_FIELDS
        clean_model_instances = True
        use_bulk = True
        skip_unchanged = True
        report_skipped = True
        # import-export would deep-copy every existing row to find unchanged ones; skip_row below
        # compares with a snapshot of plain values taken once instead.
        skip_diff = True

    def __init__(self, user):
        super().__init__(user)
        self.organization = user.organization
        # The category with it, from the reference data: the snapshots below read it, and one query
        # each made a re-upload of 5,000 offers spend most of its preview there.
        offers = refdata.attach(list(Offering.objects.filter(organization=self.organization)), "category")
        self.mine = {o.pk: o for o in offers}
        self.by_title = {o.title: o for o in self.mine.values()}
        self.snapshots = {pk: self._values(o) for pk, o in self.mine.items()}
        self.seen_titles = set()
        self.seen_ids = set()
        from django.utils import timezone

        self.now = timezone.now()

    def _values(self, instance):
        return tuple(field.get_value(instance) for field in self.get_import_fields())

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged: an existing offer whose every imported field equals what it was before."""
        if import_validation_errors or instance.pk is None:
            return False
        return self.snapshots.get(instance.pk) == self._values(instance)

    def get_instance(self, instance_loader, row):
        row_id = row.get("row_id")
        title = (row.get("title") or "").strip()
        if row_id:
            if row_id not in self.mine:
                raise ValueError(f"编号 {row_id} 不是本组织的服务项目：新增项目请把“编号”留空。")
            if row_id in self.seen_ids:
                raise ValueError(f"编号 {row_id} 在本文件中出现了不止一次。")
            self.seen_ids.add(row_id)
            return self.mine[row_id]
        if title in self.seen_titles:
            raise ValueError(f"项目名称“{title}”在本文件中出现了不止一次。")
        self.seen_titles.add(title)
        return self.by_title.get(title)

    def import_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            instance.organization = self.organization
            instance.created_by = self.user
            instance.published_at = self.now
            transitions.apply(TABLE, instance, "publish", by=self.user, reason="Excel 批量上传", save=False)
        else:
            transitions.apply(
                TABLE, instance, "edit", by=self.user, reason="Excel 批量上传：更新", save=False
            )
        errors = {}
        name = (row.get("organization_name") or "").strip()
        if name and name != self.organization.name:
            errors["organization_name"] = f"与上传账号所属的社会组织（{self.organization.name}）不一致。"
        try:
            super().import_instance(instance, row, **kwargs)
        except Exception as exc:
            from django.core.exceptions import ValidationError

            if not isinstance(exc, ValidationError) or not errors:
                raise
            errors.update(exc.error_dict)
        if errors:
            from django.core.exceptions import ValidationError

            raise ValidationError(errors)

    def before_bulk_create(self, instance):
        instance.search_tokens = instance.build_search_tokens()


def spec():
    return ImportSpec(
        kind="offering",
        columns=columns(),
        resource_factory=OfferingResource,
        extra_headers={"service_district_codes": "服务区域", "organization_name": "社会组织名称"},
    )


def export_rows(organization):
    names = refdata.district_names()
    for o in (
        Offering.objects.filter(organization=organization).select_related("category__parent").order_by("pk")
    ):
        yield {
            "row_id": o.pk,
            "organization_name": organization.name,
            "title": o.title,
            "category": category_label(o.category),
            "summary": o.summary,
            "service_targets": o.service_targets,
            "service_area": CITYWIDE if o.citywide else "、".join(names.get(c, c) for c in o.service_codes),
            "contact_person": o.contact_person,
            "contact_phone": o.contact_phone,
            "contact_email": o.contact_email,
            "previously_purchased": o.previously_purchased,
            "purchaser_name": o.purchaser_name,
            "purchase_amount": o.purchase_amount,
            "implementation_place": o.implementation_place,
            "implementation_start": o.implementation_start,
            "implementation_end": o.implementation_end,
        }
