"""The demand listing's cards (demands/cards.py, issue 15) print exactly what the card template printed
when it read each demand itself: the markup below is that template, kept here as the reference."""

import datetime
from decimal import Decimal

import pytest

from demands import selectors
from demands.cards import demand_cards
from demands.models import Demand, Status
from tests.factories import DemandFactory
from tests.helpers import cards_as_printed

pytestmark = pytest.mark.django_db

# The demand card (templates_jinja2/demands/cards.html) before the cards were computed in Python.
CARD_FROM_THE_MODEL = """{% load portal_tags cached_url %}{% for d in rows %}
  <li class="card mb-2"><div class="card-body">
    <h2 class="h5 mb-1"><a href="{% url 'demands:detail' d.pk %}">{{ d.title }}</a>
      <span class="badge {% if d.status == 'published' %}text-bg-success{% elif d.status == 'cancelled' %}text-bg-secondary{% else %}text-bg-primary{% endif %} status-badge">{{ d.get_status_display }}</span>
      {% if not d.from_platform %}<span class="badge text-bg-light border status-badge">来源：{{ d.source }}</span>{% endif %}
    </h2>
    <p class="mb-1"><a href="{% url 'matching:unit' d.unit_id %}">{{ d.unit.name }}</a>　|　{{ d.category }}　|　服务区域：{{ d.district.name }}{% if d.street %} {{ d.street.name }}{% endif %}</p>
    {% if d.awarded_org_id %}<p class="mb-1">承接方：<a href="{% url 'matching:organization' d.awarded_org_id %}">{{ d.awarded_org.name }}</a>{% if d.awarded_member %} <span class="badge text-bg-success status-badge">推荐目录</span>{% endif %}</p>{% endif %}
    <p class="mb-0">预算 <strong>{{ d.budget|yuan }}</strong>　|　{{ d.year }}年度　|　实施期限 {{ d.period_start|ymd }} 至 {{ d.period_end|ymd }}　|　发布于 {{ d.published_at|ymd }}</p>
  </div></li>
  {% endfor %}"""


@pytest.fixture
def demands(hp_unit, hp_street, hp_org):
    """One demand down each branch of the card: every public status, another platform's, a street, a
    承接方 in the 推荐目录 and one not, a title to escape, a publication just before midnight UTC."""
    evening = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)  # 2 March in Shanghai
    made = [
        DemandFactory(unit=hp_unit, title="助老 <服务> & “关爱”", street=hp_street, published_at=evening),
        DemandFactory(unit=hp_unit, status=Status.CANCELLED),
        DemandFactory(
            unit=hp_unit, status=Status.AWARDED, awarded_org=hp_org, source="财政政府购买服务管理平台"
        ),
        DemandFactory(unit=hp_unit, status=Status.EVALUATED, awarded_org=hp_org, budget=Decimal("1234567.5")),
    ]
    listed = Demand.objects.select_related(*selectors.LIST_RELATED).prefetch_related(*selectors.LIST_PREFETCH)
    rows = [listed.get(pk=d.pk) for d in made]
    for row, member in zip(rows, (False, False, True, False), strict=True):
        row.awarded_member = member
    return rows


def test_each_card_prints_what_the_template_printed_from_the_demand(demands):
    expected, actual = cards_as_printed(
        "demands/cards.html", CARD_FROM_THE_MODEL, demands, demand_cards(demands)
    )
    assert actual == expected
    # and the branches were taken
    assert "助老 &lt;服务&gt; &amp; “关爱”" in actual and " 南京东路街道</p>" in actual
    assert "text-bg-secondary" in actual and "来源：财政政府购买服务管理平台" in actual
    assert actual.count(">推荐目录</span>") == 1 and "1,234,567.50 元" in actual
    assert "发布于 2026-03-02" in actual
