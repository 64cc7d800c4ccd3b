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
median, 95th percentile and maximum, with the number of queries. Then whole pages through Django's
test client: the 社会组织主页 of the five organizations with the most offers and awards (as a visitor
and as a purchaser), the 购买主体主页 of the five busiest units, and the name searches
`/offerings/?q=<organization name>`, `/demands/?q=<unit name>`, `/search/?q=…`: SQL ms and page ms
(each URL warmed once, then timed three times). Not run by CI.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

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
from django.utils import timezone  # noqa: E402

from accounts.models import PurchaserUnit, SocialOrganization, User  # noqa: E402
from dashboard import matching_figures  # noqa: E402
from dashboard import selectors as dashboard_selectors  # noqa: E402
from demands import selectors as demand_selectors  # noqa: E402
from demands.models import Demand  # noqa: E402
from matching import profiles, ranking, suggestion_log  # noqa: E402
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
            if not q["sql"].lstrip().upper().startswith(("SELECT", "INSERT", "WITH")):
                continue  # BEGIN, COMMIT, SAVEPOINT around a bulk write
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


def fill_matching(rng):
    """承接意向 on a third of the 有效需求 (one to four each, from organizations drawn at random, so
    mostly of other districts, within 20 days of publication; the awarded one among them in 30 % of
    the awarded demands), and for every awarded demand a record of ten organizations shown, the
    awarded one among them in 40 % of the cases. Seeded; skipped when both are there already."""
    from matching.models import Interest, SuggestionShown

    if Interest.objects.exists() and SuggestionShown.objects.exists():
        print(f"matching rows already there: {Interest.objects.count():,} interests")
        return
    had_interests = Interest.objects.exists()
    org_ids = list(SocialOrganization.objects.eligible().values_list("pk", flat=True))
    user = User.objects.filter(role="organization").order_by("pk").first()
    demands = list(
        Demand.objects.live()
        .filter(published_at__isnull=False)
        .values_list("pk", "published_at", "awarded_org_id")
        .order_by("pk")
    )
    interests, shown = [], []
    for pk, _published, awarded in demands:
        orgs = set()
        if rng.random() < 1 / 3:
            orgs = set(rng.sample(org_ids, rng.randint(1, 4)))
            if awarded and rng.random() < 0.3:
                orgs.add(awarded)
            interests += [Interest(demand_id=pk, organization_id=org, created_by=user) for org in orgs]
        if awarded:
            names = set(rng.sample(org_ids, 10))
            if rng.random() < 0.4:
                names.add(awarded)
            shown += [SuggestionShown(demand_id=pk, organization_id=org) for org in names]
    if had_interests:
        interests = []
    Interest.objects.bulk_create(interests, batch_size=5000)
    # created_at (auto_now_add) is the load time: spread it over the 20 days after each publication.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE matching_interest i SET created_at = d.published_at + (i.id % 480) * interval '1 hour' "
            "FROM demands_demand d WHERE d.id = i.demand_id"
        )
    SuggestionShown.objects.bulk_create(shown, batch_size=5000, ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE matching_interest; ANALYZE matching_suggestionshown")
    print(f"added {len(interests):,} interests and {len(shown):,} suggestion records")


PAGE_ROWS = []
REPEATS = 3


def measure_page(label, urls, client):
    """Whole requests through Django's test client (DEBUG as configured, no network): SQL ms as
    Django saw it and the page's wall-clock ms, each URL warmed once and then timed REPEATS times."""
    sql_ms, wall_ms, counts = [], [], set()
    for url in urls:
        client.get(url)
        for _ in range(REPEATS):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                wall_ms.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")
            sql_ms.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
            counts.add(len(ctx.captured_queries))
    PAGE_ROWS.append((label, len(urls), _stats(sql_ms), _stats(wall_ms), sorted(counts)))


def pages(orgs, units, rows):
    """Issue 13 §1/§2 at city scale: the 社会组织主页 of the organizations with the most offers and
    awards, the 购买主体主页 of the busiest units, and the name searches."""
    from django.test import Client

    busiest_orgs = (
        SocialOrganization.objects.annotate(
            n=Count("offerings", distinct=True) + Count("awarded_demands", distinct=True)
        )
        .order_by("-n", "pk")
        .values_list("pk", "name")[:5]
    )
    busiest_units = (
        PurchaserUnit.objects.annotate(n=Count("demands")).order_by("-n", "pk").values_list("pk", "name")[:5]
    )
    visitor = Client(HTTP_HOST="127.0.0.1")
    measure_page("社会组织主页 (visitor)", [f"/organizations/{pk}/" for pk, _ in busiest_orgs], visitor)
    buyer = Client(HTTP_HOST="127.0.0.1")
    buyer_user = User.objects.filter(role="purchaser", is_active=True).order_by("pk").first()
    if buyer_user is not None:
        buyer.force_login(buyer_user)
        measure_page("社会组织主页 (purchaser)", [f"/organizations/{pk}/" for pk, _ in busiest_orgs], buyer)
    measure_page("购买主体主页 (visitor)", [f"/units/{pk}/" for pk, _ in busiest_units], visitor)
    org_names = [name for _, name in busiest_orgs]
    unit_names = [name for _, name in busiest_units]
    measure_page(
        "/offerings/?q=<organization name>", [f"/offerings/?q={quote(n)}" for n in org_names], visitor
    )
    measure_page("/demands/?q=<unit name>", [f"/demands/?q={quote(n)}" for n in unit_names], visitor)
    measure_page(
        "/search/?q=<organization or unit name>",
        [f"/search/?q={quote(n)}" for n in org_names[:3] + unit_names[:3]],
        visitor,
    )
    measure_page("/search/?q=黄浦 养老 (district + word)", ["/search/?q=" + quote("黄浦 养老")], visitor)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument(
        "--fill-matching",
        action="store_true",
        help="first add 承接意向 and suggestion records to the bench data (once; city_data.py writes none)",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("set BENCH_DATABASE_URL to the city-scale PostgreSQL database (make bench-data)")
    rng = random.Random(13)
    if args.fill_matching:
        fill_matching(rng)
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
    measure(
        "… + the record of those shown (INSERT, §7)",
        lambda d: suggestion_log.record_shown(d, ranking.suggest_organizations(d)),
        demands,
        rows,
    )
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
    year = timezone.localdate().year

    def figures(case):
        view, scope = case
        demands = dashboard_selectors.filter_demands(scope, dashboard_selectors.Params(year=year))
        matching_figures.table(demands, view, dashboard_selectors.districts())

    pudong = Demand.objects.filter(unit__district__name="浦东新区")
    measure(
        "对接成效 table (city, public, 浦东新区)",
        figures,
        [("city", Demand.objects.all()), ("public", demand_selectors.public_demands()), ("district", pudong)],
        rows,
    )
    measure(
        "demand search: 黄浦 养老 / 徐汇 助残 / 浦东 社区",
        search,
        ["黄浦 养老", "徐汇 助残", "浦东 社区"],
        rows,
    )
    measure("demand search: an organization's or unit's name", search, names, rows)
    pages(orgs, units, rows)
    print(f"{'block':44} {'n':>3}  {'SQL ms as Django saw it':>24}  {'PostgreSQL plan+exec ms':>24}  queries")
    print(f"{'':44} {'':>3}  {'median   p95   max':>24}  {'median   p95   max':>24}")
    for label, count, seen, server, queries in rows:
        print(
            f"{label:44} {count:>3}  {seen[0]:>8.1f}{seen[1]:>7.1f}{seen[2]:>7.1f}  "
            f"{server[0]:>10.1f}{server[1]:>7.1f}{server[2]:>7.1f}  {queries}"
        )
    print(f"\n{'page (whole request, test client)':44} {'n':>3}  {'SQL ms':>24}  {'page ms':>24}  queries")
    for label, count, sql, wall, queries in PAGE_ROWS:
        print(
            f"{label:44} {count:>3}  {sql[0]:>8.1f}{sql[1]:>7.1f}{sql[2]:>7.1f}  "
            f"{wall[0]:>10.1f}{wall[1]:>7.1f}{wall[2]:>7.1f}  {queries}"
        )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
