"""The form renderer (settings.FORM_RENDERER): Django's own, with `<select>` written in Python.

Django renders a select through two included templates per `<option>` (select.html, select_option.html,
attrs.html): the listings' filter forms have about 85 options, 176 template includes and ~57,000
Python calls per page, about half of the floor template's time (issue 15). `FastSelectRenderer` writes
the same markup, character for character, directly from the widget's context; any other template,
and any select widget with its own template, goes through Django's templates as before.
`tests/listing/test_form_renderer.py` compares both outputs.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs):
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        text = conditional_escape(f"{value}")
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
            value = conditional_escape(f"{option['value']}")
            label = conditional_escape(option["label"])
            out.append(
                f'\n  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n'
            )  # the template's own newline
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return mark_safe("".join(out))


class FastSelectRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT and "widget" in context:
            html = render_select(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)
