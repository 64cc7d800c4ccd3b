"""Search and Excel-import figures for 我要购买服务 (issue: demands), on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres portal_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/demand_search.py

Fills the database with N demands (default 100,000; `--rows`), then times the public listing's
search (the 20 newest matches and the total count, as the listing page runs them) for a few
queries, and the preview and confirm of a 5,000-row Excel file. Prints one line per figure.
Not run by CI.
"""

import argparse
import datetime
import os
import random
import statistics
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
from demands import importing, selectors  # noqa: E402
from demands.demo import TITLES  # noqa: E402
from demands.models import Demand  # noqa: E402
from portal import imports  # noqa: E402
from portal.excel import write_rows  # noqa: E402

QUERIES = ["养老", "社区服务", "渐冻症", "心理健康", "居家养老服务"]


def fill(rows):
    have = Demand.objects.count()
    if have >= rows:
        return have
    template = list(Demand.objects.filter(status="published")[:50])
    if not template:
        sys.exit("run `python manage.py seed_demo` on this database first")
    rng = random.Random(7)
    phrases = [t for titles in TITLES.values() for t in titles]
    batch = []
    now = timezone.now()
    start = time.perf_counter()
    for _ in range(rows - have):
        d = rng.choice(template)
        d.pk = None
        d.id = None
        d.title = f"{rng.choice(['南京东路街道', '徐家汇街道', '陆家嘴街道', '七宝镇', '五角场街道'])}{rng.choice(phrases)}"
        d.published_at = now - datetime.timedelta(minutes=rng.randint(0, 5 * 365 * 24 * 60))
        d.year = d.published_at.year
        d.status = rng.choices(["published", "awarded", "evaluated", "cancelled"], weights=[6, 2, 2, 1])[0]
        d.search_tokens = d.build_search_tokens()
        batch.append(Demand(**{f.attname: getattr(d, f.attname) for f in Demand._meta.concrete_fields}))
        if len(batch) == 5000:
            Demand.objects.bulk_create(batch)
            batch = []
    if batch:
        Demand.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE demands_demand")
    print(f"filled {rows - have} demands in {time.perf_counter() - start:.1f} s")
    return Demand.objects.count()


def timed(fn, repeat=7):
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def bench_search():
    base = selectors.public_demands().exclude(status="cancelled")
    for q in QUERIES:
        qs = selectors.demands_sort(selectors.demands_search(base, q), "newest")
        page = timed(lambda qs=qs: list(qs.select_related(*selectors.LIST_RELATED)[:20]))
        count_value = qs.count()
        count = timed(lambda qs=qs: qs.count())
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
