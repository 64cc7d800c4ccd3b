"""What the home page shows (R-NOT-2): the three boards, the four auxiliary modules and the
headline figures. A fixed number of queries, whatever the size of the tables (pinned in a test)."""

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from accounts.models import SocialOrganization
from demands.models import Demand
from directory.models import Application
from notices.models import Article, Download, ItemStatus, Link
from offerings.models import Offering
from portal import caching, shapes
from portal.listing import rows_of_page

LATEST = 6


def headline_figures(year):
    """This year's demands and budget, organizations and directory members. Reading them goes over
    the whole demands table, so, like the 数据概览, they are reused for OVERVIEW_CACHE_SECONDS."""

    def compute():
        # 有效需求 of the year, counted as the 数据概览 counts them (cancelled demands are not).
        figures = Demand.objects.live().filter(year=year).aggregate(count=Count("pk"), budget=Sum("budget"))
        return {
            "demands": figures["count"],
            "budget_wan": (figures["budget"] or Decimal(0)) / 10000,
            "organizations": SocialOrganization.objects.eligible().count(),
            "members": Application.objects.members().count(),
        }

    return caching.public_figures(f"home:figures:{year}", compute)


def newest_demands(qs):
    """`qs` (demands) newest first, as the listing's 最新发布 sorts them (ties by id), read as the home page
    and the combined search list them: the title, the budget and the unit's name (a demand's row is 41
    columns)."""
    return qs.select_related("unit").only("title", "budget", "unit__name").order_by("-published_at", "-pk")


def newest_offerings(qs):
    """`qs` (offers) newest first (ties by id), read as the home page and the combined search list them:
    the title and the organization's name."""
    return (
        qs.select_related("organization").only("title", "organization__name").order_by("-published_at", "-pk")
    )


def home_context():
    year = timezone.localdate().year
    # Each list's SQL compiled once per process (`portal.shapes`): the same statements on every request,
    # 2.1 ms of compiling per page (issue 15).
    members = Application.objects.members()
    published = {"status": ItemStatus.PUBLISHED}
    # Each list reads what the page shows of its rows (`.only()`): a demand's row is 41 columns.
    return {
        "year": year,
        "figures": headline_figures(year),
        # Newest first as the listing's 最新发布 sorts them (ties by id): from the public demands' index by
        # date (`demand_public_newest`), 6 rows read; by the date alone, PostgreSQL walked the plain
        # date index past every draft (issue 15: 1,938 buffers at city scale, 22 this way).
        "latest_demands": shapes.fetch(newest_demands(Demand.objects.live())[:LATEST]),
        "latest_offerings": shapes.fetch(newest_offerings(Offering.objects.public())[:LATEST]),
        # Ids first (rows_of_page): the newest decisions from the applications and the organizations'
        # eligibility index, then six rows joined, without asking the rule again around them (its joins
        # follow foreign keys); joined first, PostgreSQL read every organization (issue 15: 17-25 ms at
        # city scale, 2 ms this way).
        "latest_members": list(
            rows_of_page(
                members.select_related("organization", "edition")
                .only("organization__name", "edition__year")
                .order_by("-decided_at", "-pk"),
                0,
                LATEST,
            )
        ),
        # The notices modules print a title and link to the item (a link: to its address), nothing else.
        "policies": shapes.fetch(
            Article.objects.filter(kind=Article.Kind.POLICY, **published).only("title")[:LATEST]
        ),
        "notices": shapes.fetch(
            Article.objects.filter(kind=Article.Kind.NOTICE, **published).only("title")[:LATEST]
        ),
        "downloads": shapes.fetch(Download.objects.filter(**published).only("title")[:LATEST]),
        "links": shapes.fetch(
            Link.objects.filter(**published).only("title", "url").order_by("sort_order", "pk")[:10]
        ),
    }
