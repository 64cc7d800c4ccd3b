"""公开答疑 on a demand's page (issue 13 §6), kept here so that demands/ need not know matching."""

from django import template

from accounts import permissions
from matching import questions

register = template.Library()


@register.inclusion_tag("matching/questions/_block.html", takes_context=True)
def question_block(context, demand):
    """One query for everyone (`questions.for_page`); nothing at all on a demand that is not public."""
    if not demand.is_public:
        return {"show": False}
    user = context["request"].user
    data = questions.for_page(demand, user)
    data.update(
        show=True,
        demand=demand,
        user=user,
        request=context["request"],
        csrf_token=context.get("csrf_token"),
        can_ask=permissions.can_ask_question(user, demand),
        listed=permissions.is_organization_user(user) and not user.organization.is_eligible,
        limit=questions.PENDING_LIMIT,
        limits=questions.LIMITS,
    )
    return data
