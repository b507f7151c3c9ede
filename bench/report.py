"""Machine facts, one-line summaries, and the generated part of docs/benchmarks.md."""

import os
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path

from bench.env import ROOT

DOCS = ROOT / "docs" / "benchmarks.md"


def markers(label):
    return f"<!-- bench:results:{label}:start -->", f"<!-- bench:results:{label}:end -->"

TARGETS = {
    "fanout_1000": 100.0,   # p99 ms, 1000 listeners, one process
    "fanout_2000": 250.0,   # p99 ms, 2000 listeners, one process
    "fanout_4000x2": 250.0,  # p99 ms, 4000 listeners across two processes
    "mb_per_1000": 100.0,   # peak RSS of a process holding 1000 sockets
    "page_gzip_kb": 14.0,
    "page_p50_ms": 15.0,
    "post_p99_ms": 25.0,
    "push_1000_s": 20.0,
    "storm_1000_s": 3.0,  # every phone current again after the server is back
}


def machine():
    meminfo = Path("/proc/meminfo").read_text()
    ram_gb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1)) / 1024 / 1024
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    cores = os.cpu_count()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "cores": cores,
        "cpu": model.group(1).strip() if model else platform.processor(),
        "ram_gb": round(ram_gb, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "load": load,
        "summary": f"{cores} cores ({model.group(1).strip() if model else '?'}), {ram_gb:.0f} GB RAM",
    }


def _server_version(command):
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def versions():
    found = {}
    for name in ["Django", "channels", "channels-redis", "uvicorn", "daphne", "websockets", "redis", "psycopg",
                 "uvloop", "httptools"]:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "-"
    found["Python"] = platform.python_version()
    found["PostgreSQL"] = _server_version(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"])
    redis_info = _server_version(["redis-cli", "INFO", "server"])
    match = re.search(r"redis_version:(\S+)", redis_info)
    found["Redis"] = match.group(1) if match else "?"
    return found


def page_line(row):
    s = row["server_ms"]
    return (f"{row['name']:13} p50 {s['p50']:.1f} ms  p99 {s['p99']:.1f} ms  raw {row['raw_bytes'] / 1024:.1f} KB  "
            f"gzip {row['gzip_bytes'] / 1024:.1f} KB (first response {row['first_response_bytes'] / 1024:.1f} KB)")


def posts_line(posts):
    lat, thr = posts["latency"]["post_ms"], posts["throughput"]
    return (f"track POST    p50 {lat['p50']:.1f} ms  p99 {lat['p99']:.1f} ms; sustained {thr['tracks_per_second']:.0f}/s "
            f"with {thr['concurrent_djs']} DJs (p99 {thr['post_ms']['p99']:.0f} ms, {thr['errors']} errors)")


def fanout_line(row):
    s = row["latency_ms"]
    return (f"fan-out {row['processes']}x{row['listeners']:<5} p50 {s['p50']:6.1f}  p95 {s['p95']:6.1f}  p99 {s['p99']:6.1f} ms"
            f"  held {row['held']}/{row['listeners']}  missed {row['missed']}  connect {row['connect_seconds']:.1f} s"
            f"  peak {max(row['peak_rss_mb']):.0f} MB ({row['peak_mb_per_1000']:.0f} MB/1000)"
            f"  cpu/track {', '.join(f'{c:.0f}' for c in row['server_cpu_ms_per_track'])} ms")


def votes_line(row):
    q, v = row["quiet_ms"], row["voting_ms"]
    return (f"votes {row['phones']} phones in {row['votes_seconds']:.1f} s  track fan-out p99 {q['p99']:.0f} ms quiet, "
            f"{v['p99']:.0f} ms while voting (p50 {q['p50']:.0f} / {v['p50']:.0f}; {row['tracks_while_voting']} tracks)  "
            f"votes stored {row['stored']}/{row['accepted']} accepted, counted exactly: {row['counted_exactly']}  "
            f"retaps {row['retaps']}  statuses {row['statuses']}  "
            f"tap p99 {row['tap_ms']['p99']:.0f} ms  missed {row['missed']}")


def storm_line(row):
    every = row["all_current_seconds"]
    shown = f"{every:.1f} s" if every is not None else f"only {row['current']}/{row['listeners']}"
    c = row["current_ms"]
    return (f"storm {row['listeners']:>5}   every phone current {shown} after the server was back "
            f"(p50 {c['p50']:.0f} ms, p95 {c['p95']:.0f} ms; down {row['down_seconds']:.1f} s, "
            f"{row['reconnect_attempts']} reconnect attempts)")


def routing_line(row):
    s = row["latency_ms"]
    return (f"routing {row['processes']}x{row['phones']} ({row['stages']} stages)  cross-room frames "
            f"{row['cross_room_frames']}  missed {row['missed']}  p50 {s['p50']:.0f}  p99 {s['p99']:.0f} ms"
            f"  connect {row['connect_seconds']:.1f} s")


def push_line(row):
    if not row.get("measured"):
        return f"push          not measured: {row['reason']}"
    return f"push          {row['subscriptions']} delivered in {row['seconds']:.1f} s"


def _verdict(value, limit):
    if value is None:
        return "not measured"
    return "met" if value <= limit else "**missed**"


def _find_fanout(results, processes, listeners):
    for row in results.get("fanout", []):
        if row["processes"] == processes and row["listeners"] == listeners:
            return row
    return None


def targets_table(results):
    rows = []

    def fan(processes, listeners, key, text):
        row = _find_fanout(results, processes, listeners)
        value = row["latency_ms"]["p99"] if row and row["held"] == listeners and not row["missed"] else None
        shown = f"p99 {row['latency_ms']['p99']:.0f} ms" if row else "not run"
        if row and (row["held"] != listeners or row["missed"]):
            shown += f" (held {row['held']}/{listeners}, missed {row['missed']})"
        rows.append((text, shown, _verdict(value, TARGETS[key]) if row else "not measured"))

    fan(1, 1000, "fanout_1000", "fan-out p99 ≤ 100 ms, 1000 listeners, one process")
    fan(1, 2000, "fanout_2000", "fan-out p99 ≤ 250 ms, 2000 listeners, one process")
    fan(2, 4000, "fanout_4000x2", "fan-out p99 ≤ 250 ms, 4000 listeners, two processes")
    largest = max(results.get("fanout", []), key=lambda r: r["listeners"] / r["processes"], default=None)
    if largest:
        rows.append(("server memory ≤ 100 MB per 1000 sockets",
                     f"{largest['peak_mb_per_1000']:.0f} MB (peak {max(largest['peak_rss_mb']):.0f} MB for "
                     f"{largest['listeners'] // largest['processes']} sockets)",
                     _verdict(largest["peak_mb_per_1000"], TARGETS["mb_per_1000"])))
    storm_row = results.get("storm")
    if storm_row:
        every = storm_row["all_current_seconds"]
        runs = ", ".join("—" if r is None else f"{r:.1f}" for r in storm_row.get("runs", []))
        rows.append((f"reconnect storm: {storm_row['listeners']} phones current ≤ 3 s after the server is back",
                     (f"{every:.1f} s" if every is not None else f"{storm_row['current']}/{storm_row['listeners']}")
                     + (f" (runs: {runs})" if runs else ""),
                     _verdict(every if every is not None else 1e9, TARGETS["storm_1000_s"])))
    route = results.get("routing")
    if route:
        rows.append((f"exact routing: {route['stages']} stages × {route['phones'] // route['stages']} phones over "
                     f"{route['processes']} processes, no cross-room frame",
                     f"{route['cross_room_frames']} cross-room frames, {route['missed']} missed "
                     f"(p99 {route['latency_ms']['p99']:.0f} ms)",
                     "met" if not route["cross_room_frames"] and not route["missed"] else "**missed**"))
    stage = next((p for p in results.get("pages", []) if p["name"] == "stage page"), None)
    if stage:
        rows.append(("stage page first response < 14 KB gzip", f"{stage['gzip_bytes'] / 1024:.1f} KB",
                     _verdict(stage["gzip_bytes"] / 1024, TARGETS["page_gzip_kb"])))
        rows.append(("stage page server time ≤ 15 ms p50", f"{stage['server_ms']['p50']:.1f} ms",
                     _verdict(stage["server_ms"]["p50"], TARGETS["page_p50_ms"])))
    if "posts" in results:
        p99 = results["posts"]["latency"]["post_ms"]["p99"]
        rows.append(("track POST < 25 ms p99", f"{p99:.1f} ms", _verdict(p99, TARGETS["post_p99_ms"])))
    if results.get("firstpaint"):
        from bench import firstpaint

        rows += firstpaint.target_rows(results["firstpaint"])
    push = results.get("push")
    if push is not None:
        rows.append(("1000 pushes delivered < 20 s",
                     f"{push['seconds']:.1f} s" if push.get("measured") else push["reason"],
                     _verdict(push.get("seconds"), TARGETS["push_1000_s"])))
    lines = ["| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def _runs(row):
    runs = row.get("p99_of_runs") or []
    return f" ({', '.join(f'{p:.0f}' for p in runs)})" if len(runs) > 1 else ""


def fanout_table(results):
    lines = [
        "| processes × listeners | load gen. procs | held | connect | p50 | p95 | p99 (each run) | max | missed | "
        "peak RSS / process | MB per 1000 sockets | RSS growth per 1000 | server CPU per track | POST p50 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in results.get("fanout", []):
        s = row["latency_ms"]
        lines.append(
            f"| {row['processes']} × {row['listeners']} | {row.get('clients', 1)} | {row['held']}/{row['listeners']} "
            f"| {row['connect_seconds']:.1f} s | {s['p50']:.0f} ms | {s['p95']:.0f} ms | {s['p99']:.0f} ms{_runs(row)} "
            f"| {s['max']:.0f} ms | {row['missed']} | {' / '.join(f'{m:.0f}' for m in row['peak_rss_mb'])} MB "
            f"| {row['peak_mb_per_1000']:.0f} MB | {row['growth_mb_per_1000']:.0f} MB "
            f"| {' / '.join(f'{c:.0f}' for c in row['server_cpu_ms_per_track'])} ms | {row['post_ms']['p50']:.0f} ms |")
    return "\n".join(lines)


def pages_table(results):
    lines = ["| page | server p50 | server p99 | body raw | body gzip | first response (headers + gzip body) "
             "| shows the track |",
             "|---|---|---|---|---|---|---|"]
    for row in results.get("pages", []):
        s = row["server_ms"]
        lines.append(f"| {row['name']} (`{re.sub(r'/[^/]+$', '/<code>', row['path'])}`) | {s['p50']:.1f} ms "
                     f"| {s['p99']:.1f} ms | {row['raw_bytes'] / 1024:.1f} KB | {row['gzip_bytes'] / 1024:.1f} KB "
                     f"| {row['first_response_bytes'] / 1024:.1f} KB | {'yes' if row['shows_track'] else '**no**'} |")
    return "\n".join(lines)


def posts_table(results):
    if "posts" not in results:
        return ""
    lat, thr = results["posts"]["latency"], results["posts"]["throughput"]
    return "\n".join([
        "| measure | p50 | p99 | max | rate |",
        "|---|---|---|---|---|",
        f"| one DJ, Event Mode, {lat['posts']} POSTs one after another | {lat['post_ms']['p50']:.1f} ms "
        f"| {lat['post_ms']['p99']:.1f} ms | {lat['post_ms']['max']:.1f} ms | — |",
        f"| {thr['concurrent_djs']} DJs posting at once for {thr['seconds']:.0f} s | {thr['post_ms']['p50']:.1f} ms "
        f"| {thr['post_ms']['p99']:.1f} ms | {thr['post_ms']['max']:.1f} ms | {thr['tracks_per_second']:.0f} tracks/s "
        f"({thr['errors']} errors) |",
    ])


def results_block(results):
    m, v, c = results["machine"], results["versions"], results["config"]
    start, end = markers(c["label"])
    versions = ", ".join(f"{k} {val}" for k, val in v.items())
    server_args = " ".join(c.get("server_args") or []) or "defaults"
    parts = [
        start,
        f"**Configuration `{c['label']}`** · **run:** {results['started']} · **machine:** {m['summary']}, Linux {m['kernel']} · "
        f"**load average** before {m['load']}, after {m.get('load_after', '?')} · **server:** {c['server']} "
        f"({server_args}), settings `{c['settings']}` · **channel layer Redis:** {c.get('channel_redis', '?')} "
        f"· **versions:** {versions}",
        "",
        "#### Targets",
        "",
        targets_table(results),
    ]
    if results.get("fanout"):
        parts += ["", "#### Fan-out (a)", "", fanout_table(results)]
    if results.get("pages"):
        parts += ["", "#### Pages (b)", "", pages_table(results)]
    if results.get("posts"):
        parts += ["", "#### Track POST (c)", "", posts_table(results)]
    if results.get("firstpaint"):
        from bench import firstpaint

        parts += ["", "#### First paint (e)", "", firstpaint.table(results["firstpaint"])]
        if results.get("firstpaint_against"):
            parts += ["", f"Against `{c.get('paint_against')}`, measured in the same runs (alternating):", "",
                      firstpaint.ab_table(results["firstpaint"], results["firstpaint_against"], "against")]
    push = results.get("push")
    if push is not None:
        detail = (f"One urgent announcement to {push['subscriptions']} subscriptions: the first push after "
                  f"{push['first_push_seconds']:.2f} s, all delivered after {push['seconds']:.1f} s "
                  f"({push['per_second']}/s; {push['workers']} task workers)." if push.get("measured") else push["reason"])
        parts += ["", "#### Push (d)", "", detail]
    parts.append(end)
    return "\n".join(parts)


def write_docs(results):
    """Replace this run's block (by its --label) in docs/benchmarks.md, or add it at the end."""
    start, end = markers(results["config"]["label"])
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    block = results_block(results)
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOCS.write_text(text)


def write_comparison(results):
    """Replace the comparison block of docs/benchmarks.md (or add it before the first run block)."""
    from bench.compare import table

    start, end = "<!-- bench:compare:start -->", "<!-- bench:compare:end -->"
    m = results["machine"]
    block = "\n".join([
        start,
        f"**Run:** {results['started']} · **machine:** {m['summary']}, Linux {m['kernel']} · **load average** "
        f"before {m['load']}, after {m.get('load_after', '?')} · **Pika! server:** {results['config']['server']} "
        f"(settings `{results['config']['settings']}`) · the original: its own runner (`peer/run_peer.sh`), "
        "Bun, PostgreSQL",
        "",
        table(results["compare"]),
        end,
    ])
    text = DOCS.read_text()
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n## Against the original (`python -m bench compare --write`)\n\n" + block + "\n"
    DOCS.write_text(text)
