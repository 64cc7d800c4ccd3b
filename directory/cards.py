"""The 推荐目录 page's cards (templates/directory/edition.html): each member of a page as a Card
(portal/cards.py), the values its card prints computed once here instead of by template variables,
`{% url %}` tags and loops per card (issue 15; see demands/cards.py)."""

from django.utils.html import format_html_join

from portal.cards import Card
from portal.templatetags.cached_url import cached_reverse, environment


def member_cards(applications, evidence, *, can_remove=False):
    """A Card for each of `applications` (a list, from `selectors.members()`), `evidence` their evidence
    offers by application id (`selectors.evidence_of`); `can_remove`: with the link that removes the
    member (the city administrator's)."""
    env = environment()

    def url(name, pk):
        return cached_reverse(name, [pk], env=env)

    cards = []
    for app in applications:
        org = app.organization
        cards.append(
            Card(
                app,
                org_url=url("matching:organization", app.organization_id),
                name=org.name,
                org_type=org.get_org_type_display(),
                authority=org.registration_authority,
                district=org.district.name,
                # The evidence offers as the page lists them, escaped: 'title（category）' links joined by '；'.
                evidence=format_html_join(
                    "；",
                    '<a href="{}">{}</a>（{}）',
                    (
                        (url("offerings:detail", o.pk), o.title, str(o.category))
                        for o in evidence.get(app.pk, ())
                    ),
                ),
                remove_url=url("directory:remove_member", app.pk) if can_remove else "",
            )
        )
    return cards
