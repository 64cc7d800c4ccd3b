"""Excel bulk-upload figures for 我要提供服务: a 5,000-row × 16-column file.

    .venv/bin/python bench/offering_upload.py            # SQLite (a scratch database in /tmp)
    .venv/bin/python bench/offering_upload.py --database-url postgres://postgres@127.0.0.1:5432/h_upload \
        --json /tmp/upload.json

--database-url: PostgreSQL (or any URL Django's settings read). If that database does not exist it is
created, migrated, seeded with seed_demo and dropped at the end; if it exists it is used as given
(migrated, seeded only when the demo organisation is missing) and only the bench's rows are removed.
--json FILE writes {"floor_s", "preview_s", "confirm_s", "reupload_preview_s", "reupload_confirm_s", "rows"}
and each phase's CPU seconds beside its wall time ("floor_cpu_s", …, "reupload_confirm_cpu_s"): on a
machine busy with other work the wall times swell with the wait for a core, the CPU times much less.

Each phase runs in a fresh process so that its peak memory (max RSS) is its own:
- floor: plain openpyxl in read-only mode reading every cell of the file;
- preview: checks + parsing + validation of every row (portal.imports.start);
- confirm: parsing again + validation + saving all rows in one transaction (portal.imports.confirm);
- re-upload: the same file with one row changed, preview and confirm (1 update, 4,999 unchanged).
Not run by CI.
"""

import argparse
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = 5000


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.gettempdir()}/portal_bench_upload.sqlite3"
    import django

    django.setup()


def make_file(path, change_one=False):
    setup()
    from offerings import importing
    from portal.excel import write_rows

    cols = importing.columns()
    base = {
        "title": "",
        "category": "养老服务/老年助餐服务",
        "summary": "为社区60周岁以上老人提供助餐、送餐服务，配备营养师。",
        "service_targets": "社区60周岁以上老人",
        "service_area": "黄浦区、徐汇区",
        "contact_person": "李女士",
        "contact_phone": "021-54001234",
        "contact_email": "li@example.org.cn",
        "previously_purchased": True,
        "purchaser_name": "黄浦区民政局",
        "purchase_amount": 380000,
        "implementation_place": "黄浦区",
    }
    import datetime

    rows = []
    for i in range(ROWS):
        row = dict(base, title=f"压测服务项目{i:05d}")
        row["implementation_start"] = datetime.date(2024, 1, 1)
        row["implementation_end"] = datetime.date(2024, 12, 31)
        rows.append(row)
    if change_one:
        rows[1234]["summary"] += "（已更新）"
    Path(path).write_bytes(write_rows(cols, rows))


def phase(name, path, queue):
    setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from offerings import importing
    from portal import imports
    from portal.models import ImportBatch

    user = User.objects.get(username="huangpu_org")
    t, cpu = time.perf_counter(), time.process_time()
    detail = ""
    if name == "floor":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        cells = sum(1 for row in wb.active.iter_rows(values_only=True) for _ in row)
        detail = f"{cells} cells"
    elif name in ("preview", "re-upload preview"):
        batch = imports.start(
            importing.spec(), user=user, uploaded=SimpleUploadedFile("f.xlsx", Path(path).read_bytes())
        )
        r = batch.report
        detail = (
            f"new {r['new']}, updated {r['update']}, unchanged {r['unchanged']}, errors {r['error_rows']}"
        )
    else:
        batch = ImportBatch.objects.get(user=user, kind="offering")
        saved, r = imports.confirm(importing.spec(), batch=batch)
        detail = f"saved {saved} (new {r['new']}, updated {r['update']}, unchanged {r['unchanged']})"
    elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
    queue.put((name, elapsed, cpu, peak_rss_mb(), detail))


def peak_rss_mb():
    """This process's own peak RSS. ru_maxrss keeps the parent's high-water mark across the spawn's
    exec (Linux), so every phase showed the parent's figure; VmHWM belongs to this process alone."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(name, path):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=phase, args=(name, path, queue))
    proc.start()
    result = queue.get()
    proc.join()
    name, elapsed, cpu, rss, detail = result
    print(f"{name:<20} {elapsed:6.2f} s (CPU {cpu:5.2f} s)   peak RSS {rss:6.0f} MB   {detail}")
    return elapsed, cpu


def _maintenance(url):
    """(connection to the server's postgres database, the database name) for a PostgreSQL URL."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(
        (
            parts.scheme.replace("postgres", "postgresql", 1) if parts.scheme == "postgres" else parts.scheme,
            parts.netloc,
            "/postgres",
            "",
            "",
        )
    )
    return psycopg.connect(admin, autocommit=True), name


def create_if_missing(url):
    """True when the database was created here (and is to be dropped at the end)."""
    if not url.startswith(("postgres://", "postgresql://")):
        return False
    conn, name = _maintenance(url)
    with conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def drop(url):
    conn, name = _maintenance(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="database to run against (default: scratch SQLite in /tmp)")
    parser.add_argument("--json", help="write the phase times to this file")
    args = parser.parse_args()
    created = False
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        created = create_if_missing(args.database_url)
    try:
        times = bench()
    finally:
        if created:
            from django.db import connections

            connections.close_all()
            drop(args.database_url)
    if args.json:
        Path(args.json).write_text(json.dumps(times, indent=2) + "\n")


def bench():
    setup()
    from django.core.management import call_command

    from offerings.models import Offering

    call_command("migrate", verbosity=0)
    from accounts.models import User

    if not User.objects.filter(username="huangpu_org").exists():
        call_command("seed_demo", verbosity=0)
    Offering.history.filter(title__startswith="压测服务项目").delete()
    Offering.objects.filter(title__startswith="压测服务项目").delete()
    tmp = Path(tempfile.mkdtemp())
    first, second = tmp / "offers.xlsx", tmp / "offers-changed.xlsx"
    make_file(first)
    make_file(second, change_one=True)
    print(f"file: {ROWS} rows x 16 columns, {first.stat().st_size / 1024:.0f} KB")
    phases = (
        ("floor", "floor", first),
        ("preview", "preview", first),
        ("confirm", "confirm", first),
        ("reupload_preview", "re-upload preview", second),
        ("reupload_confirm", "re-upload confirm", second),
    )
    times = {}
    for key, name, path in phases:
        times[f"{key}_s"], times[f"{key}_cpu_s"] = run(name, path)
    times["rows"] = ROWS
    for key, _, _ in phases[1:]:
        print(
            f"{key + '_s':<20} {times[key + '_s'] / times['floor_s']:.1f}x the floor"
            f" (CPU {times[key + '_cpu_s'] / times['floor_cpu_s']:.1f}x)"
        )
    Offering.history.filter(title__startswith="压测服务项目").delete()
    Offering.objects.filter(title__startswith="压测服务项目").delete()
    return times


if __name__ == "__main__":
    main()
