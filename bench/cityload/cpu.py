"""Where the CPU goes during a timed run: the machine, snapshots of /proc split into gunicorn, the
bench database's PostgreSQL backends and everything else, the parallel workers a snapshot misses
(ParallelWorkers, sampled every few ms; `--check-parallel` shows it counts them), other busy processes."""

import os
import platform
import subprocess
import threading
from pathlib import Path


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


def uptime():
    """`uptime`'s line, its clock in UTC."""
    return subprocess.run(
        ["uptime"], capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}
    ).stdout.strip()


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
