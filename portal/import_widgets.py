"""django-import-export widgets for reference data, with Chinese messages."""

from import_export.widgets import Widget

from .models import Category, District, PurchaseType, Street


class _Lookup(Widget):
    """A value typed (or picked from the template's drop-down) → a row, or a Chinese error."""

    what = ""

    def __init__(self):
        super().__init__()
        self._cache = None

    def table(self):
        raise NotImplementedError

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if self._cache is None:
            self._cache = self.table()
        key = str(value).strip()
        found = self._cache.get(key)
        if found is None:
            raise ValueError(f"“{key}”不是有效的{self.what}，请从下拉列表中选择。")
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def category_label(category):
    return f"{category.parent.name}/{category.name}"


class CategoryWidget(_Lookup):
    what = "项目类别"

    def table(self):
        table = {}
        for c in Category.objects.filter(parent__isnull=False, is_active=True).select_related("parent"):
            table[category_label(c)] = c
            table[c.code] = c
        return table

    def render(self, value, obj=None, **kwargs):
        return category_label(value) if value else ""


class DistrictWidget(_Lookup):
    what = "区"

    def table(self):
        return {d.name: d for d in District.objects.all()}


class PurchaseTypeWidget(_Lookup):
    what = "购买服务类型"

    def table(self):
        return {p.name: p for p in PurchaseType.objects.all()}


class StreetWidget(_Lookup):
    """A 街镇 by name, within the row's district column."""

    what = "街镇"

    def __init__(self, district_key="district"):
        super().__init__()
        self.district_key = district_key

    def table(self):
        return {
            (s.district.name, s.name): s
            for s in Street.objects.filter(is_active=True).select_related("district")
        }

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if self._cache is None:
            self._cache = self.table()
        district = str((row or {}).get(self.district_key) or "").strip()
        found = self._cache.get((district, str(value).strip()))
        if found is None:
            raise ValueError(f"“{value}”不是{district or '所选区'}的街镇，请核对。")
        return found


class ChoiceWidget(Widget):
    """A TextChoices label (年度计划项目) → its stored value (annual)."""

    def __init__(self, choices):
        super().__init__()
        self.by_label = {str(label): value for value, label in choices}
        self.by_value = {value: str(label) for value, label in choices}

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        key = str(value).strip()
        if key in self.by_label:
            return self.by_label[key]
        if key in self.by_value:
            return key
        raise ValueError("只能填写：" + "、".join(self.by_label))

    def render(self, value, obj=None, **kwargs):
        return self.by_value.get(value, "")


class PassThroughWidget(Widget):
    """Cells already parsed by portal.excel (Decimal, date, int, str) go through unchanged;
    an empty cell becomes `empty` ("" for text fields, None for the others)."""

    def __init__(self, empty=None):
        super().__init__()
        self.empty = empty

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip()
        return self.empty if value in (None, "") else value

    def render(self, value, obj=None, **kwargs):
        return value


def text_field(name):
    """A resource field for a text column already parsed by portal.excel (empty → "")."""
    from import_export.fields import Field

    return Field(attribute=name, column_name=name, widget=PassThroughWidget(""))


def value_field(name, empty=None):
    """A resource field for an amount, date, number or yes/no column already parsed (empty → `empty`)."""
    from import_export.fields import Field

    return Field(attribute=name, column_name=name, widget=PassThroughWidget(empty))
