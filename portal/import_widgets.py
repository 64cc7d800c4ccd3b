"""django-import-export widgets for reference data, with Chinese messages."""

import re
import unicodedata
from functools import cached_property

from import_export.widgets import Widget

from . import refdata


def norm(text):
    """How a file's names and codes are matched: full- and half-width alike, no spaces, no case."""
    from .excel import clean_text

    text = unicodedata.normalize("NFKC", clean_text(text))
    return re.sub(r"\s+", "", text).casefold()


def category_label(category):
    return f"{category.parent.name}/{category.name}"


def category_column(example, **extra):
    """The template's 项目类别 column: a drop-down of the active 二级 categories, as “一级/二级”.
    Built per call, so the list follows the reference data as administrators edit it."""
    categories = tuple(category_label(c) for c in refdata.categories() if c.parent_id and c.is_active)
    return choice_column("category", "项目类别", categories, example, width=26, **extra)


def choice_column(key, header, choices, example, **extra):
    """A required column filled from the template's drop-down list: `choices` are its values, or a
    Django choices class (TextChoices) whose labels they are."""
    from .excel import Column

    labels = tuple(str(label) for label in getattr(choices, "labels", choices))
    return Column(key, header, kind="choice", required=True, choices=labels, example=example, **extra)


class ReferenceData:
    """The one lookup of reference data (项目类别, 区, 街镇, 购买服务类型) by what a file may say: an
    exact name or code, matched with `norm` (so “黄浦区 ”, “ＢＡＳＩＣ_PUBLIC” and “0101” are found),
    a category also as “一级/二级” or by its 二级 name alone when that name is unique. Anything else
    is a ValueError in Chinese, never a guess. The tables are read from portal/refdata.py, whose
    `district_named` says the tolerance."""

    @cached_property
    def _categories(self):
        by_key, by_name, top = {}, {}, set()
        for c in refdata.categories():
            by_key[norm(c.code)] = c
            if c.parent_id is None:
                top.add(norm(c.name))
            else:
                by_key[norm(category_label(c))] = c
                by_name.setdefault(norm(c.name), []).append(c)
        return by_key, by_name, top

    def category(self, value):
        by_key, by_name, top = self._categories
        key = norm(value)
        found = by_key.get(key)
        if found is None:
            same_name = by_name.get(key, [])
            if len(same_name) > 1:
                raise ValueError(
                    f"“{value}”对应本平台多个二级类别，请写成“一级类别/二级类别”，例如“{category_label(same_name[0])}”"
                )
            found = same_name[0] if same_name else None
        if found is None and key not in top:
            raise ValueError(
                f"“{value}”无法对应本平台的项目类别：请填写“一级类别/二级类别”（如“养老服务/居家养老服务”）、"
                "二级类别名称或类别代码（如 0101）"
            )
        if found is None or found.parent_id is None:
            raise ValueError(f"“{value}”是一级类别，请填写具体的二级类别，如“养老服务/居家养老服务”")
        if not found.is_active:
            raise ValueError(f"项目类别“{value}”在本平台已停用")
        return found

    def district(self, value):
        found = refdata.district_named(value)
        if found is None:
            raise ValueError(f"“{value}”不是上海市的区：请填写区名（如“黄浦区”）或六位区划代码（如 310101）")
        return found

    def street(self, value, district):
        found = refdata.street_named(value, district)
        if found is None:
            raise ValueError(f"“{value}”不是本平台登记的{district.name}街镇，请核对名称")
        return found

    def purchase_type(self, value):
        found = refdata.purchase_type_named(value)
        if found is None:
            names = "、".join(dict.fromkeys(p.name for p in refdata.purchase_types()))
            raise ValueError(f"“{value}”不是本平台的购买服务类型，可填：{names}")
        return found


class _Lookup(Widget):
    """A value typed (or picked from the template's drop-down) → a row through `ReferenceData`."""

    kind = ""

    def __init__(self):
        super().__init__()
        self.reference = ReferenceData()

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        return getattr(self.reference, self.kind)(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class CategoryWidget(_Lookup):
    kind = "category"

    def render(self, value, obj=None, **kwargs):
        return category_label(value) if value else ""


class DistrictWidget(_Lookup):
    kind = "district"


class PurchaseTypeWidget(_Lookup):
    kind = "purchase_type"


class StreetWidget(_Lookup):
    """A 街镇 by name, within the row's district column."""

    def __init__(self, district_key="district"):
        super().__init__()
        self.district_key = district_key

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        district = (row or {}).get(self.district_key)
        try:
            district = self.reference.district(district) if district not in (None, "") else None
        except ValueError:
            district = None
        if district is None:
            raise ValueError(f"“{value}”不是所选区的街镇，请先填写正确的区。")
        return self.reference.street(value, district)


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
