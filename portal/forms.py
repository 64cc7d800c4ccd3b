"""Form fields shared by the apps: amounts as people type them, grouped choices for the
two-level categories and the 街镇 of each district."""

from django import forms
from django.core.exceptions import ValidationError

from portal.models import Category, Street


class AmountField(forms.CharField):
    """An amount in 元: accepts 150000, 150,000.00, 15万 is refused as ambiguous (see portal.excel)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        from portal.excel import parse_amount

        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def grouped_category_choices():
    choices = [("", "（请选择二级类别）")]
    categories = list(Category.objects.filter(is_active=True).order_by("code"))
    tops = [c for c in categories if c.parent_id is None]
    for top in tops:
        choices.append((top.name, [(str(c.pk), c.name) for c in categories if c.parent_id == top.pk]))
    return choices


class CategoryField(forms.TypedChoiceField):
    """A second-level 项目类别, shown grouped under its first-level area."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "项目类别")
        super().__init__(*args, coerce=self._coerce, **kwargs)
        self.choices = grouped_category_choices

    @staticmethod
    def _coerce(value):
        category = Category.objects.filter(pk=value, parent__isnull=False).select_related("parent").first()
        if category is None:
            raise ValidationError("请选择具体的二级项目类别。")
        return category

    def valid_value(self, value):
        return True  # membership is checked by _coerce against the database


def grouped_street_choices():
    groups = {}
    for street in (
        Street.objects.filter(is_active=True).select_related("district").order_by("district__code", "name")
    ):
        groups.setdefault(street.district.name, []).append((str(street.pk), street.name))
    return [("", "（不限街镇）")] + list(groups.items())


class StreetField(forms.TypedChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "服务街镇")
        kwargs.setdefault("required", False)
        super().__init__(*args, coerce=self._coerce, empty_value=None, **kwargs)
        self.choices = grouped_street_choices

    @staticmethod
    def _coerce(value):
        street = Street.objects.filter(pk=value).select_related("district").first()
        if street is None:
            raise ValidationError("所选街镇不存在，请重新选择。")
        return street

    def valid_value(self, value):
        return True
