"""Fault injection on a small real topology (issue 16 §3); not run by CI. As root, on a machine with
PostgreSQL 15 (postgresql-common), pgbouncer, haproxy and redis-server installed:

    .venv/bin/python bench/faults.py            # about four minutes; prints the table

It builds, on 127.0.0.1 (ports 15400–15499, bench/fault_services.py): a PostgreSQL primary and a
streaming replica made with pg_basebackup, pgbouncer (transaction pooling) in front of both, its own
redis-server (cache and celery broker), a celery worker with beat, an SMTP sink, and two gunicorn
instances (DEBUG=0) behind haproxy. It drives a bounded mixed load through haproxy — anonymous reads of
the public pages, logged-in demand edits, 留言 from visitors, Excel imports (upload and confirm) and an
administrator's replies to 留言 (each sends an e-mail) — with a unique marker in every write, and records
which writes got a success response. It injects one fault at a time: restart the primary (an immediate
stop: a crash, recovered from the WAL), kill a web instance, kill the worker while imports and e-mails are
in flight, stop Redis, stop the SMTP server. For each fault it prints the requests that failed while it
lasted, the seconds until every page answers again, and at the end reconciles every write against the
primary: none lost, none half-saved, no e-mail twice in the sink. Everything is dropped at the end.
"""

import json
import os
import random
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import fault_services as svc  # noqa: E402

BASE = f"http://127.0.0.1:{svc.PORTS['haproxy']}"
PASSWORD = "Test-password-2026"  # tests/factories.PASSWORD, the seeded accounts'
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PROBE_PAGES = [
    "/",
    "/demands/",
    "/offerings/",
    "/data/",
    "/messages/",
    "/accounts/login/",
    "/api/v1/demands/",
]
READ_PAGES = PROBE_PAGES + ["/directory/", "/search/?q=养老", "/policies/"]
IMPORT_ROWS = 5
EDITORS = 3


def environment(tmp):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": "faults-k7#Vq2!pZr9@xL4m&Wn8$Ty3^Bc6*Hs1(Jd5)Fg0-Qe+Ua=Ok;Ri:Pl<Ym>Zx?Nv",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{svc.PORTS['pgbouncer']}/portal",
        "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{svc.PORTS['pgbouncer']}/portal_replica",
        "DB_DISABLE_SERVER_SIDE_CURSORS": "1",
        "REDIS_URL": f"redis://127.0.0.1:{svc.PORTS['redis']}/0",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{svc.PORTS['redis']}/1",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(svc.PORTS["smtp"]),
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "TRUSTED_PROXIES": "127.0.0.1",
        "OVERVIEW_CACHE_SECONDS": "30",
        "LOG_LEVEL": "ERROR",
        # Every import, however small, is a background job on the worker (issue 16 §1), so that killing
        # the worker hits imports in flight.
        "JOB_IMPORT_ROWS": "0",
    }


def direct(env):
    """The same settings talking to the primary itself (migrations, seeding, reconciliation)."""
    return {**env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{svc.PORTS['primary']}/portal"}


# --- seeding (run in a subprocess with Django set up) ----------------------------------------------


def seed(out):
    import django

    django.setup()
    from accounts.models import Role
    from demands import importing
    from portal.excel import write_rows
    from tests.demands.lifecycle_helpers import form_of
    from tests.factories import DemandFactory, PurchaserUnitFactory, StreetFactory, UserFactory, district

    huangpu = district("黄浦区")
    street = StreetFactory(district=huangpu, name="南京东路街道")
    editors = []
    for i in range(EDITORS):
        unit = PurchaserUnitFactory(name=f"黄浦区故障演练第{i}局", district=huangpu)
        user = UserFactory(username=f"editor{i}", role=Role.PURCHASER, purchaser_unit=unit)
        demand = DemandFactory(unit=unit, street=street)
        editors.append({"username": user.username, "demand": demand.pk, "form": form_of(demand)})
    unit = PurchaserUnitFactory(name="南京东路街道办事处", level="street", district=huangpu, street=street)
    UserFactory(username="importer", role=Role.PURCHASER, purchaser_unit=unit)
    UserFactory(username="moderator", role=Role.DISTRICT_ADMIN, district=huangpu)
    for n in range(30):
        DemandFactory(unit=unit, street=street, title=f"社区居家养老服务项目{n}")
    columns = importing.columns()
    example = {c.key: c.example for c in columns}
    template = write_rows(
        columns, [dict(example, title=f"TITLE-PLACEHOLDER-{i}") for i in range(IMPORT_ROWS)]
    )
    (Path(out).parent / "import-template.xlsx").write_bytes(template)
    Path(out).write_text(json.dumps({"editors": editors}, ensure_ascii=False))


def import_file(template, marker):
    """The seeded import file with this marker in every title (the titles are in sharedStrings)."""
    import io
    import zipfile

    source, target = zipfile.ZipFile(io.BytesIO(template)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            data = data.replace(b"TITLE-PLACEHOLDER-", f"{marker}-第".encode())
            out.writestr(item, data)
    return target.getvalue()


# --- the load ---------------------------------------------------------------------------------------


def browser():
    return requests.Session()


def plain_http_cookies(s):
    """DEBUG=0 marks the cookies Secure; the link to haproxy here is plain HTTP (TLS would end at the
    balancer), so the client keeps sending them, as a browser behind a TLS proxy would."""
    for cookie in s.cookies:
        cookie.secure = False


class Log:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []  # (time, kind, ok, status or "no answer", path)
        self.writes = []  # dicts: kind, marker, ok, time

    def request(self, kind, ok, status, path):
        with self.lock:
            self.requests.append((time.time(), kind, ok, status, path))

    def write(self, **entry):
        with self.lock:
            self.writes.append({"time": time.time(), **entry})


def call(log, s, method, path, kind, ok_status=(200, 302), **kwargs):
    try:
        r = s.request(method, BASE + path, timeout=10, allow_redirects=False, **kwargs)
        plain_http_cookies(s)
        ok = r.status_code in ok_status
    except requests.RequestException:
        r, ok = None, False
    log.request(kind, ok, r.status_code if r is not None else "no answer", path.split("?")[0])
    return r, ok


def csrf(s, log, path):
    call(log, s, "GET", path, "read")
    return s.cookies.get("csrftoken", "")


def login(s, log, username, totp=False):
    for _ in range(60):
        token = csrf(s, log, "/accounts/login/")
        r, ok = call(log, s, "POST", "/accounts/login/", "login",
                     data={"login": username, "password": PASSWORD, "csrfmiddlewaretoken": token})  # fmt: skip
        if ok and r.status_code == 302 and totp:
            import pyotp

            token = csrf(s, log, "/accounts/2fa/authenticate/")
            r, ok = call(log, s, "POST", "/accounts/2fa/authenticate/", "login",
                         data={"code": pyotp.TOTP(TOTP_SECRET).now(), "csrfmiddlewaretoken": token})  # fmt: skip
        if ok and r.status_code == 302:
            return
        time.sleep(1)
    raise RuntimeError(f"{username} could not log in")


def reader(log, stop):
    s = browser()
    while not stop.is_set():
        call(log, s, "GET", random.choice(READ_PAGES), "read")
        time.sleep(0.05)


def editor(log, stop, account, counter):
    s = browser()
    login(s, log, account["username"])
    while not stop.is_set():
        marker = f"故障演练E{next(counter):05d}"
        data = {**account["form"], "title": f"{marker}社区服务项目", "other_info": marker, "reason": marker}
        data["csrfmiddlewaretoken"] = s.cookies.get("csrftoken", "")
        r, ok = call(
            log, s, "POST", f"/demands/{account['demand']}/edit/", "edit", ok_status=(302,), data=data
        )
        log.write(kind="edit", marker=marker, ok=ok)
        time.sleep(0.3)


CHALLENGE = re.compile(r"(\d) 加 (\d) 等于多少")
TOKEN = re.compile(r'name="token" value="([^"]+)"')


def visitor(log, stop, counter):
    while not stop.is_set():
        s = browser()
        address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        headers = {"X-Forwarded-For": address}
        r, ok = call(log, s, "GET", "/messages/", "read", headers=headers)
        if not ok or r.status_code != 200:
            time.sleep(0.5)
            continue
        a, b = map(int, CHALLENGE.search(r.text).groups())
        marker = f"故障演练M{next(counter):05d}"
        # 留言 belong to a district (issue 19): 黄浦区, whose administrator moderates them below.
        district = HUANGPU_OPTION.search(r.text)
        data = {"name": "", "contact": f"m{marker[-5:]}@example.org", "subject": marker, "website": "",
                "district": district.group(1) if district else "",
                "body": f"留言内容 {marker}", "token": TOKEN.search(r.text).group(1), "answer": str(a + b),
                "csrfmiddlewaretoken": s.cookies.get("csrftoken", "")}  # fmt: skip
        r, ok = call(log, s, "POST", "/messages/", "message", ok_status=(302,), data=data, headers=headers)
        log.write(kind="message", marker=marker, ok=ok)
        time.sleep(0.5)


HUANGPU_OPTION = re.compile(r'<option value="(\d+)"[^>]*>\s*黄浦区\s*</option>')


def moderator(log, stop):
    s = browser()
    login(s, log, "moderator", totp=True)
    while not stop.is_set():
        r, ok = call(log, s, "GET", "/notices/messages/", "read")
        pks = re.findall(r'href="/notices/messages/(\d+)/"', r.text) if ok and r.status_code == 200 else []
        for pk in pks[:3]:
            data = {
                "decision": "approve",
                "reply": "已收到，谢谢。",
                "csrfmiddlewaretoken": s.cookies.get("csrftoken"),
            }
            r, ok = call(log, s, "POST", f"/notices/messages/{pk}/", "moderate", ok_status=(302,), data=data)
            log.write(kind="reply", marker=pk, ok=ok)
        time.sleep(1)


def follow_job(s, log, location, limit=30):
    """A job's next page once it is done (polling its status like the job page does); "" when it
    failed, or did not finish within `limit` seconds (its worker killed: it waits to be started again)."""
    path = location.replace(BASE, "")
    if "/jobs/" not in path:
        return path
    started = time.time()
    while time.time() - started < limit:
        r, ok = call(log, s, "GET", path.rstrip("/") + "/status.json", "job")
        if ok and r.status_code == 200:
            state = r.json()
            if state["finished"]:
                return state["next_url"] if state["status"] == "done" else ""
        time.sleep(0.5)
    return ""


def importer(log, stop, counter, template):
    s = browser()
    login(s, log, "importer")
    while not stop.is_set():
        marker = f"故障演练I{next(counter):05d}"
        files = {"file": ("需求.xlsx", import_file(template, marker), "application/octet-stream")}
        data = {"csrfmiddlewaretoken": s.cookies.get("csrftoken", "")}
        r, ok = call(log, s, "POST", "/demands/import/", "import", ok_status=(302,), data=data, files=files)
        preview = follow_job(s, log, r.headers.get("Location", "")) if ok else ""
        if "/demands/import/" in preview and preview.rstrip("/") != "/demands/import":
            r, ok = call(log, s, "POST", preview, "import", ok_status=(302,), data=data)
            done = follow_job(s, log, r.headers.get("Location", "")) if ok else ""
            ok = "/demands/mine/" in done
        else:
            ok = False
        log.write(kind="import", marker=marker, ok=ok)
        time.sleep(1)


def counter():
    lock, n = threading.Lock(), [0]

    def step():
        with lock:
            n[0] += 1
            return n[0]

    class It:
        def __next__(self):
            return step()

    return It()


def probe_ok(s):
    for path in PROBE_PAGES:
        try:
            if s.get(BASE + path, timeout=5, allow_redirects=False).status_code != 200:
                return False
        except requests.RequestException:
            return False
    return True


def wait_all_pages(limit=90):
    s, started = browser(), time.time()
    while time.time() - started < limit:
        if probe_ok(s):
            return time.time() - started
        time.sleep(0.2)
    return None


# --- reconciliation (run in a subprocess with Django set up, against the primary) ------------------


def reconcile(tmp):
    import django

    django.setup()
    from django.utils import timezone

    from demands.models import Demand
    from inbox import mail
    from inbox.models import OutgoingEmail
    from notices.models import Message

    writes = json.loads((tmp / "writes.json").read_text())
    outbox_before = {s: OutgoingEmail.objects.filter(status=s).count() for s in OutgoingEmail.Status.values}
    # Retries still waiting out their backoff (1, 2, 4 … minutes) are made due now instead of waited for.
    OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).update(next_attempt_at=timezone.now())
    mail.flush_due()
    sink_file = tmp / "sink.jsonl"
    lines = sink_file.read_text(encoding="utf-8").splitlines() if sink_file.exists() else []
    sink = [json.loads(line) for line in lines]
    result = {}

    def tally(kind, ok, count, expected, half=False):
        row = result.setdefault(kind, {"confirmed": 0, "lost": 0, "failed": 0, "landed_anyway": 0, "half": 0})
        row["confirmed" if ok else "failed"] += 1
        row["lost"] += ok and count == 0
        row["landed_anyway"] += (not ok) and count > 0
        row["half"] += half or count not in (0, expected)

    for w in writes:
        marker = w["marker"]
        if w["kind"] == "edit":
            rows = Demand.history.filter(title=f"{marker}社区服务项目")
            rows = list(rows.values_list("other_info", "history_change_reason"))
            half = any(info != marker or marker not in (reason or marker) for info, reason in rows)
            tally("edit", w["ok"], min(len(rows), 1), 1, half)
        elif w["kind"] == "message":
            tally("message", w["ok"], Message.objects.filter(subject=marker).count(), 1)
        elif w["kind"] == "import":
            count = Demand.objects.filter(title__startswith=f"{marker}-第").count()
            tally("import", w["ok"], count, IMPORT_ROWS)
        elif w["kind"] == "reply":
            message = Message.objects.get(pk=int(marker))
            done = message.status == Message.Status.APPROVED and bool(message.reply)
            sent = sum(message.subject in m["subject"] for m in sink)
            tally("reply", w["ok"], int(done), 1)
            tally("reply e-mail", w["ok"], sent, 1)
    subjects = [m["subject"] for m in sink]
    result["sink"] = {"messages": len(sink), "duplicates": len(subjects) - len(set(subjects))}
    result["outbox_before_final_flush"] = outbox_before
    result["outbox_after"] = {
        s: OutgoingEmail.objects.filter(status=s).count() for s in OutgoingEmail.Status.values
    }
    (tmp / "reconciled.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))


# --- the run ---------------------------------------------------------------------------------------


def manage(env, *args):
    return svc.run(svc.PY, "manage.py", *args, env=env, cwd=svc.ROOT)


def loadavg():
    return Path("/proc/loadavg").read_text().split()[0]


def build(tmp, env):
    print("building the topology on 127.0.0.1 …", flush=True)
    svc.drop_clusters()
    svc.create_primary()
    manage(direct(env), "migrate", "--noinput")
    manage(direct(env), "collectstatic", "--noinput")
    svc.run(svc.PY, __file__, "seed", str(tmp / "seed.json"), env=direct(env), cwd=svc.ROOT)
    svc.create_replica()
    procs = {
        "pgbouncer": svc.pgbouncer(tmp),
        "redis": svc.redis(tmp),
        "smtp": svc.smtp_sink(tmp),
        "web1": svc.gunicorn("web1", env, tmp),
        "web2": svc.gunicorn("web2", env, tmp),
        "worker": svc.worker(env, tmp),
        "haproxy": svc.haproxy(tmp),
    }
    for name, proc in procs.items():
        proc.start()
        if name in svc.PORTS:
            svc.wait_port(svc.PORTS[name], name=name)
    if wait_all_pages(60) is None:
        raise RuntimeError("the pages do not answer; see the logs in " + str(tmp))
    return procs


def faults(procs):
    def restart(name, hold, how="kill"):
        def inject():
            getattr(procs[name], how)()

        def restore():
            procs[name].start()
            if name in svc.PORTS:
                svc.wait_port(svc.PORTS[name], name=name)

        return inject, restore, hold

    return [
        ("restart the primary", lambda: svc.primary("stop"), lambda: svc.primary("start"), 3),
        ("kill a web instance", *restart("web1", 8)),
        ("kill the worker mid-import", *restart("worker", 5)),
        ("stop Redis", *restart("redis", 8, "stop")),
        ("stop the SMTP server", *restart("smtp", 8)),
    ]


PACKAGES = {
    "pgbouncer": "pgbouncer",
    "haproxy": "haproxy",
    "redis-server": "redis-server",
    "pg_createcluster": "postgresql-common",
}


def install_missing():
    """On a fresh machine: Debian's pgbouncer and haproxy (and the rest, if missing), as `make bench`
    installs wrk."""
    import shutil
    import subprocess

    missing = sorted({pkg for tool, pkg in PACKAGES.items() if shutil.which(tool) is None})
    if not missing:
        return
    print(f"installing {' '.join(missing)} …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "-qq", *missing], env=env).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], env=env, check=True)


def main():
    if os.geteuid() != 0:
        sys.exit("run as root: pg_createcluster and pg_dropcluster need it")
    install_missing()
    tmp = Path(tempfile.mkdtemp(prefix="portal-faults-"))
    env = environment(tmp)
    procs = {}
    load = [loadavg()]
    try:
        procs = build(tmp, env)
        editors = json.loads((tmp / "seed.json").read_text())["editors"]
        template = (tmp / "import-template.xlsx").read_bytes()
        log, stop = Log(), threading.Event()
        edits, messages, imports = counter(), counter(), counter()
        threads = [threading.Thread(target=reader, args=(log, stop)) for _ in range(2)]
        threads += [threading.Thread(target=editor, args=(log, stop, a, edits)) for a in editors]
        threads += [threading.Thread(target=visitor, args=(log, stop, messages))]
        threads += [threading.Thread(target=moderator, args=(log, stop))]
        threads += [threading.Thread(target=importer, args=(log, stop, imports, template))]
        for t in threads:
            t.daemon = True
            t.start()
        print("load running; baseline 10 s", flush=True)
        time.sleep(10)
        table = []
        for name, inject, restore, hold in faults(procs):
            began = time.time()
            inject()
            time.sleep(hold)
            restored = time.time()
            restore()
            back = wait_all_pages()
            ended = time.time()
            window = [r for r in log.requests if began <= r[0] <= ended]
            failed = [r for r in window if not r[2]]
            table.append({
                "fault": name, "lasted": round(ended - began, 1), "requests": len(window), "failed": len(failed),
                "failed_by_kind": tally_of(r[1] for r in failed), "answers": tally_of(str(r[3]) for r in failed),
                "reads_failed": tally_of(r[4] for r in failed if r[1] == "read"),
                "back_after_restore": None if back is None else round(ended - restored, 1), "load": loadavg(),
            })  # fmt: skip
            load.append(loadavg())
            print(f"  {name}: {len(failed)} of {len(window)} requests failed; every page again "
                  f"{table[-1]['back_after_restore']} s after the restore", flush=True)  # fmt: skip
            time.sleep(5)
        stop.set()
        for t in threads:
            t.join(timeout=15)
        time.sleep(3)  # the worker delivers what is queued
        (tmp / "writes.json").write_text(json.dumps(log.writes, ensure_ascii=False))
        svc.run(svc.PY, __file__, "reconcile", str(tmp), env=direct(env), cwd=svc.ROOT)
        reconciled = json.loads((tmp / "reconciled.json").read_text())
        report(table, reconciled, log, load, svc.replica_lag_bytes())
    finally:
        for proc in reversed(list(procs.values())):
            proc.stop()
        svc.drop_clusters()
        if os.environ.get("FAULTS_KEEP") != "1":
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("kept", tmp)


def tally_of(values):
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def listed(counts):
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])) or "—"


def report(table, reconciled, log, load, lag):
    print()
    print("| fault | lasted (s) | requests in it | failed | failed by kind | answers of the failed | "
          "every page again after restore (s) | load avg |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for row in table:
        print(f"| {row['fault']} | {row['lasted']} | {row['requests']:,} | {row['failed']:,} | "
              f"{listed(row['failed_by_kind'])} | {listed(row['answers'])} | {row['back_after_restore']} | "
              f"{row['load']} |")  # fmt: skip
    for row in table:
        if row["reads_failed"]:
            print(f"reads that failed during '{row['fault']}', by page: {listed(row['reads_failed'])}")
    print()
    print("| writes | confirmed (success response) | lost | failed response | landed anyway | half-saved |")
    print("|---|---|---|---|---|---|")
    for kind, row in reconciled.items():
        if kind.startswith(("sink", "outbox")):
            continue
        print(f"| {kind} | {row['confirmed']:,} | {row['lost']} | {row['failed']} | {row['landed_anyway']} | "
              f"{row['half']} |")  # fmt: skip
    print()
    print(f"SMTP sink: {reconciled['sink']['messages']} messages, {reconciled['sink']['duplicates']} duplicates; "
          f"outbox before the final flush {reconciled['outbox_before_final_flush']}, "
          f"after {reconciled['outbox_after']}")  # fmt: skip
    total = len(log.requests)
    print(
        f"{total:,} requests in all, {sum(not r[2] for r in log.requests):,} failed; "
        f"replica lag at the end: {lag} bytes; load average (1 min) during the run: {', '.join(load)}"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "seed":
        seed(sys.argv[2])
    elif len(sys.argv) > 1 and sys.argv[1] == "reconcile":
        reconcile(Path(sys.argv[2]))
    else:
        main()
