"""The 推荐目录 page's 项目类别 and 所在区 selects (directory/filters.py `selects`, issue 15): written
by the listings' form (KeptSelect, the districts from portal/refdata.py) instead of the page's own
template loops; the same select, options, labels, groups and chosen option as those loops wrote."""

import pytest
from django.template import Context, Template

from demands.filters import category_choices
from portal.models import Category, District
from tests.factories import EditionFactory
from tests.html import select_one

from .conftest import edition_url

pytestmark = pytest.mark.django_db

# The page's filter selects as templates/directory/edition.html wrote them before (its context:
# categories = category_choices(), districts = District.objects.all(), category and district as given).
FORMER = Template(
    """<form>
<select class="form-select" id="id_category" name="category"><option value="">全部类别</option>
{% for group, options in categories %}<optgroup label="{{ group }}">{% for value, label in options %}<option value="{{ value }}"{% if value == category %} selected{% endif %}>{{ label }}</option>{% endfor %}</optgroup>{% endfor %}
</select>
<select class="form-select" id="id_district" name="district"><option value="">全市各区</option>
{% for d in districts %}<option value="{{ d.pk }}"{% if d.pk == district %} selected{% endif %}>{{ d.name }}</option>{% endfor %}
</select></form>"""
)


def described(page, name):
    """A select as a browser reads it: its attributes, each option (group, value, label) and the one
    chosen (the first when none is marked selected)."""
    element = select_one(page, f"select[name={name}]")
    options = [
        (option.getparent().get("label"), option.get("value"), option.text_content())
        for option in element.iter("option")
    ]
    marked = [i for i, option in enumerate(element.iter("option")) if option.get("selected") is not None]
    assert len(marked) <= 1
    return dict(element.attrib), options, options[marked[0] if marked else 0]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"category": "01"},
        {"category": "first-child"},
        {"category": "zz"},
        {"category": "0101xxxxxxxx"},
        {"district": "first"},
        {"district": "last", "category": "02"},
        {"district": "999999"},
        {"district": "abc", "q": "社工"},
    ],
)
def test_the_selects_are_the_ones_the_page_wrote_before(client, params):
    edition = EditionFactory()
    districts = list(District.objects.all())
    child = Category.objects.filter(parent__isnull=False, is_active=True).order_by("code").first()
    params = dict(params)
    if params.get("district") in ("first", "last"):
        params["district"] = str(districts[0 if params["district"] == "first" else -1].pk)
    if params.get("category") == "first-child":
        params["category"] = child.code
    response = client.get(edition_url(edition), params)
    assert response.status_code == 200
    former = FORMER.render(
        Context(
            {
                "categories": category_choices(),
                "districts": districts,
                "category": response.context["category"],
                "district": response.context["district"],
            }
        )
    )
    for name in ("category", "district"):
        assert described(response, name) == described(former, name)
    _, options, chosen = described(response, "category")
    assert len(options) == Category.objects.filter(is_active=True).count() + 1
    expected = params.get("category", "")[:8]
    assert chosen[1] == (expected if expected in {value for _, value, _ in options} else "")
    _, options, chosen = described(response, "district")
    assert len(options) == len(districts) + 1 > 1
    assert chosen[1] == (
        params["district"] if params.get("district") in {str(d.pk) for d in districts} else ""
    )
