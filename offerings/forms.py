from django import forms

from portal import refdata
from portal.forms import AmountField, CategoryField

from .models import CITYWIDE, Offering

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ALL = "all"


class OfferingForm(forms.ModelForm):
    category = CategoryField()
    service_area = forms.MultipleChoiceField(
        label="服务区域",
        widget=forms.CheckboxSelectMultiple,
        help_text="可多选；能在全市提供服务的请只选“全市”。",
        error_messages={"required": "请选择服务区域：一个或多个区，或“全市”。"},
    )
    purchase_amount = AmountField(label="购买金额（元）", required=False)

    class Meta:
        model = Offering
        fields = list(Offering.EDITABLE_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "implementation_start": DATE,
            "implementation_end": DATE,
        }
        help_texts = {
            "summary": "项目的服务内容、方式、特色和成效，不超过2000字。",
            "previously_purchased": "勾选后须填写购买方名称、购买金额、实施地点和实施时间（第十三条）。",
        }

    field_order = ["title", "category", "summary", "service_targets", "service_area"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_area"].choices = [(ALL, CITYWIDE)] + [
            (d.code, d.name) for d in refdata.districts()
        ]
        if self.instance.pk:
            self.initial["category"] = str(self.instance.category_id)
            self.initial["service_area"] = [ALL] if self.instance.citywide else self.instance.service_codes

    def clean_service_area(self):
        values = self.cleaned_data["service_area"]
        if ALL in values and len(values) > 1:
            raise forms.ValidationError("选择“全市”时不要再勾选具体的区。")
        return values

    def clean(self):
        data = super().clean()
        area = data.get("service_area")
        if area is not None:
            self.instance.set_service_area(ALL in area, [v for v in area if v != ALL])
        return data

    def _update_errors(self, errors):
        # The model checks the area on its own fields; on this form the area is one field.
        if hasattr(errors, "error_dict") and "service_district_codes" in errors.error_dict:
            moved = errors.error_dict.pop("service_district_codes")
            if "service_area" not in self._errors:
                errors.error_dict.setdefault("service_area", []).extend(moved)
            if not errors.error_dict:
                return
        super()._update_errors(errors)
