"""The offer listing's cards (offerings/cards.py, issue 15) print exactly what the card template printed
when it read each offer itself: the markup below is that template, kept here as the reference."""

import pytest

from offerings import selectors
from offerings.cards import offering_cards
from offerings.models import Offering
from tests.factories import OfferingFactory
from tests.helpers import cards_as_printed

pytestmark = pytest.mark.django_db

# The offer card (templates_jinja2/offerings/cards.html) before the cards were computed in Python.
CARD_FROM_THE_MODEL = """{% load portal_tags cached_url %}{% for o in rows %}
  <li class="card mb-2"><div class="card-body">
    <h2 class="h5 mb-1"><a href="{% url 'offerings:detail' o.pk %}">{{ o.title }}</a>
      {% if o.previously_purchased %}<span class="badge text-bg-primary status-badge">曾被政府购买</span>{% endif %}
      {% if o.is_member %}<span class="badge text-bg-success status-badge">推荐目录</span>{% endif %}</h2>
    <p class="mb-1"><a href="{% url 'matching:organization' o.organization_id %}">{{ o.organization.name }}</a>　|　{{ o.category }}　|　服务区域：{{ o.area_label }}</p>
    <p class="mb-0">{{ o.summary|truncatechars:90 }}</p>
  </div></li>
  {% endfor %}"""


@pytest.fixture
def offerings(hp_org):
    """An offer down each branch of the card: bought before, in the 推荐目录, a title and a long summary to
    escape and cut, a citywide one."""
    made = [
        OfferingFactory(organization=hp_org, title="助老 <服务> & “关爱”", summary="长者<助餐>&送餐" * 20),
        OfferingFactory(
            organization=hp_org, previously_purchased=True, citywide=True, service_district_codes=""
        ),
        OfferingFactory(organization=hp_org),
    ]
    rows = selectors.with_area_labels(
        Offering.objects.filter(pk__in=[o.pk for o in made])
        .select_related(*selectors.LIST_RELATED)
        .order_by("pk")
    )
    for i, row in enumerate(rows):
        row.is_member = i == 2
    return rows


def test_each_card_prints_what_the_template_printed_from_the_offer(offerings):
    expected, actual = cards_as_printed(
        "offerings/cards.html", CARD_FROM_THE_MODEL, offerings, offering_cards(offerings)
    )
    assert actual == expected
    # and the branches were taken
    assert (
        "助老 &lt;服务&gt; &amp; “关爱”" in actual
        and "长者&lt;助餐&gt;&amp;送餐" in actual
        and actual.count("长者") < 15  # cut to 90 characters
    )
    assert actual.count("曾被政府购买</span>") == 1 and actual.count(">推荐目录</span>") == 1
    assert "服务区域：全市" in actual and "服务区域：黄浦区" in actual
