from typing import NamedTuple

from django.db.models import Prefetch, Q

from offerings.models import Offering
from portal import refdata

# The 推荐目录 members as the listings ask for them (DirectoryConfig.ready() provides the rule there).
from portal.directory_members import member_applications, member_organization_ids  # noqa: F401
from portal.models import Category

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
    `evidence=False`: as the edition's page reads them, without the evidence (`evidence_of`) and
    without joining the organizations' 所在区 and 登记区, which the page takes from the reference-data
    memo (`with_districts`): the two joined tables and their 40 instances cost the 2025 page's 20 rows at
    100,000 demands 1.14 against 0.96 ms of CPU (issue 15)."""
    related = (
        ("organization__district", "organization__registration_district") if evidence else ("organization",)
    )
    qs = (
        Application.objects.members(edition)
        .select_related(*related)
        .only(*MEMBER_FIELDS)
        .order_by("organization__name", "pk")
    )
    return qs.prefetch_related(Prefetch("evidence", queryset=_evidence())) if evidence else qs


def with_districts(applications):
    """`applications` (a list of members) with their organizations' 所在区 and 登记区 set from the
    reference-data memo (`refdata.attach`), as `members()` joins them: no query."""
    refdata.attach([app.organization for app in applications], "district", "registration_district")
    return applications


def _evidence():
    return Offering.objects.select_related("category__parent").only(*EVIDENCE_FIELDS).order_by("pk")


class EvidenceOffer(NamedTuple):
    """An evidence offer as a member's card names it (`directory/cards.py`): its id, title and 项目类别."""

    pk: int
    title: str
    category: object  # a Category from the reference-data memo, with its parent


def evidence_of(applications):
    """{application id: its evidence offers (`EvidenceOffer`), by id} for `applications` (a page of
    members), as `members()` prefetches them, in one query through the link table: the prefetch cost the
    推荐目录 page about 1.5 ms of CPU more (its machinery per row and per application; issue 15). Read as
    plain rows, the offers' 项目类别 (with their parents) from the reference-data memo: the link and offer
    model instances cost the 2025 page at 100,000 demands 0.99 against 0.60 ms of CPU for its 26 offers
    (with them, two more joined tables for the categories had cost 2.25 against 1.75 ms)."""
    links = (
        Application.evidence.through.objects.filter(application_id__in=[app.pk for app in applications])
        .order_by("offering_id")
        .values_list("application_id", "offering_id", "offering__title", "offering__category_id")
    )
    categories = refdata.categories_by_pk()
    found = {}
    for application_id, pk, title, category_id in links:
        # A category the memo lacks (none should) is read, as Django's lazy read of it did.
        category = categories.get(category_id) or Category.objects.select_related("parent").get(
            pk=category_id
        )
        found.setdefault(application_id, []).append(EvidenceOffer(pk, title, category))
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
