"""gunicorn under production settings on the bench database, and wrk driving it: one timed run of a
page (measure) with its latency, throughput and CPU per request."""

import http.client
import json
import os
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.cityload.cpu import ParallelWorkers, cpu_snapshot, cpu_split, loadavg

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "var" / "bench"
LUA = ROOT / "bench" / "city.lua"
VENV_BIN = Path(sys.executable).parent


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


def worker_options(threads):
    """gunicorn's worker class for `threads` per worker: sync workers for 1, else gthread workers.
    `make bench` runs what production runs (docs/deploy.md: sync workers, 2 × cores + 1). Measured on an
    idle machine on 2026-12-03 (load average 0.9 before, wrk 8 connections, same code, one run each):
    5 sync workers against 2 workers × 4 threads: floor 2 179 against 135 req/s (p95 66 against 99 ms,
    CPU 10.3 against 13.3 ms/request), 需求列表 50 against 42 req/s (p95 235 against 400 ms), 服务项目列表
    59 against 51 (p95 185 against 306). Threads had looked better on the loaded shared machine (load
    average 8-14), where 5 sync processes take turns with everyone else's."""
    if threads <= 1:
        return ["--worker-class", "sync"]
    return ["--worker-class", "gthread", "--threads", str(threads)]


def start_gunicorn(env, port, workers, threads=1):
    WORK.mkdir(parents=True, exist_ok=True)
    log = open(WORK / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "portal.wsgi:application",
            "--workers",
            str(workers),
            *worker_options(threads),
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
