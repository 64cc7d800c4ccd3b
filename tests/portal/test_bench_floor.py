"""The bench's second floor renders the demand listing's own template from memory (issue 15, #17)."""

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from bench import views


def test_floor_renders_the_demand_listing_template_without_the_database():
    """No `db` fixture: pytest-django makes any query fail this test."""
    request = RequestFactory().get("/bench/floor/listing/", {"page": "2"})
    request.user = AnonymousUser()
    response = views.listing(request)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<li class="card mb-2">') == 20
    # the real listing's markup: its links to the unit, the organisation and the feed, its form
    assert 'href="/demands/1980/"' in html
    assert 'href="/units/1980/"' in html
    assert "/organizations/" in html
    assert 'aria-label="搜索和筛选需求"' in html
    assert 'name="district"' in html and 'name="category"' in html
    assert "共找到 <strong>1,000+</strong> 个需求" in html
