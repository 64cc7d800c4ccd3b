"""Where each page of `make bench` spends its time, one request at a time (no concurrency).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/city_profile.py [page ...]

Same settings and pages as bench/city_load.py (DEBUG=0, the bench database), Django's test client
in this process. For each page: the median over a few requests of its wall time, the time spent in
SQL and the rest (Python: view, ORM, templates); then its costliest queries, each with PostgreSQL's
planning and execution time (EXPLAIN ANALYZE, median of 5) and the first words of the SQL.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.city_load import DEFAULT_URL  # noqa: E402
from bench.cityload.cpu import loadavg  # noqa: E402
from bench.cityload.pages import FLOORS, PAGES  # noqa: E402
from bench.cityload.server import server_env  # noqa: E402


def explain(connection, sql, runs=5):
    plans, execs = [], []
    with connection.cursor() as cursor:
        for _ in range(runs):
            cursor.execute("EXPLAIN (ANALYZE, SUMMARY, TIMING OFF) " + sql)
            out = "\n".join(line for (line,) in cursor.fetchall())
            plans.append(float(re.search(r"Planning Time: ([\d.]+)", out).group(1)))
            execs.append(float(re.search(r"Execution Time: ([\d.]+)", out).group(1)))
    return statistics.median(plans), statistics.median(execs)


def main():
    args = argparse.Namespace(
        database_url=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL, conn_max_age=60
    )
    os.environ.update(server_env(args))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    wanted = set(sys.argv[1:])
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"load average {loadavg():.2f}")
    for page in PAGES + FLOORS:
        if wanted and page.name not in wanted:
            continue
        paths = page.resolve()
        paths = paths[:: max(1, len(paths) // 3)][:3]
        walls, sqls, per_query = [], [], {}
        for path in paths:
            client.get(path)
            for _ in range(3):
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    response = client.get(path)
                    walls.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    print(f"{page.name}: {path} answered {response.status_code}")
                    break
                sqls.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
                for q in ctx.captured_queries:
                    key = re.sub(r"\d+", "N", q["sql"][:120])
                    per_query.setdefault(key, []).append((float(q["time"]) * 1000, q["sql"]))
        wall, sql = statistics.median(walls), statistics.median(sqls)
        print(
            f"\n{page.name}: {wall:.1f} ms per request, SQL {sql:.1f} ms, the rest {wall - sql:.1f} ms "
            f"({len(ctx.captured_queries)} queries)"
        )
        top = sorted(per_query.values(), key=lambda v: -statistics.median(t for t, _ in v))[:3]
        for samples in top:
            sql_text = samples[0][1]
            if sql_text.startswith("DECLARE") or statistics.median(t for t, _ in samples) < 2:
                continue
            plan, execute = explain(connection, sql_text)
            print(f"  plan {plan:6.1f} ms  execute {execute:6.1f} ms  {sql_text[:150]}")


if __name__ == "__main__":
    main()
