from django import forms

from .confidentiality import personal_data_problem
from .models import FindingKind, FindingResult


class FindingText(forms.CharField):
    """A finding's free text (its description, the answer, the result): at most 2000 characters in a
    textarea of `rows`, and no personal data (`personal_data_problem`), checked once the field's own
    checks pass."""

    def __init__(self, *, rows=5, **kwargs):
        super().__init__(max_length=2000, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        problem = personal_data_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value


class OpenFindingForm(forms.Form):
    kind = forms.ChoiceField(label="问题类型", choices=FindingKind.choices, widget=forms.RadioSelect)
    description = FindingText(
        label="问题描述",
        help_text="写明哪一处信息有什么问题，便于发布方核实整改。请勿填写身份证号、银行卡号等个人信息。",
    )


class AnswerForm(forms.Form):
    answer = FindingText(
        label="答复",
        help_text="说明核实情况；需要修改的，请先在该信息的页面上修改，再在这里说明改了什么。",
    )


class CloseForm(forms.Form):
    result = forms.ChoiceField(label="核查结论", choices=FindingResult.choices, widget=forms.RadioSelect)
    result_text = FindingText(
        label="处理结果",
        rows=4,
        required=False,
        help_text="核查属实的必须填写。虚假/夸大信息核查属实的，将记入该社会组织的失信记录。",
    )

    def clean(self):
        data = super().clean()
        if data.get("result") == FindingResult.CONFIRMED and not (data.get("result_text") or "").strip():
            self.add_error("result_text", "核查属实的，必须填写处理结果。")
        return data
