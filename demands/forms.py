import copy

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.models import SocialOrganization
from portal.forms import AmountField, CategoryField, StreetField, reason_form, text_area
from portal.models import PurchaseType

from .models import EVALUATION_FIELDS, Demand, Grade, Status, grade_rule_text
from .services import TABLE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DemandForm(forms.ModelForm):
    budget = AmountField(
        label="项目预算（元）", help_text="以元为单位，例如 380000 或 380,000.00；须低于政府采购限额。"
    )
    category = CategoryField()
    street = StreetField(help_text="可不选；选择时须属于所选服务区域。")

    class Meta:
        model = Demand
        fields = list(Demand.EDITABLE_FIELDS)
        widgets = {
            "period_start": DATE,
            "period_end": DATE,
            "budget_approved_on": DATE,
            "qualification": forms.Textarea(attrs={"rows": 4}),
            "other_info": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "purchase_type": "政府履职所需辅助性事项和补贴、资助类项目不在本平台发布（第四条(一)）。",
            "plan_type": "年度计划项目应在当年4月30日前发布；年度新增项目应在预算批复后20日内发布。",
            "budget_approved_on": "年度新增项目必填。",
            "service_targets": "例如：辖区内80周岁以上独居老人",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purchase_type"].queryset = PurchaseType.objects.all()
        self.fields["purchase_type"].empty_label = "（请选择）"
        self.fields["district"].empty_label = "（请选择区）"
        if self.instance.pk and self.instance.category_id:
            self.initial["category"] = str(self.instance.category_id)
        if self.instance.pk and self.instance.street_id:
            self.initial["street"] = str(self.instance.street_id)


class AdjustForm(DemandForm):
    reason = text_area(
        "调整原因", rows=2, max_length=200, help_text="必填。调整原因和调整内容会记入变更记录。"
    )

    class Meta(DemandForm.Meta):
        fields = ["reason"] + DemandForm.Meta.fields


CancelForm = reason_form(
    "取消原因",
    rows=3,
    max_length=500,
    help_text="必填，会公开显示在需求页面上，例如：因实施条件变化，本年度不再实施。",
)


class AwardForm(forms.Form):
    # Options come from the search box on the page; any organization may be submitted, and
    # the service refuses an ineligible one with its reason (R-SUB-3).
    organization = forms.ModelChoiceField(
        label="承接的社会组织",
        queryset=SocialOrganization.objects.all(),
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "请从搜索结果中选择一个社会组织。",
            "required": "请先搜索并选择承接的社会组织。",
        },
    )
    amount = AmountField(label="成交金额（元）")
    awarded_on = forms.DateField(label="确定承接日期", widget=DATE)


class EvaluateForm(forms.Form):
    """The evaluation as typed; its rules are the model's (Demand.clean), checked on a copy of the
    demand so that the page shows each problem beside its field (R-DEM-4, R-GEN-3)."""

    FIELD_OF = {"eval_grade": "grade", "eval_score": "score", "eval_summary": "summary"}

    grade = forms.ChoiceField(
        label="绩效评价等级", choices=[("", "（按得分确定）")] + list(Grade.choices), required=False
    )
    score = forms.DecimalField(label="绩效评价得分", decimal_places=2, max_digits=5)
    summary = text_area("评价摘要", rows=4, max_length=2000)
    evaluated_on = forms.DateField(label="评价日期", widget=DATE)

    def __init__(self, *args, demand, **kwargs):
        super().__init__(*args, **kwargs)
        self.demand = demand
        self.fields["grade"].help_text = f"可不选，按得分确定：{grade_rule_text()}。"
        self.fields["evaluated_on"].help_text = (
            "服务结束后才能评价。" if settings.DEMAND_EVALUATION_AFTER_END else "服务开始后才能评价，"
        ) + "且不能早于确定承接日期。"

    def clean(self):
        data = super().clean()
        if self.errors or not TABLE.allows(self.demand.status, "evaluate"):
            return data  # the service says why this demand cannot be evaluated
        candidate = copy.copy(self.demand)
        candidate.status = Status.EVALUATED
        candidate.eval_grade = data.get("grade") or ""
        candidate.eval_score = data.get("score")
        candidate.eval_summary = (data.get("summary") or "").strip()
        candidate.evaluated_on = data.get("evaluated_on")
        try:
            candidate.clean_fields(
                exclude=[f.name for f in Demand._meta.fields if f.name not in EVALUATION_FIELDS]
            )
            candidate.clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                field = self.FIELD_OF.get(name, name)
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return data
