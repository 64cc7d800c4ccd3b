"""Load test at city scale (issues 9 and 15): gunicorn with production settings, driven by wrk, on the
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
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
DEFAULT_1M_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_1m"
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


def _postmaster(dbname):
    """The postmaster's pid: the parent of a backend of `dbname` (None if there is none to see)."""
    procs = cpu_snapshot()
    for _pid, (ppid, _, cmd) in procs.items():
        if cmd.startswith("postgres:") and f" {dbname} " in f" {cmd} ":
            return ppid
    for _pid, (ppid, _, cmd) in procs.items():  # no backend yet: the parent of the checkpointer
        if cmd.startswith("postgres:") and "checkpointer" in cmd:
            return ppid
    return None


def _cmdline(pid):
    """A process's command line as text, or None once it has gone."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None


def _runtime_ns(pid):
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class ParallelWorkers(threading.Thread):
    """Counts the CPU of PostgreSQL parallel workers that work for the bench database's backends.
    A worker is a separate, short-lived child of the postmaster (`postgres: … parallel worker for
    PID <leader>`): a snapshot before and after the run misses it. This thread lists the
    postmaster's children every few milliseconds (/proc/<pid>/task/<pid>/children) and keeps the
    last CPU time seen (/proc/<pid>/schedstat, nanoseconds) of each worker whose leader is a backend
    of the bench database. What a worker uses between the last sample and its exit is lost (a few
    ms at most); the postmaster's cutime+cstime delta (every exited child, any database) is kept
    as an upper bound."""

    def __init__(self, dbname, interval=0.004):
        super().__init__(daemon=True)
        self.dbname, self.interval = dbname, interval
        self.postmaster = _postmaster(dbname)
        self.seen = {}  # worker pid -> last runtime ns
        self.stopping = threading.Event()
        self.exited_before = self._exited()

    def _exited(self):
        if not self.postmaster:
            return 0
        try:
            stat = Path(f"/proc/{self.postmaster}/stat").read_text()
        except OSError:
            return 0
        fields = stat[stat.rindex(")") + 2 :].split()
        return int(fields[13]) + int(fields[14])

    def run(self):
        if not self.postmaster:
            return
        children_file = Path(f"/proc/{self.postmaster}/task/{self.postmaster}/children")
        leaders = {}  # pid -> is a backend of the bench database
        while not self.stopping.wait(self.interval):
            try:
                pids = children_file.read_text().split()
            except OSError:
                return
            for text in pids:
                pid = int(text)
                if pid in self.seen:
                    ns = _runtime_ns(pid)
                    if ns is not None:
                        self.seen[pid] = ns
                    continue
                cmd = _cmdline(pid)
                if cmd is None:
                    continue
                if "parallel worker for PID" not in cmd:
                    continue
                leader = int(cmd.rsplit("PID", 1)[1].split()[0])
                if leader not in leaders:
                    lcmd = _cmdline(leader) or ""
                    leaders[leader] = f" {self.dbname} " in f" {lcmd} "
                if leaders[leader]:
                    ns = _runtime_ns(pid)
                    if ns is not None:
                        self.seen[pid] = ns

    def finish(self):
        self.stopping.set()
        self.join()
        return {
            "parallel_workers": len(self.seen),
            "parallel_cpu_s": sum(self.seen.values()) / 1e9,
            "exited_children_cpu_s": (self._exited() - self.exited_before) / CLK_TCK,
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
    dbname = args.database_url.rsplit("/", 1)[-1]
    workers = ParallelWorkers(dbname)
    workers.start()
    r = run_wrk(port, page.paths, args.duration, args)
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    r.update(workers.finish())
    after = cpu_snapshot()
    r.update(cpu_split(before, after, time.perf_counter() - started, dbname))
    # Workers are not backends of the bench database by their command line: counted here, once.
    r["db_cpu_s"] += r["parallel_cpu_s"]
    r["wrk_cpu_s"] = done.ru_utime + done.ru_stime - children.ru_utime - children.ru_stime
    r["load_before"], r["load_after"] = load_before, loadavg()
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    # CPU per request, whatever else runs on the machine: gunicorn (view, ORM, templates) and PostgreSQL.
    r["app_ms"] = r["app_cpu_s"] * 1000 / max(r["requests"], 1)
    r["db_ms"] = r["db_cpu_s"] * 1000 / max(r["requests"], 1)
    r["errors"] = r["non2xx"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
    if r["requests"] == 0:
        # No request finished in the window: its latency is at least the window, never "0 ms" (met).
        for key in ("p50_us", "p95_us", "p99_us"):
            r[key] = max(r.get(key) or 0, r["duration_us"])
    return r


def median_ms(fn, repeat, warmup=3):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def frame_and_form(repeat=200):
    """In-process, under the server's DEBUG=0 settings (cached template loader): the site frame
    (templates/base.html with its blocks empty, context processors included) and the listing's
    filter form (the real DemandFilter's form, each field with its label, as list.html renders
    it), median of `repeat` renders each. Data for the form's choices is read once, before timing."""
    try:
        from django.contrib.auth.models import AnonymousUser
        from django.template import engines
        from django.template.loader import render_to_string
        from django.test import RequestFactory

        from demands import selectors

        request = RequestFactory(HTTP_HOST="127.0.0.1").get("/demands/")
        request.user = AnonymousUser()
        filterset, _, _ = selectors.listing(request.GET, selectors.public_demands())
        form_template = engines["django"].from_string(
            "{% for field in filter.form %}{{ field.label_tag }}{{ field }}{{ field.errors }}{% endfor %}"
        )
        str(filterset.form)  # the choices' queries, once
        frame = median_ms(lambda: render_to_string("base.html", {}, request=request), repeat)
        form = median_ms(lambda: form_template.render({"filter": filterset}, request), repeat)
        return {"frame_ms": frame, "form_ms": form, "repeat": repeat}
    except Exception as exc:  # report, do not stop the run
        return {"error": f"{type(exc).__name__}: {exc}"}


def dashboards(repeat=7):
    """Issue 15 §4: the statistics dashboards through the test client against the bench database,
    uncached (the dashboards are not cached: each request computes its figures; the cache is not
    cleared here, it may be a shared Redis), median of `repeat` after a warm-up request, the way
    bench/dashboard.py measures them: city (city_admin) and a district (huangpu_admin)."""
    try:
        from django.test import Client

        from accounts.models import User

        out = {"repeat": repeat}
        for key, username in (("city_ms", "city_admin"), ("district_ms", "huangpu_admin")):
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.get(username=username))

            def get(client=client):
                response = client.get("/data/dashboard/")
                if response.status_code != 200:
                    raise RuntimeError(f"/data/dashboard/ answered {response.status_code}")

            out[key] = median_ms(get, repeat, warmup=1)
        return out
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


def upload_timings(database_url, timeout=600):
    """Issue 15 §5: bench/offering_upload.py in a subprocess on a scratch PostgreSQL database this
    run creates and drops (not the bench database), its figures read from --json."""
    if not (ROOT / "bench" / "offering_upload.py").exists():
        return {"error": "bench/offering_upload.py missing"}
    base, _, _ = database_url.rpartition("/")
    scratch = f"portal_bench_upload_{os.getpid()}"
    url = f"{base}/{scratch}"
    admin = f"{base}/postgres"
    out = Path(tempfile.mkstemp(suffix=".json")[1])
    try:
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{scratch}"')
        run = subprocess.run(
            [sys.executable, "bench/offering_upload.py", "--database-url", url, "--json", str(out)],
            cwd=ROOT,
            env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"DEBUG": "0"},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if run.returncode != 0:
            tail = (run.stderr or run.stdout).strip().splitlines()[-1:] or [""]
            return {"error": f"offering_upload.py exited {run.returncode}: {tail[0][:160]}"}
        figures = json.loads(out.read_text())
        missing = {"floor_s", "reupload_preview_s", "reupload_confirm_s"} - set(figures)
        return {"error": f"no {', '.join(sorted(missing))} in its --json"} if missing else figures
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        out.unlink(missing_ok=True)
        try:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        except Exception:
            pass


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


def measure_scale(label, url, args, pages):
    """The growth table's row for one database: each page's p95, CPU/req and queries, with a
    gunicorn of its own on that database (shorter runs than the main table's)."""
    from demands.models import Demand

    if not database_exists(url):
        return {"note": f"not measured: make bench-data BENCH_SCALE={label} BENCH_DATABASE_URL={url}"}
    use_database(url)
    total = Demand.objects.count()
    for page in pages:
        page.paths = page.urls() if callable(page.urls) else list(page.urls)
    counts = count_queries(pages)
    from django.db import connection

    connection.close()
    sargs = argparse.Namespace(
        **{**vars(args), "database_url": url, "duration": args.scale_duration, "warmup": args.scale_warmup}
    )
    env = {**server_env(sargs)}
    port = free_port()
    proc = start_gunicorn(env, port, args.workers)
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


def growth_table(scales):
    labels = [k for k in scales]
    names = []
    for data in scales.values():
        for name in data.get("results", {}):
            if name not in names:
                names.append(name)
    head = "| page | " + " | ".join(f"{k}: p95 ms / CPU ms / queries" for k in labels) + " |"
    lines = [head, "|---|" + "---:|" * len(labels)]
    label_of = {p.name: p.label for p in PAGES}
    for name in names:
        cells = []
        for k in labels:
            r = scales[k].get("results", {}).get(name)
            cells.append(
                f"{ms(r['p95_us'])} / {cpu_ms(r):.1f} / {queries_cell(scales[k]['queries'].get(name))}"
                if r
                else "—"
            )
        lines.append(f"| {label_of.get(name, name)} | " + " | ".join(cells) + " |")
    notes = [f"- {k}: {v['note']}" for k, v in scales.items() if "note" in v]
    sizes = [f"{k} = {v['demands']:,} demands" for k, v in scales.items() if "demands" in v]
    return "\n".join(["Growth (" + "; ".join(sizes) + "):", "", *lines, *([""] + notes if notes else [])])


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


def check_parallel(database_url, runs=5):
    """Shows the parallel-worker accounting works: a query forced to run in parallel on the bench
    database, its CPU counted the old way (snapshots of the database's backends) and with the
    workers (ParallelWorkers)."""
    import psycopg

    dbname = database_url.rsplit("/", 1)[-1]
    with psycopg.connect(database_url, autocommit=True) as conn:
        for setting in (
            "parallel_setup_cost = 0",
            "parallel_tuple_cost = 0",
            "min_parallel_table_scan_size = 0",
            "max_parallel_workers_per_gather = 2",
        ):
            conn.execute(f"SET {setting}")
        plan = "\n".join(
            r[0]
            for r in conn.execute("EXPLAIN SELECT count(*) FROM demands_demand WHERE title LIKE '%养老%'")
        )
        before = cpu_snapshot()
        workers = ParallelWorkers(dbname)
        workers.start()
        for _ in range(runs):
            conn.execute("SELECT count(*) FROM demands_demand WHERE title LIKE '%养老%'").fetchone()
        counted = workers.finish()
        split = cpu_split(before, cpu_snapshot(), 1, dbname)
    return {
        "plan_parallel": "Gather" in plan,
        "runs": runs,
        "backends_only_cpu_s": split["db_cpu_s"],
        "with_workers_cpu_s": split["db_cpu_s"] + counted["parallel_cpu_s"],
        **counted,
    }


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


# Issue 15's "today" (its table): floor 2 at 174 req/s, p95 65 ms, 11 ms CPU per request.
TODAY_FLOOR2 = {"rps": 174, "p95_ms": 65, "cpu_ms": 11}


def mark(ok, detail=""):
    if ok is None:
        return "**not measured**" + (f" ({detail})" if detail else "")
    return ("**met**" if ok else "**not met**") + (f" ({detail})" if detail else "")


def cpu_ms(r):
    return r["app_ms"] + r["db_ms"]


def aims(results, counts, skipped, extra):
    """Issue 15's aims, each marked met or not (extra: in-process timings, scales, dashboard, upload)."""
    f2 = results["floor_listing"]
    floor2 = f2["rps"]
    aimed = [p for p in PAGES if p.aim_p95 and p.name in results]
    slow = [
        f"{p.label} {ms(results[p.name]['p95_us'])} ms" for p in aimed if results[p.name]["p95_us"] >= 100_000
    ]
    low = [
        f"{p.label} {results[p.name]['rps'] / floor2:.2f}"
        for p in aimed
        if results[p.name]["rps"] < floor2 / 2
    ]
    heavy = [f"{p.label} {cpu_ms(results[p.name]):.1f} ms" for p in aimed if cpu_ms(results[p.name]) > 12]
    errors = sum(r["errors"] for r in results.values())
    varying = [p.label for p in PAGES if counts.get(p.name) and len(set(counts[p.name])) > 1]
    lines = [
        "Aims of issue 15:",
        "- listing (区+类别), both searches, offers and directory: p95 under 100 ms at 8 connections: "
        + mark(not slow, "; ".join(slow)),
        f"- each of them at least half of floor 2's throughput ({floor2 / 2:,.0f} req/s): "
        + mark(not low, "; ".join(low)),
        "- each of them at most 12 ms CPU per request, app and database together: "
        + mark(not heavy, "; ".join(heavy)),
        f"- floor 2 at least 2× faster than today ({TODAY_FLOOR2['cpu_ms']} ms CPU/req → ≤ 5.5 ms): "
        + mark(
            cpu_ms(f2) <= TODAY_FLOOR2["cpu_ms"] / 2,
            f"{cpu_ms(f2):.1f} ms CPU/req; {floor2:,.0f} req/s against 2 × {TODAY_FLOOR2['rps']} = "
            f"{2 * TODAY_FLOOR2['rps']}; p95 {ms(f2['p95_us'])} ms against {TODAY_FLOOR2['p95_ms']} ms",
        ),
    ]
    frame = extra.get("frame")
    if frame and "error" not in frame:
        total = frame["frame_ms"] + frame["form_ms"]
        lines.append(
            "- the site frame and the filter form well under 2 ms together (in-process, median of "
            f"{frame['repeat']} renders): "
            + mark(
                total < 2,
                f"frame {frame['frame_ms']:.2f} ms + form {frame['form_ms']:.2f} ms = {total:.2f} ms",
            )
        )
    else:
        lines.append(
            "- the site frame and the filter form under 2 ms: " + mark(None, (frame or {}).get("error", ""))
        )
    scales = extra.get("scales") or {}
    big = scales.get("1M")
    if big and "results" in big:
        slow1m = [f"{n} {ms(r['p95_us'])} ms" for n, r in big["results"].items() if r["p95_us"] >= 150_000]
        lines.append(
            "- at 1M demands, listing and search p95 under 150 ms: " + mark(not slow1m, "; ".join(slow1m))
        )
    else:
        lines.append(
            "- at 1M demands, listing and search p95 under 150 ms: " + mark(None, (big or {}).get("note", ""))
        )
    dash = extra.get("dashboard")
    if dash and "error" not in dash:
        lines.append(
            f"- city statistics dashboard under 300 ms (median of {dash['repeat']}): "
            + mark(dash["city_ms"] < 300, f"{dash['city_ms']:.0f} ms")
        )
        lines.append(
            "- district dashboard under 150 ms: "
            + mark(dash["district_ms"] < 150, f"{dash['district_ms']:.0f} ms")
        )
    else:
        lines.append(
            "- statistics dashboards (city < 300 ms, district < 150 ms): "
            + mark(None, (dash or {}).get("error", ""))
        )
    up = extra.get("upload")
    if up and "error" not in up:
        for key in ("reupload_preview_s", "reupload_confirm_s"):
            ratio = up[key] / up["floor_s"]
            lines.append(
                f"- offer {key.removesuffix('_s').replace('_', ' ')} ≤ 4× the raw openpyxl read: "
                + mark(ratio <= 4, f"{up[key]:.2f} s, {ratio:.1f}× of {up['floor_s']:.2f} s")
            )
    else:
        lines.append(
            "- offer re-upload preview and confirm ≤ 4× the raw openpyxl read: "
            + mark(None, (up or {}).get("error", ""))
        )
    lines += [
        f"- zero errors: {mark(errors == 0, f'{errors} errors' if errors else '')}",
        "- every page a fixed number of queries (same count on each sampled URL): "
        + mark(not varying, ", ".join(varying)),
        f"- PostgreSQL parallel workers counted in the database CPU: {sum(r.get('parallel_workers', 0) for r in results.values())} "
        f"workers, {sum(r.get('parallel_cpu_s', 0) for r in results.values()):.2f} s CPU over the whole run",
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
    args = parser.parse_args()
    skip_extra = set(filter(None, args.skip.split(",")))
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

    extra = {}
    if "frame" not in skip_extra:
        print("timing the site frame and the filter form in-process", flush=True)
        extra["frame"] = frame_and_form()
    if "dashboard" not in skip_extra:
        print("timing the statistics dashboards (test client, uncached)", flush=True)
        extra["dashboard"] = dashboards()
    if "upload" not in skip_extra:
        print("timing the offer re-upload (bench/offering_upload.py, scratch database)", flush=True)
        extra["upload"] = upload_timings(args.database_url)
    if "scales" not in skip_extra:
        scales = parse_scales(args.scales, args.database_url) or {
            "1M": os.environ.get("BENCH_1M_DATABASE_URL") or DEFAULT_1M_URL
        }
        scale_pages = [p for p in PAGES if p.aim_p95 or p.name == "demand_detail"]
        extra["scales"] = {}
        for label, url in scales.items():
            if url == args.database_url:
                extra["scales"][label] = {
                    "url": url,
                    "demands": total,
                    "results": {p.name: results[p.name] for p in scale_pages if p.name in results},
                    "queries": counts,
                }
                continue
            print(f"growth: {label} at {url}", flush=True)
            extra["scales"][label] = measure_scale(label, url, args, scale_pages)
        if not any(v.get("url") == args.database_url for v in extra["scales"].values()):
            extra["scales"] = {
                f"bench ({total // 1000}k)": {
                    "url": args.database_url,
                    "demands": total,
                    "results": {p.name: results[p.name] for p in scale_pages if p.name in results},
                    "queries": counts,
                },
                **extra["scales"],
            }
        use_database(args.database_url)

    table = render(results, counts, sizes, skipped, info)
    verdict = aims(results, counts, skipped, extra)
    if extra.get("scales"):
        verdict += "\n\n" + growth_table(extra["scales"])
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
            {
                "info": info,
                "results": results,
                "queries": counts,
                "sizes": sizes,
                "skipped": skipped,
                "extra": extra,
            },
            indent=1,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    print(f"written to {os.path.relpath(args.out, ROOT)} (and .json)")


if __name__ == "__main__":
    main()
