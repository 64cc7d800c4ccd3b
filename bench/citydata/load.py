"""Writing to the bench database: (re)creating it, COPY of generated rows, search tokens, sequences,
statistics, and the step timer that prints each table's rows and seconds."""

import functools
import sys
import time
from urllib.parse import urlsplit


class Timer:
    def __init__(self):
        self.start = time.perf_counter()
        self.rows = []

    def step(self, label, count):
        now = time.perf_counter()
        print(f"  {label:<34} {count:>8,} rows  {now - self.start:6.1f} s", flush=True)
        self.rows.append((label, count, now - self.start))
        self.start = now


def prepare_database(url, keep):
    """Drop (if its name says it is a bench database) and create the database; return True if new."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and keep:
            return False
        if exists:
            if "bench" not in name:
                sys.exit(
                    f"refusing to drop database {name!r}: only a database whose name contains 'bench' is "
                    "recreated. Point BENCH_DATABASE_URL at one (default portal_bench)."
                )
            print(f"dropping and recreating database {name}")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        else:
            print(f"creating database {name}")
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def copy_rows(model, rows):
    """COPY `rows` (dicts of attname → value, with explicit ids; any iterable) into the model's table.
    A generator streams: PostgreSQL works on one batch while Python builds the next. Returns the count."""
    from django.db import connection

    fields = model._meta.concrete_fields
    defaults = {}
    for f in fields:
        if f.has_default() and not callable(f.default):
            defaults[f.attname] = f.default
        elif f.null:
            defaults[f.attname] = None
        elif f.get_internal_type() in ("CharField", "TextField", "EmailField", "FileField", "URLField"):
            defaults[f.attname] = ""
    columns = ", ".join(f'"{f.column}"' for f in fields)
    names = [f.attname for f in fields]
    count = 0
    with connection.cursor() as cursor:
        with cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[n] if n in row else defaults[n] for n in names])
                count += 1
    return count


def tokens_function(model):
    """`model.build_search_tokens()` for a dict row: `portal.search.tokens_for` over the model's own
    SEARCH_FIELDS. tokens_for(a, b) is tokens_for(a) + " " + tokens_for(b) (a text with no words adds
    nothing), so each field's tokens are computed once per distinct text and joined; `check()` compares
    the result with build_search_tokens() on sampled rows."""
    from portal import search

    cached = functools.lru_cache(maxsize=100_000)(search.tokens_for)
    fields = model.SEARCH_FIELDS

    def tokens(row):
        return " ".join(t for t in (cached(row[f]) for f in fields) if t)

    return tokens


def analyze(*models):
    """Statistics right after a bulk load: later steps query these tables, and without statistics
    PostgreSQL can pick a plan that takes minutes instead of milliseconds."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def reset_sequences(*models):
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def next_id(model):
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def execute(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)


def copy_searchable(model, index, rows, timer):
    """COPY `rows` into a searchable model's table without its GIN index `index` and the index's slices
    (portal.search.SLICED_TABLES; dropped first, rebuilt after with the migrations' own SQL: building
    them once is faster than updating them row by row), then its sequence and statistics; each step
    timed. Returns the count."""
    from portal import search

    table = model._meta.db_table
    slices = table in search.SLICED_TABLES
    for sql in [f'DROP INDEX IF EXISTS "{index}"', *(search.drop_slices_sql(table) if slices else ())]:
        execute(sql)
    count = copy_rows(model, rows)
    reset_sequences(model)
    analyze(model)
    timer.step(f"{table} (generate + COPY)", count)
    execute(search.add_vector_sql(table, "search_tokens", index)[1])
    timer.step(f"  {index} (GIN index)", count)
    if slices:
        for sql in search.slice_index_sql(table):
            execute(sql)
        timer.step(f"  {search.SLICED_TABLES[table]}_* (its slices)", count)
    return count
