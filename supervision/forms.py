from django import forms

from .confidentiality import personal_data_problem
from .models import FindingKind, FindingResult


def _no_personal_data(value):
    problem = personal_data_problem(value)
    if problem:
        raise forms.ValidationError(problem)
    return value


class OpenFindingForm(forms.Form):
    kind = forms.ChoiceField(label="问题类型", choices=FindingKind.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label="问题描述",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="写明哪一处信息有什么问题，便于发布方核实整改。请勿填写身份证号、银行卡号等个人信息。",
    )

    def clean_description(self):
        return _no_personal_data(self.cleaned_data["description"])


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="答复",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="说明核实情况；需要修改的，请先在该信息的页面上修改，再在这里说明改了什么。",
    )

    def clean_answer(self):
        return _no_personal_data(self.cleaned_data["answer"])


class CloseForm(forms.Form):
    result = forms.ChoiceField(label="核查结论", choices=FindingResult.choices, widget=forms.RadioSelect)
    result_text = forms.CharField(
        label="处理结果",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="核查属实的必须填写。虚假/夸大信息核查属实的，将记入该社会组织的失信记录。",
    )

    def clean_result_text(self):
        return _no_personal_data(self.cleaned_data["result_text"])

    def clean(self):
        data = super().clean()
        if data.get("result") == FindingResult.CONFIRMED and not (data.get("result_text") or "").strip():
            self.add_error("result_text", "核查属实的，必须填写处理结果。")
        return data
