"""The demand listing's cards (templates/demands/list.html): each demand of a page as a Card
(portal/cards.py), the values its card prints computed once here instead of by template tags and
filters per card.

A card read through Django templates costs per variable: a model attribute is tried as a key first
(an exception), its chain walked, each `{% url %}` reversed, each filter looked up; at 20 cards that was
about half of the listing's rendering (issue 15). A dict's keys are found on the first try. The same
function builds the cards of the real page (demands.views.demand_list) and of floor 2 (bench/views.py).
"""

from django.utils.timezone import template_localtime

from portal.cards import Card
from portal.templatetags.cached_url import cached_reverse, environment
from portal.templatetags.portal_tags import ymd, yuan

from .models import Status

# The status badge's colour: 已发布 green, 已取消 grey, the others (承接, 评价) blue.
STATUS_CLASSES = {Status.PUBLISHED: "text-bg-success", Status.CANCELLED: "text-bg-secondary"}


def demand_cards(demands):
    """A Card for each of `demands` (a list, with `awarded_member` set by mark_members)."""
    env = environment()

    def url(name, pk):
        return cached_reverse(name, [pk], env=env)

    return [
        Card(
            d,
            url=url("demands:detail", d.pk),
            title=d.title,
            status_class=STATUS_CLASSES.get(d.status, "text-bg-primary"),
            status=d.get_status_display(),
            external=not d.from_platform,
            source=d.source,
            unit_url=url("matching:unit", d.unit_id),
            unit=d.unit.name,
            category=str(d.category),
            district=d.district.name,
            street=d.street.name if d.street else "",
            org_url=url("matching:organization", d.awarded_org_id) if d.awarded_org_id else "",
            org=d.awarded_org.name if d.awarded_org_id else "",
            member=d.awarded_member,
            budget=yuan(d.budget),
            year=str(d.year),  # as text: an int goes through number formatting
            period_start=ymd(d.period_start),
            period_end=ymd(d.period_end),
            published=ymd(template_localtime(d.published_at)),
        )
        for d in demands
    ]
