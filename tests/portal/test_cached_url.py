"""`{% load cached_url %}` (portal/templatetags/cached_url.py, issue 15): the same URLs as Django's `{% url %}`."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import NoReverseMatch, reverse, set_script_prefix

from portal.templatetags import cached_url


def render(source, **context):
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("name", "args"),
    [("demands:detail", [1]), ("demands:detail", [918_273_645_000]), ("matching:unit", [7]), ("home", [])],
)
def test_cached_reverse_equals_reverse_on_the_first_and_later_calls(name, args):
    cached_url._PARTS.clear()
    assert cached_url.cached_reverse(name, args) == reverse(name, args=args)
    assert cached_url.cached_reverse(name, args) == reverse(name, args=args)
    other = [a + 12 for a in args]
    assert cached_url.cached_reverse(name, other) == reverse(name, args=other)


def test_tag_renders_like_django_url_tag():
    source = (
        "{% url 'demands:detail' pk %}|{% url 'home' %}|{% url 'matching:organization' pk as org %}{{ org }}"
    )
    cached = render("{% load cached_url %}" + source, pk=42)
    assert cached == render(source, pk=42)
    assert (
        cached
        == f"{reverse('demands:detail', args=[42])}|{reverse('home')}|{reverse('matching:organization', args=[42])}"
    )


def test_other_arguments_go_through_reverse():
    # a string argument, a negative number, keyword arguments: reverse() itself decides (and raises)
    assert render("{% load cached_url %}{% url 'demands:detail' '5' %}") == reverse(
        "demands:detail", args=["5"]
    )
    assert render("{% load cached_url %}{% url 'demands:detail' pk=5 %}") == reverse(
        "demands:detail", args=[5]
    )
    with pytest.raises(NoReverseMatch):
        render("{% load cached_url %}{% url 'demands:detail' -1 %}")
    with pytest.raises(NoReverseMatch):
        render("{% load cached_url %}{% url 'demands:detail' 'x' %}")
    assert render("{% load cached_url %}{% url 'demands:detail' 'x' as u %}[{{ u }}]") == "[]"
    with pytest.raises(TemplateSyntaxError):
        Template("{% load cached_url %}{% url %}")


def test_script_prefix_is_part_of_the_key():
    cached_url._PARTS.clear()
    assert cached_url.cached_reverse("demands:detail", [3]) == reverse("demands:detail", args=[3])
    set_script_prefix("/portal/")
    try:
        assert cached_url.cached_reverse("demands:detail", [3]) == reverse("demands:detail", args=[3])
        assert cached_url.cached_reverse("demands:detail", [3]).startswith("/portal/")
    finally:
        set_script_prefix("/")
    assert cached_url.cached_reverse("demands:detail", [3]) == "/" + reverse(
        "demands:detail", args=[3]
    ).lstrip("/")
