from django.db.models import Prefetch, Q

from offerings.models import Offering

from .models import Application, Edition, EditionStatus


def published_editions():
    return Edition.objects.filter(status=EditionStatus.PUBLISHED)


def latest_published_edition():
    return published_editions().order_by("-year").first()


def current_collecting_edition():
    return Edition.objects.filter(status=EditionStatus.COLLECTING).order_by("-year").first()


def members(edition):
    """The members of a published edition, with their organization and evidence offers."""
    return (
        Application.objects.members(edition)
        .select_related("organization__district", "organization__registration_district")
        .prefetch_related(
            Prefetch("evidence", queryset=Offering.objects.select_related("category__parent").order_by("pk"))
        )
        .order_by("organization__name")
    )


def filter_members(qs, *, category=None, district=None, text=""):
    # Only a filter through the evidence offers can list an application twice; DISTINCT over every
    # column otherwise costs the unfiltered page two sorts (bench/README.md, "City scale").
    through_evidence = False
    if category:
        through_evidence = True
        if len(category) <= 2:
            qs = qs.filter(evidence__category__parent__code=category)
        else:
            qs = qs.filter(evidence__category__code=category)
    if district:
        qs = qs.filter(organization__district_id=district)
    if text:
        through_evidence = True
        qs = qs.filter(Q(organization__name__icontains=text) | Q(evidence__title__icontains=text))
    return qs.distinct() if through_evidence else qs


def member_applications():
    """Members of the latest published edition (`Application.objects.members()`), as one lazy queryset."""
    return Application.objects.members()


def member_organization_ids():
    """Organizations in the latest published directory (for the badges in the listings): one query."""
    return set(member_applications().values_list("organization_id", flat=True))
