"""The services of bench/faults.py, each on 127.0.0.1 on a port of its own (15400–15499): a PostgreSQL 15
primary and its streaming replica (Debian's pg_createcluster, dropped at the end), pgbouncer in
transaction pooling mode, haproxy in front of two gunicorn instances, redis-server, a celery worker with
beat, and a tiny SMTP sink (written here: it records every message it accepts to a JSON-lines file).
Run as root (pg_createcluster, pgbouncer and pg_basebackup are started as the postgres user)."""

import asyncio
import email
import email.policy
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PG_VERSION = "15"
PORTS = {
    "primary": 15401,
    "replica": 15402,
    "pgbouncer": 15403,
    "redis": 15404,
    "smtp": 15405,
    "haproxy": 15410,
    "web1": 15411,
    "web2": 15412,
}
CLUSTERS = {"primary": "faults_primary", "replica": "faults_replica"}


def run(*args, check=True, **kwargs):
    result = subprocess.run(list(args), check=False, capture_output=True, text=True, **kwargs)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}")
    return result


def as_postgres(*args, check=True):
    return run("runuser", "-u", "postgres", "--", *args, check=check)


def port_open(port, host="127.0.0.1"):
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex((host, port)) == 0


def wait_port(port, seconds=30, name=""):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if port_open(port):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{name or port} did not open port {port} in {seconds} s")


# --- PostgreSQL ------------------------------------------------------------------------------------


def drop_clusters():
    for name in CLUSTERS.values():
        run("pg_dropcluster", "--stop", PG_VERSION, name, check=False)
        shutil.rmtree(f"/etc/postgresql/{PG_VERSION}/{name}", ignore_errors=True)  # our conf.d file


def _conf(name, port, extra=""):
    conf = Path(f"/etc/postgresql/{PG_VERSION}/{name}/conf.d/faults.conf")
    conf.write_text(
        f"listen_addresses = '127.0.0.1'\nport = {port}\nmax_connections = 150\n"
        "shared_buffers = 64MB\nwal_level = replica\nmax_wal_senders = 5\n"
        "fsync = on\nsynchronous_commit = on\n" + extra
    )


def create_primary():
    name = CLUSTERS["primary"]
    run("pg_createcluster", PG_VERSION, name, "-p", str(PORTS["primary"]), "--", "--auth=trust")
    _conf(name, PORTS["primary"])
    run("pg_ctlcluster", PG_VERSION, name, "start")
    wait_port(PORTS["primary"], name="primary")
    as_postgres("createdb", "-h", "127.0.0.1", "-p", str(PORTS["primary"]), "portal")


def create_replica():
    name = CLUSTERS["replica"]
    run("pg_createcluster", PG_VERSION, name, "-p", str(PORTS["replica"]), "--", "--auth=trust")
    data = Path(f"/var/lib/postgresql/{PG_VERSION}/{name}")
    for item in data.iterdir():  # pg_basebackup fills the empty directory (postgres may not make one)
        shutil.rmtree(item) if item.is_dir() else item.unlink()
    as_postgres(
        "pg_basebackup", "-h", "127.0.0.1", "-p", str(PORTS["primary"]), "-U", "postgres",
        "-D", str(data), "-R", "-X", "stream", "-c", "fast",
    )  # fmt: skip
    _conf(name, PORTS["replica"], "hot_standby = on\n")
    run("pg_ctlcluster", PG_VERSION, name, "start")
    wait_port(PORTS["replica"], name="replica")


def primary(action):
    """stop (immediate: a crash, recovered from the WAL) or start the primary."""
    args = ["pg_ctlcluster", PG_VERSION, CLUSTERS["primary"], action]
    if action == "stop":
        args += ["-m", "immediate"]
    run(*args, check=False)


def replica_lag_bytes():
    out = run(
        "psql", "-h", "127.0.0.1", "-p", str(PORTS["primary"]), "-U", "postgres", "-Atc",
        "SELECT COALESCE(MAX(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), -1) FROM pg_stat_replication",
        check=False,
    )  # fmt: skip
    return out.stdout.strip()


# --- processes -------------------------------------------------------------------------------------


class Proc:
    """A long-running process in its own process group (so that a kill takes its children too)."""

    def __init__(self, name, args, env=None, log=None, cwd=ROOT):
        self.name, self.args, self.env, self.log, self.cwd = name, args, env, log, cwd
        self.popen = None

    def start(self):
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115 - kept by Popen
        self.popen = subprocess.Popen(
            self.args,
            env=self.env,
            cwd=self.cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def signal(self, sig):
        if self.popen and self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                pass

    def kill(self):
        self.signal(signal.SIGKILL)
        if self.popen:
            self.popen.wait(timeout=10)

    def stop(self):
        self.signal(signal.SIGTERM)
        if self.popen:
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def pgbouncer(tmp):
    tmp.chmod(0o777)
    (tmp / "userlist.txt").write_text('"postgres" ""\n')
    ini = tmp / "pgbouncer.ini"
    ini.write_text(
        "[databases]\n"
        f"portal = host=127.0.0.1 port={PORTS['primary']} dbname=portal\n"
        f"portal_replica = host=127.0.0.1 port={PORTS['replica']} dbname=portal\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {PORTS['pgbouncer']}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {tmp / 'userlist.txt'}\n"
        "pool_mode = transaction\nmax_client_conn = 400\ndefault_pool_size = 20\n"
        "server_connect_timeout = 2\nserver_login_retry = 1\nquery_wait_timeout = 10\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
        f"logfile = {tmp / 'pgbouncer.log'}\npidfile = {tmp / 'pgbouncer.pid'}\n"
    )
    return Proc("pgbouncer", ["pgbouncer", "-u", "postgres", str(ini)], log=tmp / "pgbouncer.out")


def redis(tmp):
    args = ["redis-server", "--port", str(PORTS["redis"]), "--bind", "127.0.0.1", "--save", ""]
    return Proc("redis", [*args, "--appendonly", "no", "--dir", str(tmp)], log=tmp / "redis.log")


def haproxy(tmp):
    cfg = tmp / "haproxy.cfg"
    servers = "".join(
        f"    server {name} 127.0.0.1:{PORTS[name]} check inter 500ms fall 2 rise 2\n"
        for name in ("web1", "web2")
    )
    cfg.write_text(
        "global\n    maxconn 500\n"
        "defaults\n    mode http\n    timeout connect 1s\n    timeout client 30s\n    timeout server 30s\n"
        "    retries 3\n    option redispatch\n    retry-on conn-failure\n"
        f"frontend web\n    bind 127.0.0.1:{PORTS['haproxy']}\n    option forwardfor\n    default_backend hosts\n"
        "backend hosts\n    balance roundrobin\n    option httpchk GET /healthz\n" + servers
    )
    return Proc("haproxy", ["haproxy", "-f", str(cfg), "-db"], log=tmp / "haproxy.log")


def gunicorn(name, env, tmp):
    args = [PY, "-m", "gunicorn", "portal.wsgi:application", "-b", f"127.0.0.1:{PORTS[name]}"]
    args += ["-w", "2", "--timeout", "30", "--graceful-timeout", "5"]
    return Proc(name, args, env=env, log=tmp / f"{name}.log")


def worker(env, tmp):
    args = [PY, "-m", "celery", "-A", "portal", "worker", "--beat", "--pool=solo", "-l", "warning"]
    return Proc("worker", [*args, "-s", str(tmp / "beat-schedule")], env=env, log=tmp / "worker.log")


def smtp_sink(tmp):
    args = [PY, str(Path(__file__).resolve()), str(PORTS["smtp"]), str(tmp / "sink.jsonl")]
    return Proc("smtp", args, log=tmp / "smtp.log")


# --- the SMTP sink ---------------------------------------------------------------------------------


async def _session(reader, writer, out):
    def say(line):
        writer.write(line.encode() + b"\r\n")

    say("220 faults-sink ESMTP")
    await writer.drain()
    sender, recipients = "", []
    while line := await reader.readline():
        verb = line.decode("utf-8", "replace").strip().split(" ", 1)[0].upper()
        if verb in ("EHLO", "HELO"):
            say("250 faults-sink")
        elif verb == "MAIL":
            sender, recipients = line.decode().strip()[10:], []
            say("250 OK")
        elif verb == "RCPT":
            recipients.append(line.decode().strip()[8:])
            say("250 OK")
        elif verb == "DATA":
            say("354 end with <CRLF>.<CRLF>")
            await writer.drain()
            data = b""
            while (chunk := await reader.readline()) not in (b".\r\n", b".\n", b""):
                data += chunk[1:] if chunk.startswith(b"..") else chunk
            message = email.message_from_bytes(data, policy=email.policy.default)
            record = {
                "time": time.time(),
                "from": sender,
                "to": recipients,
                "subject": str(message["subject"]),
            }
            with open(out, "a", encoding="utf-8") as fh:  # noqa: ASYNC230 - a few lines, flushed before 250
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            say("250 OK queued")
        elif verb == "QUIT":
            say("221 bye")
            await writer.drain()
            break
        else:  # RSET, NOOP and anything else
            say("250 OK")
        await writer.drain()
    writer.close()


def serve_sink(port, out):
    async def main():
        server = await asyncio.start_server(lambda r, w: _session(r, w, out), "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


if __name__ == "__main__":  # the SMTP sink: fault_services.py PORT FILE
    serve_sink(int(sys.argv[1]), sys.argv[2])
