"""Jinja2 for the hot, repeated fragments (issue 15): the listings' cards and the pagination, rendered
twenty to a page, and the home page's lists, where Django's templates spent about half of a listing's
rendering on variable nodes.
The pages around them stay Django templates and include a fragment with `{% jinja "name" key=value %}`
(portal/templatetags/jinja.py). The fragments live in templates_jinja2/ (settings.TEMPLATES' second
engine), which the Django engine never reads, so each fragment's markup exists once.

A fragment prints as Django's templates print: `printed` (the environment's finalize, before Jinja2's own
escaping) localizes what is not text, leaves marked-safe values as they are, and escapes by Django's rule
(`html.escape`: `"` → `&quot;`, `'` → `&#x27;`, where markupsafe writes `&#34;` and `&#39;`), so the bytes a
user gets do not change (tests/portal/test_jinja.py). `a.b` reads a dict's key before an attribute, as
Django's templates do: a Card (portal/cards.py) answers attribute reads with its row's, so Jinja2's own order
(attribute first) would print the demand's District where the card holds its name. Fragments are handed
ready values (the cards of demands/cards.py, offerings/cards.py, directory/cards.py); callables are called
in the fragment, `()`; `url(name, *args)` is `{% url %}` (cached_url.cached_reverse), `|yuan` and
`render_widget(field)` portal_tags'.
"""

import html

from django.template import engines
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from jinja2 import Environment
from markupsafe import Markup

from portal.templatetags.cached_url import cached_reverse
from portal.templatetags.portal_tags import render_widget, yuan


def printed(value):
    """`value` as Django's `{{ value }}` prints it (render_value_in_context), for Jinja2's escaping next.
    Text without quotes and integers (settings.USE_THOUSAND_SEPARATOR is off) print alike in both, left to
    markupsafe's C escaping; other text is escaped here, other values localized first."""
    kind = type(value)
    if kind is int or (kind is str and '"' not in value and "'" not in value):
        return value
    if kind is not str:
        if hasattr(value, "__html__"):
            return value
        value = str(localize(template_localtime(value)))
    return Markup(html.escape(value))


class DjangoLookups(Environment):
    def getattr(self, obj, attribute):
        """`obj.attribute`: a dict's key first, as in Django's templates, then Jinja2's attribute, item."""
        if isinstance(obj, dict):
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def url(view_name, *args):
    return cached_reverse(view_name, args)


def environment(**options):
    """The Jinja2 engine's environment (settings.TEMPLATES; Django's backend sets autoescape and the loader).
    A fragment's last newline is kept, as Django keeps it."""
    env = DjangoLookups(finalize=printed, keep_trailing_newline=True, **options)
    env.globals["url"] = url
    env.filters["yuan"] = yuan
    env.globals["render_widget"] = render_widget  # a form field's widget (the listings' filter fields)
    return env


def render(name, **context):
    """The Jinja2 fragment `name` rendered with `context`, as safe text for a Django template."""
    return SafeString(engines["jinja2"].env.get_template(name).render(context))
