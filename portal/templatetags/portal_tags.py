import datetime
from decimal import Decimal, InvalidOperation

from django import forms, template
from django.template.defaultfilters import date as date_filter

register = template.Library()


@register.simple_tag
def render_widget(field):
    """A form field's widget with Bootstrap classes and its help/error text tied to it for screen readers.
    Also the Jinja2 fragments' `render_widget(field)` (portal/jinja.py)."""
    widget = field.field.widget
    if isinstance(widget, (forms.CheckboxInput,)):
        css = "form-check-input"
    elif isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        css = ""
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    errors = field.errors  # a new empty ErrorList on each read when there are none
    if errors:
        css += " is-invalid"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if errors:
        described.append(f"{field.auto_id}_error")
    attrs = {"class": css.strip()}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def yuan(value):
    """An amount in 元 with thousands separators: 1234567.5 → 1,234,567.50 元."""
    return _grouped(value, 2, " 元")


@register.filter
def figure(value, decimals=0):
    """A count or figure with thousands separators, as the statistics and the listings write them:
    24630 → 24,630; with `decimals` (万元: 2) 592400.1 → 592,400.10. Django's `intcomma` and
    floatformat's "g" follow the zh-hans locale, which groups no digits (the home page said 24630)."""
    return _grouped(value, int(decimals))


def _grouped(value, decimals, unit=""):
    """`value` with thousands separators and `decimals` places, then `unit`; "—" when empty, and a value
    that is not a number as it is."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    return f"{number:,.{decimals}f}{unit}"


@register.filter(expects_localtime=True)
def ymd(value):
    """`value|date:"Y-m-d"` for a date or datetime (in local time), without the format machinery: a listing
    prints three per card (issue 15). Anything else goes to the date filter itself."""
    if isinstance(value, datetime.date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    return date_filter(value, "Y-m-d")


@register.filter
def startswith(value, prefix):
    return bool(prefix) and str(value).startswith(str(prefix))


@register.filter
def widget_kind(field):
    """'choices' for radio/checkbox groups (rendered as a fieldset), 'checkbox', or 'input'."""
    widget = field.field.widget
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return "choices"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"
