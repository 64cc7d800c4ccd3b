"""The pages of a published 推荐目录 (directory/views.py `edition_detail`, issue 15): counted and paged by
`portal.listing.OneScanPaginator`, the members read once for both. The same members on the same pages as
Django's own paginator, the same count, the last page for a number past it; a fixed number of queries."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import SocialOrganization
from directory import selectors
from directory.models import AppStatus
from portal import listing, refdata
from tests.factories import ApplicationFactory, EditionFactory, SocialOrganizationFactory

from .conftest import edition_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    """Seven members, two names shared by two members each (ties sorted by id), one not approved and
    one whose organization lost its eligibility: neither of those two is a member."""
    edition = EditionFactory()
    for name in ["乙社工", "甲社工", "乙社工", "丙社工", "甲社工", "丁社工", "戊社工"]:
        ApplicationFactory(edition=edition, organization=SocialOrganizationFactory(name=name))
    ApplicationFactory(edition=edition, status=AppStatus.REJECTED)
    revoked = ApplicationFactory(edition=edition).organization
    SocialOrganization.objects.filter(pk=revoked.pk).update(
        registration_status=SocialOrganization.RegistrationStatus.REVOKED
    )
    return edition


def _page(paginator, number):
    page = paginator.get_page(number)
    return page.number, [app.pk for app in page], paginator.count, paginator.num_pages


@pytest.mark.parametrize("number", [1, 2, 3, 4, 99])
@pytest.mark.parametrize("district", [None, "first"])
def test_the_pages_are_djangos_pages(edition, number, district):
    qs = selectors.members(edition, evidence=False)
    if district:
        qs = selectors.filter_members(qs, district=qs.first().organization.district_id)
    expected = _page(Paginator(qs, 2), number)
    assert _page(listing.OneScanPaginator(qs, 2), number) == expected
    assert expected[2] == (7 if not district else qs.count()) and expected[2] > 0


def test_an_edition_without_members_has_one_empty_page():
    qs = selectors.members(EditionFactory(), evidence=False)
    assert _page(listing.OneScanPaginator(qs, 20), 1) == (1, [], 0, 1)
    assert _page(listing.OneScanPaginator(qs, 20), 5) == (1, [], 0, 1)


def test_the_count_and_the_ids_are_one_query_and_the_rows_another(edition):
    qs = selectors.members(edition, evidence=False)
    paginator = listing.OneScanPaginator(qs, 3)
    with CaptureQueriesContext(connection) as ctx:
        rows = list(paginator.get_page(2))
        assert paginator.count == 7
    assert [(app.pk, app.organization.name) for app in rows] == [
        (app.pk, app.organization.name) for app in Paginator(qs, 3).page(2)
    ]
    first, second = (q["sql"] for q in ctx.captured_queries)
    assert "COUNT(*)" in first and "WITH" in first
    # The rows are picked by id: the members rule is not asked again around them.
    assert "approved" not in second and "on_serious_list" not in second


def test_a_search_is_paged_as_before(edition):
    """A filter through the evidence offers (DISTINCT) is counted and paged by ExactPaginator's way."""
    qs = selectors.filter_members(selectors.members(edition, evidence=False), text="社工")
    assert _page(listing.OneScanPaginator(qs, 2), 3) == _page(Paginator(qs, 2), 3)


def test_the_page_asks_a_fixed_number_of_queries(client, edition):
    """Six: the edition, the count and ids, the members' rows, the version of the reference data (the
    database cache in tests), the evidence, the removed members. The 区 of the filter come from the
    reference-data memo since issue 15 (seven before). The first request, which fills the memo and
    the version token, is not counted."""
    client.get(edition_url(edition), {"size": 10})
    counts = []
    for page in (1, 4, 99):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(edition_url(edition), {"page": page, "size": 10}).status_code == 200
        counts.append(len(ctx.captured_queries))
    with CaptureQueriesContext(connection) as ctx:
        client.get(edition_url(edition), {"size": 10})
    assert counts == [len(ctx.captured_queries)] * 3 == [6] * 3


def _tables(ctx):
    """The queries of `ctx` but the reference-data version's (a cache read outside a request)."""
    return [q for q in ctx.captured_queries if "portal_cache" not in q["sql"]]


def test_the_evidence_offers_are_those_the_prefetch_reads(edition):
    """`evidence_of` (plain rows, the 项目类别 from the reference-data memo) names the offers of each
    member as `members()` prefetches them: same offers, same order, same 项目类别 with its parent."""
    from portal.models import Category
    from tests.factories import OfferingFactory

    categories = list(Category.objects.filter(parent__isnull=False).order_by("code")[:3])
    apps = list(selectors.members(edition))
    for i, app in enumerate(apps[:4]):
        offers = [OfferingFactory(organization=app.organization, category=c) for c in categories[: i % 3 + 1]]
        app.evidence.set(offers[::-1])
    expected = {
        app.pk: [(o.pk, o.title, str(o.category)) for o in app.evidence.all()]
        for app in selectors.members(edition)
        if app.evidence.all()
    }
    rows = list(selectors.members(edition, evidence=False))
    refdata.categories_by_pk()  # the memo filled
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.evidence_of(rows)
        named = {pk: [(o.pk, o.title, str(o.category)) for o in offers] for pk, offers in found.items()}
    assert named == expected and len(expected) == 4
    assert len(_tables(ctx)) == 1  # the links and offers; the categories and their parents without a query


def test_a_page_of_members_has_the_districts_the_join_gives(edition):
    """The page reads its members without the organizations' 区 joined (`members(evidence=False)`) and
    sets them from the memo (`with_districts`): the same 所在区 and 登记机关, with no query more."""
    from tests.factories import district

    org = selectors.members(edition).first().organization
    SocialOrganization.objects.filter(pk=org.pk).update(
        registration_district=None, district=district("徐汇区")
    )
    expected = [
        (app.pk, app.organization.district.name, app.organization.registration_authority)
        for app in selectors.members(edition, evidence=True)
    ]
    rows = list(selectors.members(edition, evidence=False))
    refdata.districts_by_pk()  # the memo filled
    with CaptureQueriesContext(connection) as ctx:
        shown = [
            (app.pk, app.organization.district.name, app.organization.registration_authority)
            for app in selectors.with_districts(rows)
        ]
    assert shown == expected and not _tables(ctx)
    assert {name for _, _, name in shown} == {"上海市民政局", "黄浦区民政局"}


def test_an_evidence_offer_whose_category_the_memo_lacks_is_still_named(edition, monkeypatch):
    from portal.models import Category
    from tests.factories import OfferingFactory

    app = selectors.members(edition).first()
    sub = Category.objects.filter(parent__isnull=False).order_by("code").first()
    app.evidence.set([OfferingFactory(organization=app.organization, category=sub)])
    monkeypatch.setattr(refdata, "categories_by_pk", dict)  # an empty memo
    (offer,) = selectors.evidence_of([app])[app.pk]
    assert str(offer.category) == f"{sub.parent.name} / {sub.name}"
