from django import forms

from offerings.models import Offering, Status
from portal.forms import reason_form, text_area


class ApplicationForm(forms.Form):
    evidence = forms.ModelMultipleChoiceField(
        label="佐证项目（选择1至2个）",
        queryset=Offering.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="从本组织已发布的服务项目中，挑选最能代表机构特色和优势的1至2个（第十五条）。",
        error_messages={
            "required": "请选择1至2个佐证项目。",
            "invalid_choice": "所选项目不是本组织已发布的服务项目。",
        },
    )
    statement = text_area(
        "自荐说明", rows=4, max_length=2000, required=False, help_text="选填：机构的专业能力、服务成效等。"
    )
    recommendation_form = forms.FileField(
        label="盖章的《购买主体推荐意见表》",
        required=False,
        help_text="PDF、JPG 或 PNG，不超过 10 MB。已上传过的，不选择文件则保留原文件。",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = Offering.objects.filter(
            organization=organization, status=Status.PUBLISHED
        ).select_related("category")

    def clean_evidence(self):
        evidence = self.cleaned_data["evidence"]
        if len(evidence) > 2:
            raise forms.ValidationError("最多只能选择2个佐证项目。")
        return evidence


class DistrictReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结论",
        choices=[("pass", "通过，报送市民政局"), ("return", "退回修改")],
        widget=forms.RadioSelect,
    )
    opinion = text_area(
        "审核意见", rows=3, max_length=1000, required=False, help_text="退回时必填，社会组织可以看到。"
    )


class CityReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结论",
        choices=[("approve", "通过，列入推荐目录"), ("reject", "不通过")],
        widget=forms.RadioSelect,
    )
    opinion = text_area("审核意见", rows=3, max_length=1000, help_text="必填，社会组织可以看到。")


RecommendForm = reason_form(
    "推荐理由",
    rows=4,
    max_length=1000,
    help_text="该社会组织在本项目中的表现，审核推荐目录时供民政部门参考。",
)
RemoveMemberForm = reason_form(
    "移出原因",
    rows=3,
    max_length=1000,
    help_text="必填，记入变更记录并告知该社会组织；目录页公开显示移出日期。",
)
