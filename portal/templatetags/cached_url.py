"""`{% load cached_url %}`: Django's `{% url %}` with each URL name reversed once per process.

Django's `reverse()` walks the resolver's candidate patterns on every call: a listing page's ~80 `{% url %}`
tags (20 cards × three links, the site frame's navigation) cost about a fifth of its rendering (issue 15).
Here the first call for a URL name (and the number of its arguments, the current app, urlconf, script
prefix and language) reverses it once with numbered placeholders and keeps the text between them; later
calls with non-negative integer arguments (primary keys, the only arguments the cards pass) join the
kept parts with the numbers. Any other argument, keyword arguments, or a name whose placeholders do not
come back exactly once each go through `reverse()` unchanged. Same syntax, same output, same errors:
`tests/portal/test_cached_url.py` compares it with `reverse()`.
"""

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

PLACEHOLDER = 918_273_645_000  # placeholder n is PLACEHOLDER + n: a number no URL of the portal holds
_PARTS = {}
_NOT_CACHED = ()
ENVIRONMENT = object()  # the render context's key for environment()


def _parts(view_name, count, current_app):
    """The text of `view_name`'s URL around its `count` integer arguments, or _NOT_CACHED."""
    text = reverse(view_name, args=[PLACEHOLDER + i for i in range(count)], current_app=current_app)
    parts = []
    for i in range(count):
        before, *after = text.split(str(PLACEHOLDER + i))
        if len(after) != 1:
            return _NOT_CACHED
        parts.append(before)
        text = after[0]
    parts.append(text)
    return tuple(parts)


def environment():
    """What else a reversed URL depends on: the urlconf, the script prefix and the language (thread-locals)."""
    return get_urlconf(), get_script_prefix(), get_language()


def cached_reverse(view_name, args=(), current_app=None, env=None):
    """reverse(view_name, args=args, current_app=current_app), from the kept parts when `args` are integers.
    `env` is environment() when the caller already has it."""
    if not all(type(arg) is int and arg >= 0 for arg in args):
        return reverse(view_name, args=args, current_app=current_app)
    key = (view_name, len(args), current_app, env or environment())
    parts = _PARTS.get(key)
    if parts is None:
        expected = reverse(view_name, args=args, current_app=current_app)  # raises NoReverseMatch as before
        parts = _parts(view_name, len(args), current_app)
        if parts is not _NOT_CACHED and _join(parts, args) != expected:
            parts = _NOT_CACHED
        _PARTS[key] = parts
        return expected
    if parts is _NOT_CACHED:
        return reverse(view_name, args=args, current_app=current_app)
    return _join(parts, args)


def _join(parts, args):
    out = [parts[0]]
    for arg, part in zip(args, parts[1:], strict=True):
        out.append(str(arg))
        out.append(part)
    return "".join(out)


class CachedURLNode(URLNode):
    @staticmethod
    def environment(context):
        """environment(), read once per template render (three thread-local look-ups per tag otherwise)."""
        env = context.render_context.get(ENVIRONMENT)
        if env is None:
            env = context.render_context[ENVIRONMENT] = environment()
        return env

    def render(self, context):
        if self.kwargs:
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        if hasattr(request, "current_app"):  # as URLNode: request.current_app, else the resolved namespace
            current_app = request.current_app
        else:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        url = ""
        try:
            url = cached_reverse(view_name, args, current_app, self.environment(context))
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's `{% url %}` (same arguments, `as var` included), reversed through `cached_reverse`."""
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
