"""What the home page shows (R-NOT-2): the three boards, the four auxiliary modules and the
headline figures. A fixed number of queries, whatever the size of the tables (pinned in a test)."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import SocialOrganization
from demands.models import Demand, Status
from demands.selectors import public_demands
from directory.selectors import member_applications
from notices.models import Article, Download, ItemStatus, Link
from offerings.selectors import public_offerings
from portal import caching

LATEST = 6


def headline_figures(year):
    """This year's demands and budget, organizations and directory members. Reading them goes over
    the whole demands table, so, like the 数据概览, they are reused for OVERVIEW_CACHE_SECONDS."""

    def compute():
        figures = Demand.objects.filter(
            Q(status__in=(Status.PUBLISHED, Status.AWARDED, Status.EVALUATED)) | Q(status=Status.CANCELLED),
            published_at__isnull=False,
            year=year,
        ).aggregate(count=Count("pk"), budget=Sum("budget"))
        return {
            "demands": figures["count"],
            "budget_wan": (figures["budget"] or Decimal(0)) / 10000,
            "organizations": SocialOrganization.objects.filter(registration_status="active").count(),
            "members": member_applications().count(),
        }

    return caching.public_figures(f"home:figures:{year}", compute)


def home_context():
    year = timezone.localdate().year
    members = member_applications()
    published = {"status": ItemStatus.PUBLISHED}
    return {
        "year": year,
        "figures": headline_figures(year),
        "latest_demands": list(
            public_demands()
            .exclude(status=Status.CANCELLED)
            .select_related("unit")
            .order_by("-published_at")[:LATEST]
        ),
        "latest_offerings": list(
            public_offerings().select_related("organization").order_by("-published_at")[:LATEST]
        ),
        "latest_members": list(
            members.select_related("organization", "edition").order_by("-decided_at")[:LATEST]
        ),
        "policies": list(Article.objects.filter(kind=Article.Kind.POLICY, **published)[:LATEST]),
        "notices": list(Article.objects.filter(kind=Article.Kind.NOTICE, **published)[:LATEST]),
        "downloads": list(Download.objects.filter(**published)[:LATEST]),
        "links": list(Link.objects.filter(**published).order_by("sort_order", "pk")[:10]),
    }
