from django import template
from django.utils.safestring import mark_safe

from notices.richtext import body_html

register = template.Library()


@register.filter
def safe_html(value):
    """A notice's body through the same allow-list it was saved with (defence in depth); a body stored
    as plain text (before the editor) is shown with its paragraphs and line breaks."""
    return mark_safe(body_html(value))  # noqa: S308 - plain text escaped, HTML sanitized by nh3
