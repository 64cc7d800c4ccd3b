"""The form renderer (settings.FORM_RENDERER): Django's own, with `<select>` written in Python.

Django renders a select through two included templates per `<option>` (select.html, select_option.html,
attrs.html): the listings' filter forms have about 85 options, 176 template includes and ~57,000
Python calls per page, about half of the floor template's time (issue 15). `FastSelectRenderer` writes
the same markup, character for character, directly from the widget's context, and so for the three other
templates a filter form renders per field: the `<label>` (label.html), the `<input>` (input.html and the
input types that only include it) and an empty error list (nothing). Any other template, and any widget
with its own template, goes through Django's templates as before. `tests/listing/test_form_renderer.py`
compares both outputs.
"""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
LABEL = "django/forms/label.html"
# The input widgets whose template is input.html or only includes it.
INPUTS = {
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
    )
}
ERRORS = {"django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"}


_ESCAPED = {}  # plain text → its escaped form: the options of the filter forms, the same on every page
_ESCAPED_MAX = 10_000


def _escape(text):
    """conditional_escape(text), remembered for plain strings (an option's value and label are escaped
    on every rendering of the form: ~170 calls per listing page, issue 15). Safe strings, lazy text and
    anything else go to conditional_escape as they are."""
    if type(text) is not str:
        return conditional_escape(text)
    escaped = _ESCAPED.get(text)
    if escaped is None:
        if len(_ESCAPED) >= _ESCAPED_MAX:
            _ESCAPED.clear()
        escaped = _ESCAPED[text] = conditional_escape(text)
    return escaped


def _text(value):
    """`{{ value|stringformat:'s' }}`: a safe string as it is, anything else as text, escaped."""
    return conditional_escape(value if isinstance(value, str) else f"{value}")


def _attrs(attrs):
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    out = []
    for name, value in (attrs or {}).items():
        if value is False:
            continue
        text = _text(value)
        out.append(f" {name}" if value is True else f' {name}="{text}"')
    return "".join(out)


def render_select(widget):
    """select.html and select_option.html for the context's `widget`, or None if an option has its own template."""
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            value = _escape(f"{option['value']}")
            label = _escape(option["label"])
            out.append(
                f'\n  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n'
            )  # the template's own newline
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return mark_safe("".join(out))


def render_input(widget):
    """input.html: `<input type="…" name="…" value="…" attrs>`, the value only when it is not None."""
    value = widget["value"]
    value = "" if value is None else f' value="{_text(value)}"'
    type_, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
    return mark_safe(f'<input type="{type_}" name="{name}"{value}{_attrs(widget["attrs"])}>')


def render_label(context):
    """label.html: the label in its tag (`<label for="…">`) when the field has an id, else the label alone."""
    label = conditional_escape(context["label"])
    if not context["use_tag"]:
        return mark_safe(label.strip())
    tag = conditional_escape(context["tag"])
    return mark_safe(f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>")


class FastSelectRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        html = None
        if template_name == SELECT and "widget" in context:
            html = render_select(context["widget"])
        elif template_name in INPUTS and "widget" in context:
            html = render_input(context["widget"])
        elif template_name == LABEL and "use_tag" in context:
            html = render_label(context)
        elif template_name in ERRORS and "errors" in context and not context["errors"]:
            html = mark_safe("")
        if html is not None:
            return html
        return super().render(template_name, context, request=request)


def fixed():
    """The version of choices written in the code (statuses, levels, yes or no): one for the process's life."""
    return 0


class KeptSelect(forms.Select):
    """A `<select>` whose HTML is computed once per choices version, name, attributes and selected value:
    the selects of the listings' filter forms (the 项目类别's ~85 options and the 区's 17, the same on every
    page until the reference data changes; the statuses and levels, written in the code; issue 15).
    `version` is a callable naming the choices' version (`refdata.tag`, `fixed`; None: do not keep). The
    HTML is kept by the declared widget and the copies made of it (Django copies a field's widget for
    every field and form), which have its choices. Same HTML as forms.Select
    (tests/listing/test_form_renderer.py)."""

    KEPT_MAX = 1_000  # selected values come from the query string: bounded

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.kept = {}  # shared with the copies (Widget.__deepcopy__ copies attrs and choices, not this)

    def render(self, name, value, attrs=None, renderer=None):
        version = self.version()
        if version is None:
            return super().render(name, value, attrs, renderer)
        built = self.build_attrs(self.attrs, attrs)
        key = (version, name, tuple(self.format_value(value)), repr(built), type(renderer))
        html = self.kept.get(key)
        if html is None:
            if len(self.kept) >= self.KEPT_MAX:
                self.kept.clear()
            html = self.kept[key] = super().render(name, value, attrs, renderer)
        return html
