"""The report: the Markdown table of every page, issue 15's aims each marked met / not met / not
measured, and the growth table over the database sizes."""

from bench.cityload.pages import FLOORS, MIX, PAGES


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


def server_label(info):
    """The report's server: N sync workers, or N workers × T threads (gthread); older runs had sync workers."""
    threads = info.get("worker_threads", 1)
    if threads <= 1:
        return f"{info['workers']} sync workers"
    return f"{info['workers']} workers × {threads} threads (gthread)"


def render(results, counts, sizes, skipped, info):
    floor2 = results["floor_listing"]["rps"]
    lines = [
        f"Measured {info['date']} on {info['machine']['nproc']} cores ({info['machine']['cpu']}), "
        f"{info['machine']['ram_gib']} GiB; PostgreSQL {info['pg']}; gunicorn {server_label(info)}, "
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
