from django.db.models import Prefetch, Q

from offerings.models import Offering
from portal import refdata

# The 推荐目录 members as the listings ask for them (DirectoryConfig.ready() provides the rule there).
from portal.directory_members import member_applications, member_organization_ids  # noqa: F401

from .models import Application, AppStatus, Edition, EditionStatus


def published_editions():
    return Edition.objects.filter(status=EditionStatus.PUBLISHED)


def latest_published_edition():
    return published_editions().order_by("-year").first()


def current_collecting_edition():
    return Edition.objects.filter(status=EditionStatus.COLLECTING).order_by("-year").first()


# What the edition's page and its exports show of a member and of its evidence offers (the rest of
# the wide rows, statements and contact details, is not read).
MEMBER_FIELDS = (
    "edition_id",
    "organization__name",
    "organization__uscc",
    "organization__org_type",
    "organization__district",
    "organization__registration_district",
)
EVIDENCE_FIELDS = ("title", "category__name", "category__parent__name")


def members(edition, *, evidence=True):
    """The members of a published edition, with their organization and evidence offers, by name. The
    order ends with the primary key, so that a page is read ids first (`portal.listing.rows_of_page`):
    the ids of its 20 members sorted from the organizations' name index (accounts `org_name_cover`),
    then those rows joined (the 2025 page at city scale: 20-34 ms of PostgreSQL, 2-4 ms this way).
    `evidence=False`: without the evidence (a page reads its members' with `evidence_of`)."""
    qs = (
        Application.objects.members(edition)
        .select_related("organization__district", "organization__registration_district")
        .only(*MEMBER_FIELDS)
        .order_by("organization__name", "pk")
    )
    return qs.prefetch_related(Prefetch("evidence", queryset=_evidence())) if evidence else qs


def _evidence():
    return Offering.objects.select_related("category__parent").only(*EVIDENCE_FIELDS).order_by("pk")


def evidence_of(applications):
    """{application id: its evidence offers, by id} for `applications` (a page of members), as `members()`
    prefetches them, in one query through the link table: the prefetch cost the 推荐目录 page about 1.5 ms
    of CPU more (its machinery per row and per application; issue 15). The offers' 项目类别 (with their
    parents) come from the reference-data memo (`refdata.attach`), not from two more joined tables (the
    2025 page's 31 offers at 100,000 demands: 1.75 against 2.25 ms of CPU)."""
    links = list(
        Application.evidence.through.objects.filter(application_id__in=[app.pk for app in applications])
        .select_related("offering")
        .only("application_id", "offering__title", "offering__category")
        .order_by("offering_id")
    )
    refdata.attach([link.offering for link in links], "category")
    found = {}
    for link in links:
        found.setdefault(link.application_id, []).append(link.offering)
    return found


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


def marks_lost_on_publishing(edition):
    """What publishing `edition` changes for the public (issue 18): the members of the latest published
    edition (the 推荐目录 marks on the listings, `Application.objects.members()`) whose organization is
    not approved in `edition`, so loses its mark. Ordered by name, with the previous edition's year."""
    from accounts.models import eligible_q

    current = Application.objects.members().select_related("organization", "edition")
    staying = Application.objects.filter(
        eligible_q("organization__"), edition=edition, status=AppStatus.APPROVED
    )
    return list(
        current.exclude(edition=edition)
        .exclude(organization_id__in=staying.values("organization_id"))
        .order_by("organization__name")
    )
