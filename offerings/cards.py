"""The offer listing's cards (templates/offerings/list.html): each offer of a page as a dict of the
values its card prints, computed once here rather than by template tags and filters per card
(issue 15; see demands/cards.py)."""

from django.template.defaultfilters import truncatechars

from portal.cards import Card
from portal.templatetags.cached_url import cached_reverse, environment


def offering_cards(offerings):
    """A Card for each of `offerings` (a list, with `area_label` and `is_member` set)."""
    env = environment()
    return [
        Card(
            o,
            url=cached_reverse("offerings:detail", [o.pk], env=env),
            title=o.title,
            previously_purchased=o.previously_purchased,
            member=o.is_member,
            org_url=cached_reverse("matching:organization", [o.organization_id], env=env),
            org=o.organization.name,
            category=str(o.category),
            area=o.area_label,
            summary=truncatechars(o.summary, 90),
        )
        for o in offerings
    ]
