"""Statistics and export figures (issue #8): the city dashboard over 100,000 demands and 50,000
offers, and a 100,000-row demand export, on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres portal_bench_dash
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_dash .venv/bin/python bench/dashboard.py

Fills the database (or reuses what is there) the way bench/demand_search.py does: copies of the
demo data's demands written with bulk_create, published over five years, with a realistic share
awarded to demo organizations (some in another district), evaluated and cancelled; then offers.
Then, each in a fresh process so that its peak memory is its own:
- the city dashboard page (/data/dashboard/, logged in as city_admin: every query and the template),
  a district's dashboard, the public 数据概览 and the export of every statistics table, median of
  7 runs;
- the export of the 100,000 newest public demands through dashboard.exports (the code behind
  /demands/export.xlsx): time and peak memory (VmHWM, the process's peak resident set), then the
  tracemalloc peak of Python objects in a separate run (tracemalloc slows Python down);
- for comparison, the same export's first 10,000 rows written with openpyxl's write-only mode
  the first way this was written.
The fill writes demands in random order of their dates, so a year's demands are spread over the
whole table (the worst case for the dashboard's year filter; real data arrives in date order).
Not run by CI.
"""

import argparse
import multiprocessing
import os
import random
import resource
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.filling import copy_demo_rows, minutes_before, street_title  # noqa: E402
from bench.timing import samples_ms  # noqa: E402


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def rss_mb():
    """Peak resident set of this process's own address space (VmHWM): unlike ru_maxrss it does not
    carry over the parent's size from before the exec of a spawned process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- filling --------------------------------------------------------------------------------------


def fill_demands(rows):
    from django.utils import timezone

    from accounts.models import SocialOrganization
    from demands.models import Demand, public_q

    # Enough public demands for the export (the demo data's drafts come on top).
    have = Demand.objects.filter(public_q()).count()
    if have >= rows:
        return Demand.objects.count()
    orgs = list(SocialOrganization.objects.filter(registration_status="active", on_serious_list=False))
    rng = random.Random(8)
    now = timezone.now()
    run_id = int(now.timestamp())

    def change(d, i):
        d.title = street_title(rng)
        d.published_at = minutes_before(now, rng, years=5)
        d.year = timezone.localtime(d.published_at).year
        d.budget = Decimal(rng.randrange(20_000, 990_000, 1000))
        d.status = rng.choices(["published", "awarded", "evaluated", "cancelled"], weights=[6, 2, 2, 1])[0]
        d.awarded_org_id = d.award_amount = d.awarded_on = None
        d.eval_grade, d.eval_score = "", None
        if d.status in ("awarded", "evaluated"):
            d.awarded_org_id = rng.choice(orgs).pk
            d.award_amount = (d.budget * Decimal(rng.randint(80, 100)) / 100).quantize(Decimal("0.01"))
            d.awarded_on = d.period_start
        if d.status == "evaluated":
            d.eval_grade = rng.choices(["excellent", "good", "pass", "fail"], weights=[3, 5, 2, 1])[0]
            d.eval_score = Decimal(rng.randint(55, 99))
        if i % 10 == 0:
            d.source, d.external_id = "财政政府购买服务管理平台", f"BENCH-{run_id}-{i}"
        else:
            d.source, d.external_id = "本平台", ""

    copy_demo_rows(Demand, rows - have, rng, change, "demands")
    return Demand.objects.count()


def fill_offerings(rows):
    from django.utils import timezone

    from accounts.models import SocialOrganization
    from offerings.models import Offering
    from portal.models import Category

    have = Offering.objects.count()
    if have >= rows:
        return have
    orgs = list(SocialOrganization.objects.values_list("pk", flat=True))
    categories = list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    rng = random.Random(9)
    now = timezone.now()

    def change(o, i):
        o.title = f"{o.title.split('（')[0]}（{have + i}）"
        o.organization_id = rng.choice(orgs)
        o.category_id = rng.choice(categories)
        o.status = rng.choices(["published", "draft", "withdrawn"], weights=[8, 1, 1])[0]
        o.published_at = minutes_before(now, rng, years=3)

    copy_demo_rows(Offering, rows - have, rng, change, "offers")
    return Offering.objects.count()


# --- phases (each in a fresh process) -------------------------------------------------------------


def phase_pages(queue, repeat):
    setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from demands.models import Demand

    year = timezone.localdate().year
    in_year = Demand.objects.filter(year=year).count()
    results = []
    for label, username, url in [
        ("city dashboard /data/dashboard/", "city_admin", "/data/dashboard/"),
        ("district dashboard (黄浦区)", "huangpu_admin", "/data/dashboard/"),
        ("public 数据概览 /data/", None, "/data/"),
        ("city statistics export (all tables)", "city_admin", "/data/dashboard/export.xlsx"),
    ]:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))

        def get(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            if response.streaming:
                b"".join(response.streaming_content)

        get()  # warm up: templates, connection, plans
        queries = []

        def count(execute, *args, queries=queries):
            queries.append(1)
            return execute(*args)

        with connection.execute_wrapper(count):
            get()
        samples = samples_ms(get, repeat)
        median, low, high = statistics.median(samples), min(samples), max(samples)
        results.append((label, median, low, high, len(queries)))
    queue.put({"in_year": in_year, "year": year, "pages": results})


def _export_queryset(rows):
    from demands import selectors

    # The public listing's rows (cancelled ones included, so that there are enough), newest first.
    return selectors.demands_sort(selectors.public_demands(), "newest")[:rows]


def phase_export(queue, rows, trace):
    setup()
    import tracemalloc

    from dashboard import exports
    from directory.selectors import member_organization_ids

    qs = _export_queryset(rows)
    members = member_organization_ids()
    before = rss_mb()
    if trace:
        tracemalloc.start()
    t = time.perf_counter()
    response = exports.demands_response(qs, members)
    size = sum(len(chunk) for chunk in response.streaming_content)
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024 if trace else None
    queue.put({"elapsed": elapsed, "rss_before": before, "rss_peak": rss_mb(), "traced": peak, "bytes": size})


def phase_export_openpyxl(queue, rows):
    """For comparison: the same rows written with openpyxl's write-only mode, the first way the
    exports were written (portal.excel.write_rows did so until every export went through portal.xlsx)."""
    import io

    from openpyxl import Workbook

    setup()
    from dashboard import exports
    from directory.selectors import member_organization_ids

    qs = _export_queryset(rows)
    members = member_organization_ids()
    before = rss_mb()
    t = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("数据")
    sheet.append([c.header for c in exports.DEMAND_COLUMNS])
    for row in exports.demand_rows(qs, members):
        sheet.append([row.get(c.key) for c in exports.DEMAND_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    queue.put(
        {
            "elapsed": time.perf_counter() - t,
            "rss_before": before,
            "rss_peak": rss_mb(),
            "bytes": len(content),
        }
    )


def run(target, *args):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(queue, *args))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--demands", type=int, default=100_000)
    parser.add_argument("--offers", type=int, default=50_000)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--compare-rows", type=int, default=10_000, help="rows for the openpyxl comparison (0: skip)"
    )
    args = parser.parse_args()
    setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User

    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL database")
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="city_admin").exists():
        call_command("seed_demo", verbosity=0)
    demands = fill_demands(args.demands)
    offers = fill_offerings(args.offers)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the demo data's tables too: without statistics the plans are poor
    connection.close()
    print(f"{demands} demands, {offers} offers; PostgreSQL {connection.pg_version}")
    print("load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))

    pages = run(phase_pages, args.repeat)
    print(f"{pages['in_year']} demands in {pages['year']} (the dashboard's default year)")
    for label, median, low, high, queries in pages["pages"]:
        print(
            f"{label}: median {median:.0f} ms (min {low:.0f}, max {high:.0f}; {args.repeat} runs), {queries} queries"
        )

    export = run(phase_export, args.export_rows, False)
    print(
        f"demand export, {args.export_rows} rows: {export['elapsed']:.1f} s, "
        f"{export['bytes'] / 1024 / 1024:.1f} MB file, peak RSS {export['rss_peak']:.0f} MB "
        f"(process before the export: {export['rss_before']:.0f} MB)"
    )
    traced = run(phase_export, args.export_rows, True)
    print(
        f"demand export, {args.export_rows} rows, under tracemalloc: peak of Python objects {traced['traced']:.1f} MB"
    )
    print("load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    if args.compare_rows:
        other = run(phase_export_openpyxl, args.compare_rows)
        print(
            f"for comparison, {args.compare_rows} rows with openpyxl write-only: "
            f"{other['elapsed']:.1f} s, peak RSS {other['rss_peak']:.0f} MB (before: {other['rss_before']:.0f} MB)"
        )


if __name__ == "__main__":
    main()
