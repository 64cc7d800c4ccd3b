"""SQL cost of the matching blocks (issue 13) at city scale, on PostgreSQL.

    make bench-data BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_match   # once, 150 s
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_match \\
        /work/main/.venv/bin/python bench/matching.py [--samples 40]

For a sample of published demands, offers, organizations and units (the organizations with the
most offers and awards first, so the heavy cases are in), runs what the pages run:
- 可能合适的社会组织 (`matching.ranking.suggest_organizations`) for a demand,
- 可能匹配的需求 (`suggest_demands`) for an offer and for an organization's 工作台,
- the 社会组织主页 and the 购买主体主页 contexts (`matching.profiles`),
- the demand search with names (`黄浦 养老`, an organization's name),
and prints the SQL milliseconds (as PostgreSQL returned them to Django, summed per block):
median, 95th percentile and maximum, with the number of queries. Not run by CI.
"""

import argparse
import os
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import PurchaserUnit, SocialOrganization  # noqa: E402
from demands import selectors as demand_selectors  # noqa: E402
from demands.models import Demand  # noqa: E402
from matching import profiles, ranking  # noqa: E402
from offerings.models import Offering  # noqa: E402


class Buyer(AnonymousUser):
    """Sees what a logged-in purchaser sees (contacts, 失信记录) without a session."""

    is_authenticated = True
    role = "purchaser"
    purchaser_unit_id = 1
    is_superuser = False


def server_ms(captured):
    """Planning + execution time PostgreSQL reports for the same statements (EXPLAIN ANALYZE):
    what the database spent, without the round trips and the Python on this busy machine."""
    total = 0.0
    with connection.cursor() as cursor:
        for q in captured:
            cursor.execute("EXPLAIN (ANALYZE, TIMING OFF) " + q["sql"])
            for (line,) in cursor.fetchall():
                if line.startswith(("Planning Time:", "Execution Time:")):
                    total += float(line.split(":")[1].split()[0])
    return total


def measure(label, fn, cases, rows):
    sql_ms, server, counts = [], [], set()
    for case in cases:
        with CaptureQueriesContext(connection) as ctx:
            fn(case)
        sql_ms.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        server.append(server_ms(ctx.captured_queries))
        counts.add(len(ctx.captured_queries))
    rows.append((label, len(cases), _stats(sql_ms), _stats(server), sorted(counts)))


def _stats(values):
    values = sorted(values)
    return statistics.median(values), values[max(0, int(len(values) * 0.95) - 1)], values[-1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("set BENCH_DATABASE_URL to the city-scale PostgreSQL database (make bench-data)")
    rng = random.Random(13)
    n = args.samples
    print(
        f"organizations {SocialOrganization.objects.count():,}, offers {Offering.objects.count():,}, "
        f"demands {Demand.objects.count():,}"
    )
    demand_ids = list(Demand.objects.public().filter(status="published").values_list("pk", flat=True)[:20000])
    demands = list(
        Demand.objects.filter(pk__in=rng.sample(demand_ids, min(n, len(demand_ids)))).select_related(
            "category__parent", "district"
        )
    )
    offer_ids = list(Offering.objects.public().values_list("pk", flat=True)[:20000])
    offers = list(Offering.objects.filter(pk__in=rng.sample(offer_ids, min(n, len(offer_ids)))))
    busy = list(
        SocialOrganization.objects.eligible()
        .annotate(n=Count("offerings"))
        .order_by("-n")
        .values_list("pk", flat=True)[: n // 2]
    )
    awarded = list(
        Demand.objects.filter(awarded_org__isnull=False)
        .values("awarded_org")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("awarded_org", flat=True)[: n // 2]
    )
    orgs = list(SocialOrganization.objects.filter(pk__in=set(busy) | set(awarded)).select_related("district"))
    units = list(
        PurchaserUnit.objects.annotate(n=Count("demands"))
        .order_by("-n")
        .select_related("district", "street")[:n]
    )
    # Warm the caches once so that every figure is a warm run, as on a busy server.
    for d in demands[:3]:
        ranking.suggest_organizations(d)
    rows = []
    measure("可能合适的社会组织 (demand page block)", ranking.suggest_organizations, demands, rows)
    measure("可能匹配的需求 (offer page block)", lambda o: ranking.suggest_demands([o]), offers, rows)
    measure(
        "可能匹配的需求 (organization 工作台)",
        lambda org: ranking.suggest_demands(Offering.objects.public().filter(organization=org)),
        orgs,
        rows,
    )
    measure(
        "社会组织主页 (visitor)", lambda org: profiles.organization_context(org, AnonymousUser()), orgs, rows
    )
    measure("社会组织主页 (purchaser)", lambda org: profiles.organization_context(org, Buyer()), orgs, rows)
    measure("购买主体主页", lambda unit: profiles.unit_context(unit, AnonymousUser()), units, rows)
    base = demand_selectors.public_demands().exclude(status="cancelled").order_by("-published_at", "-pk")

    def search(q):
        qs = demand_selectors.demands_search(base, q)
        list(qs[:20])
        qs.count()

    names = [o.name for o in orgs[:10]] + [u.name for u in units[:10]]
    measure(
        "demand search: 黄浦 养老 / 徐汇 助残 / 浦东 社区",
        search,
        ["黄浦 养老", "徐汇 助残", "浦东 社区"],
        rows,
    )
    measure("demand search: an organization's or unit's name", search, names, rows)
    print(f"{'block':44} {'n':>3}  {'SQL ms as Django saw it':>24}  {'PostgreSQL plan+exec ms':>24}  queries")
    print(f"{'':44} {'':>3}  {'median   p95   max':>24}  {'median   p95   max':>24}")
    for label, count, seen, server, queries in rows:
        print(
            f"{label:44} {count:>3}  {seen[0]:>8.1f}{seen[1]:>7.1f}{seen[2]:>7.1f}  "
            f"{server[0]:>10.1f}{server[1]:>7.1f}{server[2]:>7.1f}  {queries}"
        )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
