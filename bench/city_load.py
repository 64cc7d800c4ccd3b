"""Load test at city scale (issue 9): gunicorn with production settings, driven by wrk, on the
database `bench/city_data.py` fills.

    make bench-data && make bench
    # or: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/city_load.py

What it does, in one process:
1. collects the static files (DEBUG=0: whitenoise's compressed manifest storage) into var/bench/static;
2. counts the SQL queries of every page with Django's test client under the same settings (a few
   variants of each page: the count should not change with the data);
3. starts gunicorn (sync workers, 2 × cores + 1) with DEBUG=0, a throw-away SECRET_KEY,
   ALLOWED_HOSTS=127.0.0.1, the bench database and PORTAL_BENCH_FLOORS=1 (routes the two floor views
   of bench/views.py), its log in var/bench/gunicorn.log;
4. checks that every URL of every page answers 200 (no redirect), and stops if one does not;
5. for each page, then for the two floors and the mix of all pages: a warm-up run of wrk, then a
   timed run (8 connections, 2 threads, bench/city.lua picks a random URL of the page per request);
6. prints a Markdown table (requests per second, p50/p95/p99, errors, throughput as a ratio of the
   second floor, queries, page size), the aims met or not, and writes it to bench/results/city.md
   (and the raw figures to bench/results/city.json).

Pages are the PAGES list below: add one with a name, a label and its URLs (or a function of the
database returning them). Not run by CI.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import random
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "var" / "bench"
LUA = ROOT / "bench" / "city.lua"
VENV_BIN = Path(sys.executable).parent


# --- the pages ------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    label: str
    urls: object  # a list of paths, or a function (of the Django-ready module namespace) returning one
    aim_p95: bool = False  # search and listing pages: p95 under 100 ms
    optional: bool = False  # a page still being built: a 404 is reported and the page skipped
    floor: bool = False
    paths: list = field(default_factory=list)


def q(text):
    return quote(text, safe="")


def demand_filters():
    """District + category combinations as people use them: the big districts and categories, and a few small ones."""
    from portal.models import District

    ids = dict(District.objects.values_list("name", "pk"))
    combos = [
        ("浦东新区", "01"),  # 养老服务 in the largest district: the heaviest combination
        ("闵行区", "05"),
        ("徐汇区", "0103"),  # a sub-category: 老年助餐服务
        ("黄浦区", "02"),
        ("杨浦区", "04"),
        ("崇明区", "01"),  # a small district
        ("静安区", "0602"),
        ("浦东新区", "12"),  # a rare category
    ]
    return [f"/demands/?district={ids[d]}&category={c}" for d, c in combos]


def demand_details():
    """200 published demands, drawn at random (seeded) over the five years."""
    from demands.selectors import public_demands

    ids = list(public_demands().exclude(status="cancelled").values_list("pk", flat=True))
    return [f"/demands/{pk}/" for pk in random.Random(9).sample(ids, min(200, len(ids)))]


def latest_directory():
    from directory.selectors import latest_published_edition

    edition = latest_published_edition()
    return [f"/directory/{edition.year}/"] if edition else []


PAGES = [
    Page("home", "首页", ["/"]),
    Page("demand_filter", "需求列表：区+类别", demand_filters, aim_p95=True),
    Page("search_yanglao", "搜索“养老”", [f"/demands/?q={q('养老')}"], aim_p95=True),
    Page("search_shequ", "搜索“社区服务”", [f"/demands/?q={q('社区服务')}"], aim_p95=True),
    Page("demand_detail", "需求详情（随机）", demand_details),
    Page("offer_list", "服务项目列表", ["/offerings/"], aim_p95=True),
    Page("directory", "推荐目录（最新一期）", latest_directory, aim_p95=True),
    Page("data", "数据概览 /data/", ["/data/"], optional=True),
]
FLOORS = [
    Page("floor_ok", "地板 1：返回 ok", ["/bench/floor/ok/"], floor=True),
    Page("floor_listing", "地板 2：同尺寸列表模板，无数据库", ["/bench/floor/listing/"], floor=True),
]


# --- the machine ----------------------------------------------------------------------------------


def machine():
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(
        next(
            li for li in Path("/proc/meminfo").read_text().splitlines() if li.startswith("MemTotal")
        ).split()[1]
    )
    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
    }


def loadavg():
    return float(Path("/proc/loadavg").read_text().split()[0])


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_snapshot():
    """pid → (ppid, CPU ticks so far, command line) for every process."""
    out = {}
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            stat = (p / "stat").read_text()
            cmd = (p / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        out[int(p.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]), cmd or stat.split()[1])
    return out


def cpu_split(before, after, seconds, dbname):
    """CPU used between two snapshots: by gunicorn (this process's descendants), by the bench
    database's PostgreSQL backends, and by everything else (cores on average over `seconds`, and the
    three busiest). wrk has exited by then: its CPU comes from getrusage (see measure)."""
    me = os.getpid()

    def ours(pid):
        seen = 0
        while pid and seen < 50:
            if pid == me:
                return True
            pid = after.get(pid, before.get(pid, (0,)))[0]
            seen += 1
        return False

    app = db = 0.0
    others = {}
    for pid, (_, ticks, cmd) in after.items():
        used = (ticks - before.get(pid, (0, 0))[1]) / CLK_TCK
        if used <= 0 or pid == me:
            continue
        if ours(pid):
            app += used
        elif f" {dbname} " in f" {cmd} ":
            db += used
        else:
            others[pid] = (used, cmd)
    top = sorted(others.values(), reverse=True)[:3]
    return {
        "app_cpu_s": app,
        "db_cpu_s": db,
        "others_cores": sum(t for t, _ in others.values()) / seconds,
        "others_top": [f"{t / seconds:.2f} {cmd[:60]}" for t, cmd in top],
    }


def busy_processes(exclude):
    """Other processes that used the CPU (ps %CPU: the average since each process started)."""
    out = subprocess.run(
        ["ps", "-eo", "pid,ppid,pcpu,etimes,args", "--sort=-pcpu", "--no-headers"],
        capture_output=True,
        text=True,
    ).stdout
    rows = []
    for line in out.splitlines()[:15]:
        pid, ppid, pcpu, _, args = line.split(None, 4)
        if int(pid) in exclude or int(ppid) in exclude or float(pcpu) < 5:
            continue
        rows.append(f"{float(pcpu):.0f}% {args[:70]}")
    return rows[:6]


# --- the server -----------------------------------------------------------------------------------


def server_env(args):
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": args.database_url,
            "DB_CONN_MAX_AGE": str(args.conn_max_age),
            # Plain HTTP on 127.0.0.1: without this every request would be redirected to https.
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": str(WORK / "static"),
            "PORTAL_BENCH_FLOORS": "1",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
        }
    )
    return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env, port, workers):
    WORK.mkdir(parents=True, exist_ok=True)
    log = open(WORK / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "portal.wsgi:application",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn exited with {proc.returncode}; see {WORK / 'gunicorn.log'}")
        try:
            status, _ = fetch(port, "/bench/floor/ok/")
            if status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    proc.terminate()
    sys.exit(f"gunicorn did not answer within 60 s; see {WORK / 'gunicorn.log'}")


def stop(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def fetch(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- measuring ------------------------------------------------------------------------------------


def count_queries(pages):
    """Queries per request for each page, with Django's test client under the server's settings.
    Each URL is requested twice and the second counted (the first may fill per-process caches)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for page in pages:
        sample = page.paths[:: max(1, len(page.paths) // 4)][:4]
        seen = []
        for path in sample:
            client.get(path)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            if response.status_code != 200:
                seen = None
                break
            seen.append(len(ctx.captured_queries))
        counts[page.name] = seen
    return counts


def run_wrk(port, paths, seconds, args):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(paths) + "\n")
        paths_file = f.name
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(LUA),
                f"http://127.0.0.1:{port}",
                "--",
                paths_file,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    finally:
        os.unlink(paths_file)
    for line in out.stdout.splitlines():
        if line.startswith("CITY_RESULT "):
            return json.loads(line[len("CITY_RESULT ") :])
    sys.exit(f"wrk printed no result (exit {out.returncode}):\n{out.stdout}\n{out.stderr}")


def measure(port, page, args):
    run_wrk(port, page.paths, args.warmup, args)
    load_before = loadavg()
    before, started = cpu_snapshot(), time.perf_counter()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = run_wrk(port, page.paths, args.duration, args)
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    r.update(
        cpu_split(before, cpu_snapshot(), time.perf_counter() - started, args.database_url.rsplit("/", 1)[-1])
    )
    r["wrk_cpu_s"] = done.ru_utime + done.ru_stime - children.ru_utime - children.ru_stime
    r["load_before"], r["load_after"] = load_before, loadavg()
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    # CPU per request, whatever else runs on the machine: gunicorn (view, ORM, templates) and PostgreSQL.
    r["app_ms"] = r["app_cpu_s"] * 1000 / max(r["requests"], 1)
    r["db_ms"] = r["db_cpu_s"] * 1000 / max(r["requests"], 1)
    r["errors"] = r["non2xx"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
    return r


# --- reporting ------------------------------------------------------------------------------------


def ms(us):
    return f"{us / 1000:.1f}"


def db_cell(r, info):
    # Backends that exit within the run (DB_CONN_MAX_AGE=0: one per request) escape the accounting.
    return f"{r['db_ms']:.0f}" if info["conn_max_age"] else "?"


def queries_cell(counts):
    if counts is None:
        return "—"
    if not counts:
        return "?"
    lo, hi = min(counts), max(counts)
    return str(lo) if lo == hi else f"{lo}–{hi}"


def render(results, counts, sizes, skipped, info):
    floor2 = results["floor_listing"]["rps"]
    lines = [
        f"Measured {info['date']} on {info['machine']['nproc']} cores ({info['machine']['cpu']}), "
        f"{info['machine']['ram_gib']} GiB; PostgreSQL {info['pg']}; gunicorn {info['workers']} sync workers, "
        f"DB_CONN_MAX_AGE={info['conn_max_age']}; wrk {info['threads']} threads × {info['connections']} connections, "
        f"{info['warmup']} s warm-up + {info['duration']} s per page; load average (1 min) "
        f"{info['load_start']:.2f} before the run, {info['load_end']:.2f} after; other processes (not gunicorn, "
        f"wrk or the bench database's PostgreSQL backends) used {info['others_mean']:.2f} of the "
        f"{info['machine']['nproc']} cores on average during the timed runs (last column: per page). "
        "CPU ms/req: CPU time of the gunicorn workers and of the bench database's PostgreSQL backends per "
        "request, which other load on the machine does not change much.",
        "",
        "| page | URLs | req/s | p50 ms | p95 ms | p99 ms | errors | × floor 2 | queries | KB "
        "| CPU ms/req app + DB | others' CPU |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in PAGES + FLOORS + [MIX]:
        if page.name in skipped:
            lines.append(
                f"| {page.label} | `{page.paths[0] if page.paths else ''}` | {skipped[page.name]} | | | | | | | | | |"
            )
            continue
        r = results.get(page.name)
        if r is None:
            continue
        url = f"`{page.paths[0]}`" if len(page.paths) == 1 else f"{len(page.paths)} URLs"
        lines.append(
            f"| {page.label} | {url} | {r['rps']:,.0f} | {ms(r['p50_us'])} | {ms(r['p95_us'])} | {ms(r['p99_us'])} "
            f"| {r['errors']} | {r['rps'] / floor2:.2f} | {queries_cell(counts.get(page.name))} "
            f"| {sizes.get(page.name, 0) / 1024:.0f} | {r['app_ms']:.0f} + {db_cell(r, info)} | {r['others_cores']:.2f} |"
        )
    return "\n".join(lines)


def aims(results, counts, skipped):
    floor2 = results["floor_listing"]["rps"]
    measured = [p for p in PAGES if p.name in results]
    slow = [
        f"{p.label} {ms(results[p.name]['p95_us'])} ms"
        for p in measured
        if p.aim_p95 and results[p.name]["p95_us"] >= 100_000
    ]
    low = [
        f"{p.label} {results[p.name]['rps'] / floor2:.2f}"
        for p in measured
        if results[p.name]["rps"] < floor2 / 3
    ]
    errors = sum(r["errors"] for r in results.values())
    varying = [p.label for p in measured if counts.get(p.name) and len(set(counts[p.name])) > 1]
    lines = [
        "- search and listing p95 under 100 ms at 8 connections: "
        + ("**met**" if not slow else "**not met** (" + "; ".join(slow) + ")"),
        f"- no page below a third of floor 2 ({floor2 / 3:,.0f} req/s): "
        + ("**met**" if not low else "**not met** (" + "; ".join(low) + ")"),
        f"- zero errors: {'**met**' if errors == 0 else f'**not met** ({errors} errors)'}",
        "- every page a fixed number of queries (same count on each sampled URL): "
        + ("**met**" if not varying else "**not met** (" + ", ".join(varying) + ")"),
    ]
    if skipped:
        lines.append("- not measured: " + "; ".join(f"{k} ({v})" for k, v in skipped.items()))
    return "\n".join(lines)


MIX = Page("mix", "全部页面混合（不含地板）", [])


def main():
    parser = argparse.ArgumentParser(description="Load test at city scale (see the module docstring).")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL)
    parser.add_argument("--duration", type=int, default=20, help="seconds timed per page (default 20)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up per page (default 5)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--conn-max-age", type=int, default=60, help="DB_CONN_MAX_AGE for the server (default 60)"
    )
    parser.add_argument("--only", help="comma-separated page names to time (floors always run)")
    parser.add_argument("--out", default=str(RESULTS / "city.md"))
    args = parser.parse_args()

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
        page.paths = page.urls() if callable(page.urls) else list(page.urls)

    port = free_port()
    info = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "pg": connection.cursor().connection.info.server_version,
        "workers": args.workers,
        "conn_max_age": args.conn_max_age,
        "threads": args.threads,
        "connections": args.connections,
        "warmup": args.warmup,
        "duration": args.duration,
        "load_start": loadavg(),
        "uptime_start": subprocess.run(
            ["uptime"], capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}
        ).stdout.strip(),
    }
    pg = info["pg"]
    info["pg"] = f"{pg // 10000}.{pg % 10000}"
    info["others_start"] = busy_processes({os.getpid()})
    connection.close()

    proc = start_gunicorn(env, port, args.workers)
    try:
        print(
            f"gunicorn: {args.workers} workers on 127.0.0.1:{port}; checking every URL answers 200",
            flush=True,
        )
        skipped, sizes, failures = {}, {}, []
        for page in pages + FLOORS:
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
        timed = [p for p in pages if p.name not in skipped]

        print("counting queries per page (test client, same settings)", flush=True)
        counts = count_queries(timed)
        connection.close()

        results = {}
        MIX.paths = [path for p in timed for path in (p.paths * (40 // len(p.paths) + 1))[:40]]
        for page in FLOORS + timed + [MIX]:
            r = measure(port, page, args)
            results[page.name] = r
            print(
                f"  {page.name:<16} {r['rps']:8,.1f} req/s  p50 {ms(r['p50_us']):>6} ms  p95 {ms(r['p95_us']):>6} ms  "
                f"p99 {ms(r['p99_us']):>6} ms  errors {r['errors']}  CPU/req {r['app_ms']:.0f}+{r['db_ms']:.0f} ms  others {r['others_cores']:.2f} cores",
                flush=True,
            )
        info["load_end"] = loadavg()
        info["others_mean"] = statistics.mean(r["others_cores"] for r in results.values())
        info["uptime_end"] = subprocess.run(
            ["uptime"], capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}
        ).stdout.strip()
        info["others_end"] = busy_processes({os.getpid(), proc.pid})
    finally:
        stop(proc)

    table = render(results, counts, sizes, skipped, info)
    verdict = aims(results, counts, skipped)
    others = "; ".join(info["others_start"]) or "none above 5%"
    report = (
        f"{table}\n\n{verdict}\n\n"
        f"`uptime` before: {info['uptime_start']}  \n`uptime` after: {info['uptime_end']}  \n"
        f"Other busy processes at the start (ps %CPU): {others}\n"
    )
    print("\n" + report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("# `make bench`: latest run\n\n" + report, encoding="utf-8")
    Path(args.out).with_suffix(".json").write_text(
        json.dumps(
            {"info": info, "results": results, "queries": counts, "sizes": sizes, "skipped": skipped},
            indent=1,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    print(f"written to {os.path.relpath(args.out, ROOT)} (and .json)")


if __name__ == "__main__":
    main()
