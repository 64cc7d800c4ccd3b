"""The matching blocks other apps' pages show: 可能合适的社会组织 on a demand, 可能匹配的需求 on an
offer and on an organization's 工作台. Kept here so that demands/ and offerings/ need not know matching."""

from django import template

from demands.models import Status as DemandStatus
from matching import ranking
from offerings.models import Offering

register = template.Library()


@register.inclusion_tag("matching/_organization_suggestions.html")
def organization_suggestions(demand):
    """Only while the demand looks for an organization: published and not awarded yet."""
    if demand.status != DemandStatus.PUBLISHED:
        return {"show": False}
    return {"show": True, "suggestions": ranking.suggest_organizations(demand)}


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
