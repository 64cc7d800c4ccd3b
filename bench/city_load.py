"""Load test at city scale (issues 9 and 15): gunicorn with production settings, driven by wrk, on the
database `bench/city_data.py` fills.

    make bench-data && make bench
    # or: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/city_load.py

What it does, in one process:
1. collects the static files (DEBUG=0: whitenoise's compressed manifest storage) into var/bench/static;
2. counts the SQL queries of every page with Django's test client under the same settings (a few
   variants of each page: the count should not change with the data);
3. starts gunicorn (sync workers, 2 × cores + 1, as docs/deploy.md) with DEBUG=0, a throw-away SECRET_KEY,
   ALLOWED_HOSTS=127.0.0.1, the bench database and PORTAL_BENCH_FLOORS=1 (routes the two floor views
   of bench/views.py), its log in var/bench/gunicorn.log;
4. checks that every URL of every page answers 200 (no redirect), and stops if one does not;
5. for each page, then for the two floors and the mix of all pages: a warm-up run of wrk, then a
   timed run (8 connections, 2 threads, bench/city.lua picks a random URL of the page per request);
6. prints a Markdown table (requests per second, p50/p95/p99, errors, throughput as a ratio of the
   second floor, queries, page size, CPU per request), then issue 15's aims met or not, and writes it
   to bench/results/city.md (and the raw figures to bench/results/city.json). The aims also need, in
   the same run: the site frame and the filter form rendered in-process (median of 200, DEBUG=0,
   cached loader); the statistics dashboards through the test client (uncached, median of 7);
   bench/offering_upload.py in a subprocess on a scratch database created and dropped here; and a
   growth table over databases of other sizes (--scales 10k=URL,100k=URL,1M=URL; by default the
   bench database and $BENCH_1M_DATABASE_URL or portal_bench_1m if it exists).

Database CPU counts every PostgreSQL process working for a request: the bench database's backends
(snapshots of /proc before and after each timed run) and their parallel workers, which are
short-lived children of the postmaster a snapshot misses (ParallelWorkers samples them every few
ms). `--check-parallel` runs a query forced parallel and shows both counts.

The parts, in bench/cityload/: pages (the PAGES list: add one with a name, a label and its URLs, or a
function of the database returning them), cpu (the /proc accounting), server (gunicorn and wrk),
inprocess (queries, frame and form, dashboards, upload), scales (the growth table's runs), report
(the table and the aims). Not run by CI.
"""

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cityload import inprocess, report, scales  # noqa: E402
from bench.cityload.cpu import busy_processes, check_parallel, loadavg, machine, uptime  # noqa: E402
from bench.cityload.pages import FLOORS, MIX, PAGES  # noqa: E402
from bench.cityload.server import fetch, free_port, measure, server_env, start_gunicorn, stop  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
DEFAULT_1M_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_1m"
RESULTS = ROOT / "bench" / "results"


def parse_args():
    parser = argparse.ArgumentParser(description="Load test at city scale (see the module docstring).")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL)
    parser.add_argument("--duration", type=int, default=20, help="seconds timed per page (default 20)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up per page (default 5)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="gunicorn workers (default 2 × cores + 1, as docs/deploy.md)",
    )
    parser.add_argument(
        "--worker-threads",
        type=int,
        default=1,
        help="threads per gunicorn worker (default 1: sync workers; more: gthread workers)",
    )
    parser.add_argument(
        "--conn-max-age", type=int, default=60, help="DB_CONN_MAX_AGE for the server (default 60)"
    )
    parser.add_argument("--only", help="comma-separated page names to time (floors always run)")
    parser.add_argument("--out", default=str(RESULTS / "city.md"))
    parser.add_argument(
        "--scales",
        default=os.environ.get("BENCH_SCALES"),
        help="growth table: label=URL,… (default: 1M=$BENCH_1M_DATABASE_URL, measured if it exists)",
    )
    parser.add_argument("--scale-duration", type=int, default=10, help="seconds timed per page per scale")
    parser.add_argument("--scale-warmup", type=int, default=3)
    parser.add_argument("--skip", default="", help="comma-separated: frame,dashboard,upload,scales")
    parser.add_argument(
        "--check-parallel",
        action="store_true",
        help="only show that parallel workers' CPU is counted, and exit",
    )
    return parser.parse_args()


def run_info(args, connection):
    """What the report says about the run: date, machine, PostgreSQL, server and wrk settings, load."""
    pg = connection.cursor().connection.info.server_version
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "pg": f"{pg // 10000}.{pg % 10000}",
        "workers": args.workers,
        "worker_threads": args.worker_threads,
        "conn_max_age": args.conn_max_age,
        "threads": args.threads,
        "connections": args.connections,
        "warmup": args.warmup,
        "duration": args.duration,
        "load_start": loadavg(),
        "uptime_start": uptime(),
        "others_start": busy_processes({os.getpid()}),
    }


def check_urls(port, pages):
    """Every URL of every page answers 200 (or the run stops); returns the optional pages answering
    404 (skipped, with the reason) and each page's mean size in bytes."""
    skipped, sizes, failures = {}, {}, []
    for page in pages:
        if not page.paths:
            failures.append(f"{page.name}: no URLs (is there data for it?)")
            continue
        lengths = []
        for path in page.paths:
            status, body = fetch(port, path)
            if status == 404 and page.optional:
                skipped[page.name] = f"404 at {path}: not built yet"
                break
            if status != 200:
                failures.append(f"{page.name}: {path} answered {status}")
                break
            lengths.append(len(body))
        if lengths:
            sizes[page.name] = statistics.mean(lengths)
    if failures:
        sys.exit("not every page answers 200, nothing timed:\n  " + "\n  ".join(failures))
    return skipped, sizes


def time_pages(port, timed, args):
    """The floors, each page, then the mix of all pages (40 URLs of each): wrk's figures by page."""
    results = {}
    MIX.paths = [path for p in timed for path in (p.paths * (40 // len(p.paths) + 1))[:40]]
    for page in FLOORS + timed + [MIX]:
        r = measure(port, page, args)
        results[page.name] = r
        print(
            f"  {page.name:<16} {r['rps']:8,.1f} req/s  p50 {report.ms(r['p50_us']):>6} ms  p95 {report.ms(r['p95_us']):>6} ms  "
            f"p99 {report.ms(r['p99_us']):>6} ms  errors {r['errors']}  CPU/req {r['app_ms']:.0f}+{r['db_ms']:.0f} ms  others {r['others_cores']:.2f} cores",
            flush=True,
        )
    return results


def growth(args, results, counts, total):
    """The growth table's rows: the bench database's from this run's figures, each other database
    measured on its own gunicorn (or a note that it does not exist)."""
    urls = scales.parse_scales(args.scales, args.database_url) or {
        "1M": os.environ.get("BENCH_1M_DATABASE_URL") or DEFAULT_1M_URL
    }
    scale_pages = [p for p in PAGES if p.aim_p95 or p.name.startswith("demand_detail")]
    this_run = {
        "url": args.database_url,
        "demands": total,
        "results": {p.name: results[p.name] for p in scale_pages if p.name in results},
        "queries": counts,
    }
    out = {}
    for label, url in urls.items():
        if url == args.database_url:
            out[label] = this_run
            continue
        print(f"growth: {label} at {url}", flush=True)
        out[label] = scales.measure_scale(label, url, args, scale_pages)
    if not any(v.get("url") == args.database_url for v in out.values()):
        out = {f"bench ({total // 1000}k)": this_run, **out}
    scales.use_database(args.database_url)
    return out


def extras(args, results, counts, total):
    """The aims measured outside the load runs, each unless --skip names it."""
    skip = set(filter(None, args.skip.split(",")))
    extra = {}
    if "frame" not in skip:
        print("timing the site frame and the filter form in-process", flush=True)
        extra["frame"] = inprocess.frame_and_form()
    if "dashboard" not in skip:
        print("timing the statistics dashboards (test client, uncached)", flush=True)
        extra["dashboard"] = inprocess.dashboards()
    if "upload" not in skip:
        print("timing the offer re-upload (bench/offering_upload.py, scratch database)", flush=True)
        extra["upload"] = inprocess.upload_timings(args.database_url)
    if "scales" not in skip:
        extra["scales"] = growth(args, results, counts, total)
    return extra


def write_report(args, run, extra):
    """Prints the table, the aims and the growth table; writes them to --out and the raw figures to
    its .json."""
    info, results, counts = run["info"], run["results"], run["queries"]
    table = report.render(results, counts, run["sizes"], run["skipped"], info)
    verdict = report.aims(results, counts, run["skipped"], extra)
    if extra.get("scales"):
        verdict += "\n\n" + report.growth_table(extra["scales"])
    others = "; ".join(info["others_start"]) or "none above 5%"
    text = (
        f"{table}\n\n{verdict}\n\n"
        f"`uptime` before: {info['uptime_start']}  \n`uptime` after: {info['uptime_end']}  \n"
        f"Other busy processes at the start (ps %CPU): {others}\n"
    )
    print("\n" + text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("# `make bench`: latest run\n\n" + text, encoding="utf-8")
    Path(args.out).with_suffix(".json").write_text(
        json.dumps({**run, "extra": extra}, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    print(f"written to {os.path.relpath(args.out, ROOT)} (and .json)")


def main():
    args = parse_args()
    if args.check_parallel:
        print(json.dumps(check_parallel(args.database_url), indent=1))
        return

    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk (make bench does it)")
    env = server_env(args)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from demands.models import Demand

    if connection.vendor != "postgresql":
        sys.exit("set BENCH_DATABASE_URL to a PostgreSQL database")
    total = Demand.objects.count()
    if total < 10_000:
        sys.exit(f"the bench database has {total} demands: run `make bench-data` first")

    print(f"{total:,} demands in {args.database_url}; collecting static files", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    pages = PAGES
    if args.only:
        wanted = set(args.only.split(","))
        pages = [p for p in PAGES if p.name in wanted]
    for page in pages + FLOORS:
        page.resolve()

    port = free_port()
    info = run_info(args, connection)
    connection.close()

    proc = start_gunicorn(env, port, args.workers, args.worker_threads)
    try:
        print(
            f"gunicorn: {args.workers} workers × {args.worker_threads} threads on 127.0.0.1:{port}; "
            "checking every URL answers 200",
            flush=True,
        )
        skipped, sizes = check_urls(port, pages + FLOORS)
        timed = [p for p in pages if p.name not in skipped]

        print("counting queries per page (test client, same settings)", flush=True)
        counts = inprocess.count_queries(timed)
        connection.close()

        results = time_pages(port, timed, args)
        info["load_end"] = loadavg()
        info["others_mean"] = statistics.mean(r["others_cores"] for r in results.values())
        info["uptime_end"] = uptime()
        info["others_end"] = busy_processes({os.getpid(), proc.pid})
    finally:
        stop(proc)

    run = {"info": info, "results": results, "queries": counts, "sizes": sizes, "skipped": skipped}
    write_report(args, run, extras(args, results, counts, total))


if __name__ == "__main__":
    main()
