"""The growth table's measurements: the same pages on databases of other sizes
(`--scales 10k=URL,100k=URL,1M=URL`), each with a gunicorn of its own."""

import argparse

from bench.cityload.inprocess import count_queries
from bench.cityload.report import cpu_ms, ms
from bench.cityload.server import fetch, free_port, measure, server_env, start_gunicorn, stop


def use_database(url):
    """Points this process's Django connection at another database (for the growth table)."""
    import dj_database_url
    from django.db import connections

    connections["default"].close()
    connections["default"].settings_dict.update(
        {
            k: v
            for k, v in dj_database_url.parse(url).items()
            if k in ("NAME", "HOST", "PORT", "USER", "PASSWORD")
        }
    )


def parse_scales(text, main_url):
    """`10k=URL,100k=URL,1M=URL` → {label: url}; the bench database (main_url) is one of them."""
    out = {}
    for part in filter(None, (text or "").split(",")):
        label, _, url = part.partition("=")
        out[label.strip()] = url.strip() or main_url
    return out


def database_exists(url):
    import psycopg

    base, _, name = url.rpartition("/")
    try:
        with psycopg.connect(f"{base}/postgres", connect_timeout=5) as conn:
            return (
                conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None
            )
    except Exception:
        return False


def measure_scale(label, url, args, pages):
    """The growth table's row for one database: each page's p95, CPU/req and queries, with a
    gunicorn of its own on that database (shorter runs than the main table's)."""
    from demands.models import Demand

    if not database_exists(url):
        return {"note": f"not measured: make bench-data BENCH_SCALE={label} BENCH_DATABASE_URL={url}"}
    use_database(url)
    total = Demand.objects.count()
    for page in pages:
        page.resolve()
    counts = count_queries(pages)
    from django.db import connection

    connection.close()
    sargs = argparse.Namespace(
        **{**vars(args), "database_url": url, "duration": args.scale_duration, "warmup": args.scale_warmup}
    )
    env = {**server_env(sargs)}
    port = free_port()
    proc = start_gunicorn(env, port, args.workers, args.worker_threads)
    results = {}
    try:
        for page in pages:
            if not page.paths or fetch(port, page.paths[0])[0] != 200:
                continue
            r = measure(port, page, sargs)
            results[page.name] = r
            print(
                f"  [{label}] {page.name:<16} p95 {ms(r['p95_us']):>6} ms  CPU/req {cpu_ms(r):.1f} ms",
                flush=True,
            )
    finally:
        stop(proc)
    return {"url": url, "demands": total, "results": results, "queries": counts}
