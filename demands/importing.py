"""批量发布 from Excel (R-DEM-3): the template's columns and the import-export resource.
Every row passes the same `Demand.clean()` rules as the web form."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from import_export.fields import Field

from portal import refdata, transitions
from portal.excel import Column
from portal.import_widgets import (
    CategoryWidget,
    ChoiceWidget,
    DistrictWidget,
    PurchaseTypeWidget,
    StreetWidget,
    category_column,
    choice_column,
    text_field,
    value_field,
)
from portal.imports import ImportResource, ImportSpec

from .models import Demand, Orientation, PlanType, Status
from .services import TABLE


def columns():
    """Built per request: drop-down lists follow the reference data as administrators edit it."""
    districts = tuple(d.name for d in refdata.districts())
    purchase_types = tuple(p.name for p in refdata.purchase_types() if p.allowed)
    year = timezone.localdate().year
    return [
        Column(
            "title",
            "项目名称",
            required=True,
            max_length=100,
            example="南京东路街道社区居家养老服务项目",
            width=36,
            help="不超过100个字",
        ),
        Column(
            "budget",
            "项目预算（元）",
            kind="amount",
            required=True,
            example=380000,
            width=16,
            help="以元为单位，须低于政府采购限额",
        ),
        category_column("养老服务/居家养老服务", help="从下拉列表选择二级类别"),
        choice_column(
            "purchase_type",
            "购买服务类型",
            purchase_types,
            "基本公共服务",
            help="辅助性事项和补贴、资助类项目不在平台发布",
        ),
        choice_column("orientation", "面向社会组织方式", Orientation, "优先面向社会组织"),
        Column(
            "service_targets",
            "服务对象",
            required=True,
            max_length=200,
            example="辖区内80周岁以上独居老人",
            width=24,
        ),
        choice_column("district", "服务区域（区）", districts, "黄浦区", width=12),
        Column(
            "street",
            "服务街镇",
            max_length=40,
            example="南京东路街道",
            width=14,
            help="可不填；填写时须属于所填的区",
        ),
        Column("period_start", "实施开始日期", kind="date", required=True, example=f"{year}-07-01", width=14),
        Column(
            "period_end", "实施结束日期", kind="date", required=True, example=f"{year + 1}-06-30", width=14
        ),
        Column("year", "年度", kind="int", required=True, example=year, width=8),
        choice_column(
            "plan_type", "项目性质", PlanType, "年度计划项目", width=14, help="年度新增项目须填写预算批复日期"
        ),
        Column("budget_approved_on", "预算批复日期", kind="date", example="", width=14),
        Column(
            "qualification",
            "资质和条件要求",
            required=True,
            max_length=2000,
            example="在民政部门登记的社会服务机构，具有3年以上居家养老服务经验",
            width=36,
        ),
        Column("other_info", "其他信息", max_length=2000, example="", width=24),
        Column("contact_person", "联系人", required=True, max_length=40, example="王老师", width=10),
        Column("contact_phone", "联系电话", required=True, max_length=40, example="021-63210000", width=16),
        Column("contact_email", "联系邮箱", max_length=254, example="", width=22),
    ]


class DemandResource(ImportResource):
    title = text_field("title")
    budget = value_field("budget")
    category = Field(attribute="category", column_name="category", widget=CategoryWidget())
    purchase_type = Field(attribute="purchase_type", column_name="purchase_type", widget=PurchaseTypeWidget())
    orientation = Field(
        attribute="orientation", column_name="orientation", widget=ChoiceWidget(Orientation.choices)
    )
    service_targets = text_field("service_targets")
    district = Field(attribute="district", column_name="district", widget=DistrictWidget())
    street = Field(attribute="street", column_name="street", widget=StreetWidget())
    period_start = value_field("period_start")
    period_end = value_field("period_end")
    year = value_field("year")
    plan_type = Field(attribute="plan_type", column_name="plan_type", widget=ChoiceWidget(PlanType.choices))
    budget_approved_on = value_field("budget_approved_on")
    qualification = text_field("qualification")
    other_info = text_field("other_info")
    contact_person = text_field("contact_person")
    contact_phone = text_field("contact_phone")
    contact_email = text_field("contact_email")

    class Meta:
        model = Demand
        fields = Demand.EDITABLE_FIELDS
        clean_model_instances = True
        use_bulk = True
        skip_diff = True
        skip_html_diff = True

    change_reason = "Excel 批量发布"
    trusted_fields = ("category", "purchase_type", "district", "street", "unit", "created_by", "awarded_org")

    def __init__(self, user):
        super().__init__(user)
        self.now = timezone.now()
        self.seen = set()
        unit = user.purchaser_unit
        # Titles this unit already has for each year (not cancelled): a re-uploaded file is refused.
        self.existing = set(
            Demand.objects.filter(unit=unit).filter(~Q(status=Status.CANCELLED)).values_list("year", "title")
        )

    def get_instance(self, instance_loader, row):
        return None  # every row is a new demand

    def import_instance(self, instance, row, **kwargs):
        instance.unit = self.user.purchaser_unit
        instance.created_by = self.user
        instance.published_at = self.now
        transitions.apply(TABLE, instance, "publish", by=self.user, reason=self.change_reason, save=False)
        super().import_instance(instance, row, **kwargs)

    def before_bulk_create(self, instance):
        instance.search_tokens = instance.build_search_tokens()

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        key = (instance.year, instance.title)
        if instance.title and instance.year and "title" not in errors:
            if key in self.existing:
                errors["title"] = ValidationError(f"本单位 {instance.year} 年度已有同名项目，请勿重复发布。")
            elif key in self.seen:
                errors["title"] = ValidationError("与本文件中前面的一行项目名称和年度相同。")
            self.seen.add(key)
        super().validate_instance(instance, errors, validate_unique)


def spec():
    return ImportSpec(kind="demand", columns=columns(), resource_factory=DemandResource)
