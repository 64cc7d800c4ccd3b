"""社会组织主页 and 购买主体主页: what a purchaser wants to know before calling an organization, and
what an organization wants to know about a purchaser. Each page is a fixed number of queries."""

from django.db.models import Count, Q

from accounts import permissions
from demands.models import Demand
from demands.models import Status as DemandStatus
from directory.models import Application
from notices.models import Article, ItemStatus
from offerings.models import Offering
from offerings.selectors import with_area_labels

DONE_STATUSES = (DemandStatus.AWARDED, DemandStatus.EVALUATED)
PROFILE_LIST_LIMIT = 50


def organization_context(organization, user):
    """Everything the 社会组织主页 shows to `user` (queries: memberships, offers, areas, awards,
    and 失信记录 for those who may see them)."""
    memberships = list(
        Application.objects.published_members()
        .filter(organization=organization)
        .order_by("-edition__year")
        .values_list("edition__year", flat=True)
    )
    offers = with_area_labels(
        Offering.objects.public()
        .filter(organization=organization)
        .select_related("category__parent")
        .order_by("-published_at", "-pk")[:PROFILE_LIST_LIMIT]
    )
    awards = list(
        Demand.objects.public()
        .filter(awarded_org=organization, status__in=DONE_STATUSES)
        .select_related("unit", "category__parent")
        .order_by("-awarded_on", "-pk")[:PROFILE_LIST_LIMIT]
    )
    show_credit = permissions.can_view_credit_records(user)
    return {
        "organization": organization,
        "memberships": memberships,
        "offers": offers,
        "awards": awards,
        "show_contacts": permissions.can_view_contacts(user),
        "show_serious_notice": permissions.can_view_contacts(user) and organization.on_serious_list,
        "show_credit": show_credit,
        "credit_records": list(organization.credit_records.select_related("finding").order_by("-recorded_on"))
        if show_credit
        else [],
    }


def unit_context(unit, user):
    """Everything the 购买主体主页 shows: current demands, past ones with their awards and
    evaluations, a few figures and the unit's notices."""
    mine = Demand.objects.public().filter(unit=unit)
    current = list(
        mine.filter(status=DemandStatus.PUBLISHED)
        .select_related("category__parent")
        .order_by("-published_at", "-pk")[:PROFILE_LIST_LIMIT]
    )
    past = list(
        mine.exclude(status=DemandStatus.PUBLISHED)
        .select_related("category__parent", "awarded_org")
        .order_by("-published_at", "-pk")[:PROFILE_LIST_LIMIT]
    )
    figures = mine.aggregate(
        current=Count("pk", filter=Q(status=DemandStatus.PUBLISHED)),
        past=Count("pk", filter=~Q(status=DemandStatus.PUBLISHED)),
        awarded=Count("pk", filter=Q(status__in=DONE_STATUSES)),
        evaluated=Count("pk", filter=Q(status=DemandStatus.EVALUATED)),
    )
    notices = list(
        Article.objects.filter(publisher_unit=unit, status=ItemStatus.PUBLISHED).order_by(
            "-publish_date", "-pk"
        )[:10]
    )
    return {
        "unit": unit,
        "current": current,
        "past": past,
        "figures": figures,
        "notices": notices,
        "show_contacts": permissions.can_view_contacts(user),
        "limit": PROFILE_LIST_LIMIT,
    }
