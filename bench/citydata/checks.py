"""After the load: search finds what the rows contain, tokens are the models' own; the totals."""

import sys


def check(timer):
    """The rows search finds are the rows that contain the words; tokens match the models' own."""
    from demands import selectors
    from demands.models import Demand
    from offerings.models import Offering

    for model in (Demand, Offering):
        sample = list(model.objects.order_by("?")[:2000])
        bad = [o.pk for o in sample if o.build_search_tokens() != o.search_tokens]
        if bad:
            sys.exit(f"{model.__name__}: search_tokens differ from build_search_tokens() for {bad[:5]}")
    base = selectors.public_demands()
    lines = []
    for q in ("养老", "社区服务", "渐冻症", "心理健康"):
        found = selectors.demands_search(base, q).count()
        from django.db.models import Q

        cond = Q()
        for f in Demand.SEARCH_FIELDS + Demand.SEARCH_NAMES:  # names joined here, not looked up
            cond |= Q(**{f"{f}__contains": q})
        expected = base.filter(cond).count()
        if found != expected:
            sys.exit(f"search {q}: {found} found, {expected} contain it")
        lines.append(f"{q} {found:,}")
    print("  search check (index = substring):", "; ".join(lines))
    timer.step("checks", 0)


def summary():
    from django.db import connection
    from django.db.models import Count

    from accounts.models import PurchaserUnit, SocialOrganization
    from demands.models import Demand
    from directory.models import Application
    from offerings.models import Offering

    print(
        "totals: "
        f"{SocialOrganization.objects.count():,} organizations, {PurchaserUnit.objects.count():,} purchaser units, "
        f"{Demand.objects.count():,} demands, {Offering.objects.count():,} offers, "
        f"{Application.objects.filter(status='approved').count():,} directory members"
    )
    top = Demand.objects.values("district__name").annotate(n=Count("pk")).order_by("-n")[:4]
    print("demands by district (top 4): " + ", ".join(f"{r['district__name']} {r['n']:,}" for r in top))
    top = Demand.objects.values("category__parent__name").annotate(n=Count("pk")).order_by("-n")[:4]
    print(
        "demands by category (top 4): " + ", ".join(f"{r['category__parent__name']} {r['n']:,}" for r in top)
    )
    by_year = Demand.objects.values("year").annotate(n=Count("pk")).order_by("year")
    print("demands by year: " + ", ".join(f"{r['year']} {r['n']:,}" for r in by_year))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size: {cursor.fetchone()[0]}")
