"""The matching blocks other apps' pages show: 可能合适的社会组织 on a demand, 可能匹配的需求 on an
offer and on an organization's 工作台. Kept here so that demands/ and offerings/ need not know matching."""

from django import template

from demands.models import Status as DemandStatus
from matching import ranking
from matching.suggestion_log import record_shown
from offerings.models import Offering

register = template.Library()


@register.inclusion_tag("matching/_organization_suggestions.html")
def organization_suggestions(demand):
    """Only while the demand looks for an organization: published and not awarded yet."""
    if demand.status != DemandStatus.PUBLISHED:
        return {"show": False}
    suggestions = ranking.suggest_organizations(demand)
    record_shown(demand, suggestions)  # for the figures' “承接方曾被推荐” (issue 13 §7)
    return {"show": True, "suggestions": suggestions}


@register.inclusion_tag("matching/_demand_suggestions.html")
def offering_demand_suggestions(offering):
    if not offering.is_public:
        return {"show": False}
    return {"show": True, "demands": ranking.suggest_demands([offering]), "heading_id": "match-offer"}


@register.inclusion_tag("matching/_demand_suggestions.html")
def organization_demand_suggestions(organization):
    if not organization.is_eligible:
        return {"show": True, "ineligible": True, "heading_id": "match-org"}
    offers = (
        Offering.objects.public()
        .filter(organization=organization)
        .only("pk", "title", "category_id", "citywide", "service_district_codes")
    )
    return {"show": True, "demands": ranking.suggest_demands(offers), "heading_id": "match-org"}


def _has_interests(demand):
    """`has_interests` when the page read it with the demand (`demands.views._with_interest_flag`)."""
    flag = getattr(demand, "has_interests", None)
    return demand.interests.exists() if flag is None else flag


@register.inclusion_tag("matching/_interests.html", takes_context=True)
def interest_block(context, demand):
    """承接意向 on a demand's page: the 第十四条 statement for everyone; the list with contacts for its
    purchaser (and, read only, the administrators over it); its own interest or the form for an
    organization."""
    from accounts import permissions
    from matching.models import Interest

    user = context["request"].user
    data = {
        "demand": demand,
        "user": user,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }
    # Who sees more reads it whether or not a closed demand has any 承接意向 (then the block is hidden),
    # so that the page costs the same on every demand of a status whatever it holds (issue 15).
    shown = demand.status == DemandStatus.PUBLISHED
    if permissions.can_view_interests(user, demand):
        data["interests"] = list(
            Interest.objects.filter(demand=demand)
            .select_related("organization", "offering")
            .order_by("created_at")
        )
        data["can_mark"] = permissions.is_purchaser(user) and demand.status == DemandStatus.PUBLISHED
        shown = shown or bool(data["interests"])
    elif permissions.is_organization_user(user):
        data["mine"] = Interest.objects.filter(demand=demand, organization_id=user.organization_id).first()
        data["can_express"] = permissions.can_express_interest(user, demand)
        data["listed"] = not user.organization.is_eligible
        if data["can_express"]:
            data["offers"] = list(
                Offering.objects.public().filter(organization_id=user.organization_id).only("pk", "title")
            )
    if not (shown or _has_interests(demand)):
        return {"show": False}
    data["show"] = True
    return data
