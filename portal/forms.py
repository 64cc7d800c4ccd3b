"""Form fields shared by the apps: amounts as people type them, grouped choices for the
two-level categories and the 街镇 of each district."""

from django import forms
from django.core.exceptions import ValidationError

from portal import params, refdata
from portal.models import SUBCATEGORY_NEEDED


class AmountField(forms.CharField):
    """An amount in 元 as people type it: 150000, 150,000.00, 150000元; 15万 is refused as ambiguous
    (the same parser as the Excel uploads, portal.excel.parse_amount)."""

    MAX_CHARS = 30

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("maxlength", str(self.MAX_CHARS))

    def to_python(self, value):
        from portal.excel import parse_amount

        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if len(value) > self.MAX_CHARS:
            raise ValidationError(f"金额不能超过{self.MAX_CHARS}个字符。")
        try:
            return parse_amount(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def grouped_category_choices():
    choices = [("", "（请选择二级类别）")]
    categories = [c for c in refdata.categories() if c.is_active]
    tops = [c for c in categories if c.parent_id is None]
    for top in tops:
        choices.append((top.name, [(str(c.pk), c.name) for c in categories if c.parent_id == top.pk]))
    return choices


class LookupChoiceField(forms.TypedChoiceField):
    """A <select> whose options are rows; the submitted value is looked up by `lookup()`, whose
    Chinese message (not Django's generic "invalid choice") explains a bad value."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, coerce=self.lookup, **kwargs)

    @staticmethod
    def lookup(value):
        raise NotImplementedError

    def valid_value(self, value):
        return True  # membership is checked by lookup() against the reference data

    def _coerce(self, value):
        if value == self.empty_value or value in self.empty_values:
            return self.empty_value
        return self.lookup(value)


class CategoryField(LookupChoiceField):
    """A second-level 项目类别, shown grouped under its first-level area."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "项目类别")
        super().__init__(*args, **kwargs)
        self.choices = grouped_category_choices

    @staticmethod
    def lookup(value):
        pk = params.optional_id(value)
        category = refdata.categories_by_pk().get(pk) if pk else None
        if category is None or category.parent_id is None:
            raise ValidationError(SUBCATEGORY_NEEDED)
        return category


def grouped_street_choices(empty_label="（不限街镇）"):
    """The 街镇 grouped under their 区's name: static/js/portal.js keeps only the chosen 区's group."""
    groups = {}
    for street in (s for s in refdata.streets() if s.is_active):
        groups.setdefault(street.district.name, []).append((str(street.pk), street.name))
    return [("", empty_label)] + list(groups.items())


def follow_district(field, district_id="id_district"):
    """Mark a 街镇 <select> to follow the 区 <select> with that id (static/js/portal.js)."""
    field.widget.attrs["data-street-for"] = district_id
    return field


class StreetField(LookupChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "服务街镇")
        kwargs.setdefault("required", False)
        empty_label = kwargs.pop("empty_label", "（不限街镇）")
        super().__init__(*args, empty_value=None, **kwargs)
        self.choices = lambda: grouped_street_choices(empty_label)
        follow_district(self)

    @staticmethod
    def lookup(value):
        pk = params.optional_id(value)
        street = refdata.streets_by_pk().get(pk) if pk else None
        if street is None:
            raise ValidationError("所选街镇不存在，请重新选择。")
        return street


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        help_text="请使用下载的模板填写（或从本平台导出的文件），不超过 5 MB。上传后先预览，确认后才保存。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


def text_area(label, *, rows, max_length, help_text="", required=True, field_class=forms.CharField):
    """A plain-text field typed in a <textarea> of `rows` lines: reasons, opinions, replies
    (`field_class`, a CharField that checks more, e.g. supervision's FindingText)."""
    return field_class(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def reason_form(label, *, rows, max_length, help_text):
    """A form that asks for one thing, the required reason of an action (取消原因, 移出原因): its
    field is `reason`, a plain text of at most `max_length` characters."""
    field = text_area(label, rows=rows, max_length=max_length, help_text=help_text)
    return type("ReasonForm", (forms.Form,), {"reason": field, "__module__": __name__})
