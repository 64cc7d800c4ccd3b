from django.shortcuts import get_object_or_404, render

from accounts.models import PurchaserUnit, SocialOrganization

from . import profiles


def organization_profile(request, pk):
    """社会组织主页: public, with contacts, the 严重失信名单 notice and 失信记录 by role."""
    organization = get_object_or_404(
        SocialOrganization.objects.select_related("registration_district", "district"), pk=pk
    )
    return render(
        request, "matching/organization.html", profiles.organization_context(organization, request.user)
    )


def unit_profile(request, pk):
    """购买主体主页: public, contacts for logged-in users."""
    unit = get_object_or_404(PurchaserUnit.objects.select_related("district", "street"), pk=pk)
    return render(request, "matching/unit.html", profiles.unit_context(unit, request.user))
