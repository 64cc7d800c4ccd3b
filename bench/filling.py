"""Filling a database with copies of seed_demo's rows, for bench/demand_search.py and
bench/dashboard.py (bench/city_data.py composes its own rows)."""

import datetime
import functools
import sys
import time

STREETS = ["南京东路街道", "徐家汇街道", "陆家嘴街道", "七宝镇", "五角场街道"]


@functools.cache
def _phrases():
    from demands.demo import TITLES

    return [t for titles in TITLES.values() for t in titles]


def street_title(rng):
    """A demand title: a 街镇 and one of the demo data's service titles."""
    return f"{rng.choice(STREETS)}{rng.choice(_phrases())}"


def minutes_before(now, rng, years):
    """A time up to `years` years before `now`, to the minute."""
    return now - datetime.timedelta(minutes=rng.randint(0, years * 365 * 24 * 60))


def copy_demo_rows(model, count, rng, change, noun):
    """Writes `count` copies of the model's published demo rows: each a row picked at random, changed
    by `change(row, index)`, its search tokens rebuilt, written with bulk_create in batches of 5,000;
    then ANALYZE. Prints how long it took."""
    from django.db import connection

    template = list(model.objects.filter(status="published")[:50])
    if not template:
        sys.exit("run `python manage.py seed_demo` on this database first")
    fields = [f.attname for f in model._meta.concrete_fields]
    start = time.perf_counter()
    batch = []
    for i in range(count):
        row = rng.choice(template)
        row.pk = row.id = None
        change(row, i)
        row.search_tokens = row.build_search_tokens()
        batch.append(model(**{name: getattr(row, name) for name in fields}))
        if len(batch) == 5000:
            model.objects.bulk_create(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {model._meta.db_table}")
    print(f"filled {count} {noun} in {time.perf_counter() - start:.1f} s")
