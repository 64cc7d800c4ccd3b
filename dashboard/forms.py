"""The dashboard's filters: read leniently from the query string (an odd value falls back to its
default, never an error page) and shown as an unbound form holding the values in force."""

import re
from urllib.parse import urlencode

from django import forms

from accounts.models import UnitLevel
from portal import params

from .selectors import SOURCE_CHOICES, Params, this_year, year_choices

LEVELS = [("", "全部层级"), *UnitLevel.choices]


def parse_params(query, *, filters=True):
    """Params from a QueryDict; unknown or malformed values are ignored."""
    current = this_year()
    year = params.year(query, default=current, minimum=2015, maximum=current + 1, lenient=True)
    if not filters:
        return Params(year=year)
    category = query.get("category", "")
    level = query.get("level", "")
    source = query.get("source", "")
    return Params(
        year=year,
        category=category if re.fullmatch(r"\d{2}", category) else "",
        level=level if level in UnitLevel.values else "",
        source=source if source in dict(SOURCE_CHOICES) else "",
    )


def parse_district_id(query):
    return params.optional_id(query, "district", label="区")


def querystring(params, district=None):
    """The canonical query string of the filters in force (for export and sort links)."""
    pairs = [("year", params.year)]
    for key in ("category", "level", "source"):
        if getattr(params, key):
            pairs.append((key, getattr(params, key)))
    if district is not None:
        pairs.append(("district", district.pk))
    return urlencode(pairs)


class FilterForm(forms.Form):
    year = forms.ChoiceField(label="年度")
    category = forms.ChoiceField(label="项目类别（一级）", required=False)
    level = forms.ChoiceField(label="购买主体层级", required=False, choices=LEVELS)
    source = forms.ChoiceField(label="信息来源", required=False, choices=SOURCE_CHOICES)
    district = forms.ChoiceField(label="区", required=False)

    def __init__(self, *args, categories=(), district_rows=None, filters=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}年") for y in year_choices()]
        self.fields["category"].choices = [("", "全部类别"), *categories]
        if district_rows is None:
            del self.fields["district"]
        else:
            self.fields["district"].choices = [
                ("", "全市（各区对比）"),
                *((pk, n) for pk, _, n in district_rows),
            ]
        if not filters:
            for name in ("category", "level", "source"):
                del self.fields[name]

    @classmethod
    def showing(cls, params, district=None, **kwargs):
        initial = {
            "year": params.year,
            "category": params.category,
            "level": params.level,
            "source": params.source,
            "district": district.pk if district else "",
        }
        return cls(initial=initial, **kwargs)
