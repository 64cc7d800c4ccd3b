"""Search and Excel-import figures for 我要购买服务 (issue: demands), on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres portal_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/demand_search.py

Fills the database with N demands (default 100,000; `--rows`), then times the public listing's
search (the 20 newest matches and the total count, as the listing page runs them) for a few
queries, and the preview and confirm of a 5,000-row Excel file. Prints one line per figure.
Not run by CI.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.filling import copy_demo_rows, minutes_before, street_title  # noqa: E402
from bench.timing import median_ms  # noqa: E402
from demands import importing, selectors  # noqa: E402
from demands.models import Demand  # noqa: E402
from portal import imports  # noqa: E402
from portal.excel import write_rows  # noqa: E402

QUERIES = ["养老", "社区服务", "渐冻症", "心理健康", "居家养老服务"]


def fill(rows):
    have = Demand.objects.count()
    if have >= rows:
        return have
    rng = random.Random(7)
    now = timezone.now()

    def change(d, i):
        d.title = street_title(rng)
        d.published_at = minutes_before(now, rng, years=5)
        d.year = d.published_at.year
        d.status = rng.choices(["published", "awarded", "evaluated", "cancelled"], weights=[6, 2, 2, 1])[0]

    copy_demo_rows(Demand, rows - have, rng, change, "demands")
    return Demand.objects.count()


def bench_search():
    base = selectors.public_demands().exclude(status="cancelled")
    for q in QUERIES:
        qs = selectors.demands_sort(selectors.demands_search(base, q), "newest")
        page = median_ms(lambda qs=qs: list(qs.select_related(*selectors.LIST_RELATED)[:20]), 7)
        count_value = qs.count()
        count = median_ms(lambda qs=qs: qs.count(), 7)
        print(
            f"search {q}: {count_value} matches; 20 newest {page:.1f} ms; exact count {count:.1f} ms (median of 7)"
        )


def bench_import():
    user = User.objects.filter(role="purchaser").first()
    cols = importing.columns()
    example = {c.key: c.example for c in cols}
    rows = [dict(example, title=f"压测项目{i}") for i in range(5000)]
    upload = SimpleUploadedFile("bench.xlsx", write_rows(cols, rows))
    t = time.perf_counter()
    batch = imports.start(importing.spec(), user=user, uploaded=upload)
    preview = time.perf_counter() - t
    t = time.perf_counter()
    saved, _ = imports.confirm(importing.spec(), batch=batch)
    confirm = time.perf_counter() - t
    print(f"excel 5,000 rows: preview {preview:.1f} s, confirm {confirm:.1f} s ({saved} saved)")
    Demand.history.filter(title__startswith="压测项目").delete()
    Demand.objects.filter(title__startswith="压测项目").delete()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL database")
    call_command("migrate", verbosity=0)
    if not User.objects.exists():
        call_command("seed_demo", verbosity=0)
    total = fill(args.rows)
    print(f"{total} demands in the database; PostgreSQL {connection.pg_version}")
    bench_search()
    bench_import()


if __name__ == "__main__":
    main()
