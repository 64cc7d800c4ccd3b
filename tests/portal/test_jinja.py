"""The Jinja2 fragments (portal/jinja.py, templates_jinja2/; issue 15): the listings' cards, the pagination
and the 发起内容监测 button print exactly what Django's templates printed, escaping included, and each
fragment's markup exists once."""

import datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template import TemplateDoesNotExist, engines
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from portal.cards import Card
from tests.factories import DemandFactory, OfferingFactory

FRAGMENTS = Path(settings.BASE_DIR) / "templates_jinja2"
HOSTILE = """<script>alert("x")</script> & 'q'"""
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;"  # Django's entities


def printed_by_jinja(value):
    return engines["jinja2"].env.from_string("{{ v }}").render(v=value)


@pytest.mark.parametrize(
    "value",
    [
        "养老服务",
        HOSTILE,
        mark_safe("<b>已标记</b>"),
        format_html('<a href="{}">{}</a>', "/x/?a=1&b=2", HOSTILE),
        gettext_lazy("…"),
        24630,
        -3,
        True,
        None,
        Decimal("1234567.50"),
        1.5,
        datetime.date(2026, 3, 2),
        datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC),
    ],
)
def test_a_value_prints_as_django_prints_it(value):
    assert printed_by_jinja(value) == engines["django"].from_string("{{ v }}").render({"v": value})


def test_text_is_escaped_with_djangos_entities():
    assert printed_by_jinja(HOSTILE) == ESCAPED


def test_a_card_prints_its_own_value_before_its_rows():
    """Django's order (a key before an attribute): a card's 区 is its name, not the row's District."""
    card = Card(SimpleNamespace(district=SimpleNamespace(name="黄浦区"), pk=7), district="黄浦区")
    assert engines["jinja2"].env.from_string("{{ c.district }} {{ c.pk }}").render(c=card) == "黄浦区 7"


def test_each_fragment_exists_once_and_only_for_jinja2():
    fragments = [p.relative_to(FRAGMENTS).as_posix() for p in FRAGMENTS.rglob("*.html")]
    assert "components/pagination.html" in fragments and "demands/cards.html" in fragments
    for name in fragments:
        assert not (Path(settings.BASE_DIR) / "templates" / name).exists()
        with pytest.raises(TemplateDoesNotExist):
            engines["django"].get_template(name)


def test_the_tag_includes_a_fragment_escaped_once():
    monitor = SimpleNamespace(is_authenticated=True, role="monitor")
    shown = (
        engines["django"]
        .from_string(
            '{% load jinja %}{% jinja "components/finding_button.html" user=user finding_type="demand" '
            "finding_id=3 finding_title=title %}"
        )
        .render({"user": monitor, "title": HOSTILE})
    )
    assert f'href="{reverse("supervision:finding_new")}?type=demand&amp;id=3"' in shown
    assert f"：{ESCAPED}</span>" in shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "path"), [(DemandFactory, "/demands/"), (OfferingFactory, "/offerings/")]
)
def test_a_hostile_title_stays_escaped_on_the_listing(client, factory, path):
    factory(title=HOSTILE)
    page = client.get(path).content.decode()
    assert f">{ESCAPED}</a>" in page
    assert "<script>alert" not in page
