"""A city-scale data set for `make bench` (issue 9), on PostgreSQL.

    make bench-data
    # or: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/city_data.py

(Re)creates the database named by BENCH_DATABASE_URL (default portal_bench on 127.0.0.1; a
database whose name does not contain "bench" is never dropped), migrates it, loads the demo data
(`seed_demo`: the demo logins, notices, a few real 街镇) and fills it up to

    20,000 social organizations, 2,000 purchaser units, 100,000 demands, 50,000 offers
    (--scale or BENCH_SCALE sets the demands: 10k, 100k, 1M; offers are half of it),

published over five years (2022 to today), with the directory editions 2022–2025 published and
their members, and this year's edition collecting. Everything is seeded (same rows every run).

Realistic shape: a few districts and categories carry most of the work (Zipf-like weights: 浦东新区
about a quarter of the demands, 养老服务 about a third); units of each business line buy mostly in their
own field; most demands are published in spring (annual plans are due by 30 April); older demands
have been awarded and evaluated, this year's are mostly still open; a few organizations win many
projects. Titles, summaries and requirements are composed from vocabulary lists of real service
words, with rare terms (渐冻症) in a few hundred rows.

Rows are written with COPY (psycopg 3), the search tokens computed by `portal.search.tokens_for`
over each model's own SEARCH_FIELDS (what `Demand.save()`/`Offering.save()` store); PostgreSQL computes
the generated `search_vector` column itself, and the GIN indexes are dropped during the load and
rebuilt with the migrations' own SQL. No django-simple-history rows are written for the bulk rows:
no public page reads them, and one per row would double the load time (the seeded demo rows keep
theirs). Then VACUUM ANALYZE, as autovacuum would have done on a live database.
"""

import argparse
import contextlib
import io
import os
import random
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.citydata.checks import check, summary  # noqa: E402
from bench.citydata.config import DEFAULT_SCALE, SEED, TARGETS, parse_scale, set_scale  # noqa: E402
from bench.citydata.demands import fill_demands  # noqa: E402
from bench.citydata.directory import fill_directory  # noqa: E402
from bench.citydata.load import Timer, execute, prepare_database  # noqa: E402
from bench.citydata.offerings import fill_offerings  # noqa: E402
from bench.citydata.organizations import Orgs, fill_organizations  # noqa: E402
from bench.citydata.reference import City, fill_streets, fill_units  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL,
        help="PostgreSQL database to (re)create (default: $BENCH_DATABASE_URL or %(default)s)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="do nothing if the database exists already (no drop)"
    )
    parser.add_argument(
        "--scale",
        type=parse_scale,
        default=parse_scale(os.environ.get("BENCH_SCALE") or DEFAULT_SCALE),
        help="number of demands: 10k, 100k (default, or $BENCH_SCALE), 1M; offers are half of it",
    )
    args = parser.parse_args()
    set_scale(args.scale)
    print(f"scale: {TARGETS['demands']:,} demands, {TARGETS['offerings']:,} offers")
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("the city-scale data set needs PostgreSQL (a postgres:// URL)")

    started = time.perf_counter()
    if not prepare_database(args.database_url, args.keep):
        print("database exists; --keep given, nothing to do")
        return
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from matching import tallies
    from matching.models import OrganizationTally

    timer = Timer()
    call_command("migrate", verbosity=0)
    execute("SET maintenance_work_mem = '256MB'")  # this session's GIN builds
    call_command("createcachetable", verbosity=0)
    timer.step("migrate", 0)
    # The demo logins' passwords are hashed with 1,000 PBKDF2 iterations instead of Django's 1,000,000
    # (12 logins: ~10 s saved on a busy machine). The iteration count is stored in each hash, so they
    # verify with the normal settings, and Django re-hashes each at its first login.
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    with (
        mock.patch.object(PBKDF2PasswordHasher, "iterations", 1000),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        call_command("seed_demo")
    timer.step("seed_demo (demo logins and records)", 0)

    # Each COPY commits on its own (autocommit): foreign keys are checked at its end, and the
    # database is recreated from scratch by the next run anyway.
    rng = random.Random(SEED)
    city = City(rng)
    fill_streets(city, rng, timer)
    fill_units(city, rng, timer)
    specialties = fill_organizations(city, rng, timer)
    orgs = Orgs(rng, specialties)
    # The ranking's tallies counted once after the COPY, not by their triggers row by row.
    with tallies.paused():
        fill_demands(city, rng, orgs, timer)
        fill_offerings(city, rng, orgs, timer)
    timer.step("matching_organizationtally (对接计数)", OrganizationTally.objects.count())
    with transaction.atomic():
        fill_directory(city, rng, timer)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timer.step("VACUUM ANALYZE", 0)
    check(timer)
    summary()
    print(f"bench data ready in {time.perf_counter() - started:.1f} s: {args.database_url}")


if __name__ == "__main__":
    main()
