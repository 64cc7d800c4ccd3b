from django import forms

from portal.forms import text_area

from .confidentiality import personal_data_problem
from .models import FindingKind, FindingResult


class FindingText(forms.CharField):
    """A finding's free text that holds no personal data (`personal_data_problem`), checked once the
    field's own checks pass."""

    def clean(self, value):
        value = super().clean(value)
        problem = personal_data_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value


def finding_text(label, *, help_text, rows=5, required=True):
    """A finding's description, the answer or the result: at most 2000 characters in a textarea."""
    return text_area(
        label, rows=rows, max_length=2000, help_text=help_text, required=required, field_class=FindingText
    )


class OpenFindingForm(forms.Form):
    kind = forms.ChoiceField(label="问题类型", choices=FindingKind.choices, widget=forms.RadioSelect)
    description = finding_text(
        label="问题描述",
        help_text="写明哪一处信息有什么问题，便于发布方核实整改。请勿填写身份证号、银行卡号等个人信息。",
    )


class AnswerForm(forms.Form):
    answer = finding_text(
        label="答复",
        help_text="说明核实情况；需要修改的，请先在该信息的页面上修改，再在这里说明改了什么。",
    )


class CloseForm(forms.Form):
    result = forms.ChoiceField(label="核查结论", choices=FindingResult.choices, widget=forms.RadioSelect)
    result_text = finding_text(
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
