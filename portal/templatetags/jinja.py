"""`{% load jinja %}`: `{% jinja "demands/cards.html" cards=page.object_list %}` renders a Jinja2 fragment
(templates_jinja2/, portal/jinja.py) with the given values only, into a Django template."""

from django import template

from portal.jinja import render

register = template.Library()


@register.simple_tag(name="jinja")
def jinja_fragment(name, **context):
    return render(name, **context)
